/** Ids at or above this go through a map, so a damaged id cannot make a huge array. */
const DENSE_IDS = 1 << 20;

/**
 * Numeric columns indexed by a small integer id (site ids are 1, 2, … per
 * process): typed arrays that grow, with no object per id.
 */
export class IdColumns {
  private cols: Float64Array[];
  private size = 0;
  private readonly sparse = new Map<number, number>();
  private readonly sparseIds: number[] = [];
  private seen = new Uint8Array(64);
  private readonly seenIds: number[] = [];

  constructor(readonly columnCount: number) {
    this.cols = Array.from({ length: columnCount }, () => new Float64Array(64));
  }

  /** The row for an id, growing the columns when needed. */
  row(id: number): number {
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
      const capacity = this.cols[0]!.length;
      if (row >= capacity) {
        const next = Math.max(capacity * 2, row + 1);
        this.cols = this.cols.map((c) => {
          const grown = new Float64Array(next);
          grown.set(c);
          return grown;
        });
        const seen = new Uint8Array(next);
        seen.set(this.seen);
        this.seen = seen;
      }
      this.size = row + 1;
    }
    if (id < DENSE_IDS && this.seen[row] === 0) {
      this.seen[row] = 1;
      this.seenIds.push(id);
    }
    return row;
  }

  add(column: number, id: number, value: number): void {
    this.cols[column]![this.row(id)]! += value;
  }

  get(column: number, id: number): number {
    const row = id >= DENSE_IDS ? this.sparse.get(id) : id;
    return row === undefined || row >= this.size ? 0 : this.cols[column]![row]!;
  }

  /** Every id that was given a row (with possibly zero values), in first-seen order. */
  ids(): readonly number[] {
    return this.seenIds;
  }
}
