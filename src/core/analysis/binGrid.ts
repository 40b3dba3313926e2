import { BinPages, PAGE, PAGE_BITS } from './binPages';

export { PAGE };
const PAGE_MASK = PAGE - 1;

/**
 * The time bins of one process, in ticks from the header's start. The base
 * bin starts at `initialWidth` (about 1 ms) and doubles, merging neighbours in
 * every series, whenever a time falls beyond `maxBins`, or when the pages in
 * use pass the budget their owner keeps them within (`keepWithin`): memory
 * stays bounded whatever the recording's length (a 10-minute recording gets
 * 16 ms bins), and in proportion to what was recorded.
 */
export class BinGrid {
  width: number;
  inverse: number;
  private readonly series: BinSeries[] = [];
  /** Where the series' pages come from, and go back to when a coarsening frees them. */
  readonly pages = new BinPages();
  /** A page's worth of scratch for coarsening. */
  readonly scratch = new Float32Array(PAGE);

  constructor(initialWidth: number, readonly maxBins = 1 << 16) {
    this.width = initialWidth;
    this.inverse = 1 / initialWidth;
  }

  newSeries(): BinSeries {
    const s = new BinSeries(this);
    this.series.push(s);
    return s;
  }

  /** Doubles the bin width until bin `bin` (in current units) fits. */
  fit(bin: number): void {
    let factor = 1;
    while (bin / factor >= this.maxBins) factor *= 2;
    if (factor > 1) this.coarsen(factor);
  }

  /** Doubles the bin width until the series hold at most `pages` pages (or one page each). */
  keepWithin(pages: number): void {
    while (this.pages.inUse > Math.max(pages, this.series.length)) this.coarsen(2);
  }

  private coarsen(factor: number): void {
    for (const s of this.series) s.coarsen(factor);
    this.width *= factor;
    this.inverse = 1 / this.width;
  }

  get seriesCount(): number {
    return this.series.length;
  }
}

/** One row of a heatmap: the ticks spent in one state within each bin. */
export class BinSeries {
  pages: (Float32Array | undefined)[] = [];
  /** Highest bin touched, -1 when empty. */
  lastBin = -1;
  /** The page `add` used last, and its index (-1: none; coarsening and freezing forget it). */
  private lastPage = -1;
  private lastPageArray: Float32Array | undefined;
  /**
   * The copies the last `frozenPages` made, and which pages were written
   * since (1): a live view freezes its rows several times a second, and
   * copies again only what changed, the newest pages; the rest it shares.
   */
  private frozen: (Float32Array | undefined)[] = [];
  private readonly written: Uint8Array;

  constructor(private readonly grid: BinGrid) {
    this.written = new Uint8Array(Math.ceil(grid.maxBins / PAGE));
  }

  /** Adds the interval [t0, t1) in ticks; times before 0 count from 0. The hot path: every GIL state change. */
  add(t0: number, t1: number): void {
    if (!(t1 > t0)) return;
    if (t1 < 0) return;
    if (t0 < 0) t0 = 0;
    const grid = this.grid;
    let x1 = t1 * grid.inverse;
    if (x1 >= grid.maxBins) {
      grid.fit(Math.floor(x1));
      x1 = t1 * grid.inverse;
    }
    // Below maxBins (2^16): integer truncation is floor, and shifts and masks are exact.
    const b1 = x1 | 0;
    const b0 = (t0 * grid.inverse) | 0;
    if (b1 > this.lastBin) this.lastBin = b1;
    if (b0 === b1) {
      // Most intervals fall in one bin, and most in the page of the one before.
      const p = b0 >> PAGE_BITS;
      const page = p === this.lastPage ? this.lastPageArray! : this.pageAt(p, b0);
      page[b0 & PAGE_MASK]! += t1 - t0;
      return;
    }
    const w = grid.width;
    this.page(b0)[b0 & PAGE_MASK]! += (b0 + 1) * w - t0;
    for (let b = b0 + 1; b < b1; b++) this.page(b)[b & PAGE_MASK]! += w;
    this.page(b1)[b1 & PAGE_MASK]! += t1 - b1 * w;
  }

  /** Page `p` (holding bin `bin`), remembered as the last page used. */
  private pageAt(p: number, bin: number): Float32Array {
    const page = this.pages[p] ?? this.newPage(bin);
    this.written[p] = 1;
    this.lastPage = p;
    this.lastPageArray = page;
    return page;
  }

  /**
   * Spreads `amount` ticks (negative to take away) evenly over [t0, t1): a
   * summary's time, known only in total over its span. An empty span puts
   * it all in t0's bin.
   */
  addSpread(t0: number, t1: number, amount: number): void {
    if (amount === 0 || !(t1 >= t0)) return;
    if (t0 < 0) t0 = 0;
    if (t1 <= t0) t1 = t0;
    const grid = this.grid;
    if (Math.floor(t1 * grid.inverse) >= grid.maxBins) grid.fit(Math.floor(t1 * grid.inverse));
    const inv = grid.inverse;
    const b0 = Math.floor(t0 * inv);
    const b1 = Math.floor(t1 * inv);
    if (b1 > this.lastBin) this.lastBin = b1;
    if (b0 === b1) {
      this.page(b0)[b0 % PAGE]! += amount;
      return;
    }
    const density = amount / (t1 - t0);
    const w = grid.width;
    this.page(b0)[b0 % PAGE]! += ((b0 + 1) * w - t0) * density;
    for (let b = b0 + 1; b < b1; b++) this.page(b)[b % PAGE]! += w * density;
    this.page(b1)[b1 % PAGE]! += (t1 - b1 * w) * density;
  }

  private page(bin: number): Float32Array {
    const p = bin >> PAGE_BITS;
    this.written[p] = 1;
    return this.pages[p] ?? this.newPage(bin);
  }

  /**
   * Copies of the pages holding bins up to `last`, which later additions do
   * not change: pages not written since the last call are the copies made
   * then. The page `add` writes without marking is marked when `add` moves
   * to it, and freezing forgets it, so the next addition marks it again.
   */
  frozenPages(last: number): (Float32Array | undefined)[] {
    const out: (Float32Array | undefined)[] = [];
    const upTo = Math.min(this.pages.length - 1, last >> PAGE_BITS);
    for (let p = 0; p <= upTo; p++) {
      const page = this.pages[p];
      if (page && (this.written[p] === 1 || this.frozen[p] === undefined)) {
        this.frozen[p] = page.slice();
        this.written[p] = 0;
      }
      out.push(page ? this.frozen[p] : undefined);
    }
    this.lastPage = -1;
    this.lastPageArray = undefined;
    return out;
  }

  private newPage(bin: number): Float32Array {
    const p = bin >> PAGE_BITS;
    while (this.pages.length < p) this.pages.push(undefined);
    const page = this.grid.pages.take();
    this.pages[p] = page;
    return page;
  }

  /** Value of one bin. */
  at(bin: number): number {
    const page = this.pages[(bin / PAGE) | 0];
    return page ? page[bin % PAGE]! : 0;
  }

  /**
   * Merges each `factor` neighbouring bins into one, in place: new page p
   * sums old pages p·factor onwards, which no earlier new page overwrote,
   * and goes into old page p's memory, which only new pages up to p read.
   * Pages left over go back to the grid. The sums are the Float32 additions,
   * in the same order, that adding each old bin to a new page would make.
   */
  coarsen(factor: number): void {
    const old = this.pages;
    const pool = this.grid.pages;
    const scratch = this.grid.scratch;
    const lastBin = this.lastBin;
    const pages: (Float32Array | undefined)[] = [];
    const count = Math.ceil(old.length / factor);
    for (let p = 0; p < count; p++) {
      let any = false;
      scratch.fill(0);
      for (let q = p * factor; q < Math.min(old.length, (p + 1) * factor); q++) {
        const src = old[q];
        if (!src) continue;
        any = true;
        const base = q * PAGE - p * PAGE * factor;
        for (let i = 0; i < PAGE; i++) {
          const v = src[i]!;
          if (v !== 0) scratch[Math.floor((base + i) / factor)]! += v;
        }
      }
      const target = old[p];
      if (!any) {
        if (target) pool.give(target);
        continue;
      }
      const page = target ?? pool.take();
      page.set(scratch);
      while (pages.length < p) pages.push(undefined);
      pages[p] = page;
    }
    for (let q = count; q < old.length; q++) if (old[q]) pool.give(old[q]!);
    this.pages = pages;
    this.frozen = [];
    this.lastPage = -1;
    this.lastPageArray = undefined;
    this.lastBin = lastBin < 0 ? -1 : Math.floor(lastBin / factor);
  }
}
