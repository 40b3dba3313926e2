/**
 * Growable logs of fixed-size numeric entries (typed arrays, no object per
 * entry), drawing on one budget per process so that a recording of any size
 * keeps bounded memory. When the budget runs out the logs stop growing and
 * `LogBudget.overflowed` says so: whoever reads them falls back to a cheaper
 * answer.
 */
export class LogBudget {
  overflowed = false;

  /** @param remaining numbers (8 bytes each) the logs of one process may hold together */
  constructor(public remaining: number) {}

  take(n: number): boolean {
    if (this.remaining < n) {
      this.overflowed = true;
      return false;
    }
    this.remaining -= n;
    return true;
  }
}

/** 8 M numbers, 64 MiB per process: a million lock holds with their waits and critical-section lines. */
export const DEFAULT_LOG_NUMBERS = 8 << 20;

/** Numbers per page: a page is filled, never copied, once it has grown to this size. */
const PAGE_BITS = 16;
const PAGE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE - 1;

/**
 * A log stored in pages of 65,536 numbers; the first page starts small and
 * doubles, so a thread or lock with a few entries costs little and a long
 * log is never copied whole. `stride` must divide the page size (2 or 4).
 */
export class NumberLog {
  private readonly pages: Float64Array[] = [];
  private page: Float64Array = new Float64Array(0);
  private used = 0;
  /** Numbers used (entries × stride). */
  size = 0;

  constructor(readonly stride: number, private readonly budget: LogBudget) {}

  get entries(): number {
    return this.size / this.stride;
  }

  /** The number at index `i` (< size). */
  at(i: number): number {
    return this.pages[i >>> PAGE_BITS]![i & PAGE_MASK]!;
  }

  private room(): boolean {
    if (this.used + this.stride <= this.page.length) return true;
    if (this.page.length === PAGE || this.pages.length === 0) {
      const first = this.pages.length === 0 ? 16 * this.stride : PAGE;
      if (!this.budget.take(first)) return false;
      this.page = new Float64Array(first);
      this.pages.push(this.page);
      this.used = 0;
      return true;
    }
    const grown = Math.min(PAGE, this.page.length * 2);
    if (!this.budget.take(grown - this.page.length)) return false;
    const next = new Float64Array(grown);
    next.set(this.page);
    this.page = next;
    this.pages[this.pages.length - 1] = next;
    return true;
  }

  push2(a: number, b: number): void {
    if (!this.room()) return;
    const d = this.page;
    const i = this.used;
    d[i] = a;
    d[i + 1] = b;
    this.used += 2;
    this.size += 2;
  }

  push4(a: number, b: number, c: number, e: number): void {
    if (!this.room()) return;
    const d = this.page;
    const i = this.used;
    d[i] = a;
    d[i + 1] = b;
    d[i + 2] = c;
    d[i + 3] = e;
    this.used += 4;
    this.size += 4;
  }
}
