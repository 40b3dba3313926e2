/** Ids at or above this go through a map, so a damaged id cannot make a huge array. */
const DENSE_IDS = 1 << 20;

/**
 * Numeric columns indexed by a small integer id (site ids are 1, 2, … per
 * process), with no object per id: one typed array, row after row, so the
 * columns of one id are side by side (a GIL acquire adds to four of them).
 */
export class IdColumns {
  /** Row `r`'s value of column `c` is `data[r * columnCount + c]`; see `offset`. */
  data: Float64Array;
  private capacity = 64;
  private size = 0;
  private readonly sparse = new Map<number, number>();
  private readonly sparseIds: number[] = [];
  private seen = new Uint8Array(64);
  private readonly seenIds: number[] = [];

  constructor(readonly columnCount: number) {
    this.data = new Float64Array(64 * columnCount);
  }

  /** The row for an id, growing the columns when needed. */
  row(id: number): number {
    if (id < this.size && this.seen[id] === 1) return id; // the hot path: a known dense id
    let row = id;
    if (id >= DENSE_IDS) {
      const known = this.sparse.get(id);
      if (known !== undefined) return known;
      row = DENSE_IDS + this.sparseIds.length;
      this.sparse.set(id, row);
      this.sparseIds.push(id);
      this.seenIds.push(id);
    }
    if (row >= this.size) {
      if (row >= this.capacity) {
        const next = Math.max(this.capacity * 2, row + 1);
        const grown = new Float64Array(next * this.columnCount);
        grown.set(this.data);
        this.data = grown;
        const seen = new Uint8Array(next);
        seen.set(this.seen);
        this.seen = seen;
        this.capacity = next;
      }
      this.size = row + 1;
    }
    if (id < DENSE_IDS && this.seen[row] === 0) {
      this.seen[row] = 1;
      this.seenIds.push(id);
    }
    return row;
  }

  /** Where the id's row starts in `data` (read `data` after this call: it may have grown). */
  offset(id: number): number {
    return this.row(id) * this.columnCount;
  }

  add(column: number, id: number, value: number): void {
    const at = this.offset(id) + column;
    this.data[at]! += value;
  }

  get(column: number, id: number): number {
    const row = id >= DENSE_IDS ? this.sparse.get(id) : id;
    return row === undefined || row >= this.size ? 0 : this.data[row * this.columnCount + column]!;
  }

  /** Every id that was given a row (with possibly zero values), in first-seen order. */
  ids(): readonly number[] {
    return this.seenIds;
  }
}
