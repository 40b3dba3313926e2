import type { BinSeries } from './binGrid';
import { PAGE, PAGE_BITS } from './binPages';

/** A cumulative sum is kept every this many bins: an eighth of a number per bin instead of one. */
const CHECKPOINT_BITS = 3;
const CHECKPOINT_MASK = (1 << CHECKPOINT_BITS) - 1;
const NO_PAGES: readonly (Float32Array | undefined)[] = [];
const NO_PATCH = new Float64Array(0);

/**
 * A heatmap row frozen for queries: the cumulative sum before any bin, so
 * the total within any window is two lookups, whatever the zoom.
 *
 * The sums are not all stored (a number per bin of every row was a
 * recording's largest table): one every 8 bins, the rest summed on from
 * there in the order a full table would have been, so every answer is the
 * same double. Bin values are the series' Float32 pages, and, where an
 * interval still open at the freeze was added, `patch`'s doubles.
 */
export class PrefixSeries {
  /** checkpoints[j] = sum of bins firstBin … firstBin+8j-1 (ticks). */
  private readonly checkpoints: Float64Array;
  /** Sum of every bin. */
  readonly total: number;

  constructor(
    /** Index of the first bin held. */
    readonly firstBin: number,
    /** Bins held. */
    private readonly bins: number,
    /** Bin b's value is pages[b >> 10][b & 1023] (an absent page: 0)… */
    private readonly pages: readonly (Float32Array | undefined)[] = NO_PAGES,
    /** …or, for b from patchFrom on, patch[b - patchFrom] while within it. */
    private readonly patchFrom = 0,
    private readonly patch: Float64Array = NO_PATCH,
  ) {
    this.checkpoints = new Float64Array((bins >> CHECKPOINT_BITS) + 1);
    let sum = 0;
    for (let k = 0; k < bins; k++) {
      if ((k & CHECKPOINT_MASK) === 0) this.checkpoints[k >> CHECKPOINT_BITS] = sum;
      sum += this.value(k);
    }
    if ((bins & CHECKPOINT_MASK) === 0) this.checkpoints[bins >> CHECKPOINT_BITS] = sum;
    this.total = sum;
  }

  /** The value of bin firstBin + k. */
  private value(k: number): number {
    const b = this.firstBin + k;
    const q = b - this.patchFrom;
    if (q >= 0 && q < this.patch.length) return this.patch[q]!;
    const page = this.pages[b >> PAGE_BITS];
    return page === undefined ? 0 : page[b & (PAGE - 1)]!;
  }

  /** Cumulative ticks before position x (in bins, fractional). */
  at(x: number): number {
    const rel = x - this.firstBin;
    if (!(rel > 0)) return 0;
    const n = this.bins;
    if (rel >= n) return this.total;
    const i = Math.floor(rel);
    let sum = this.checkpoints[i >> CHECKPOINT_BITS]!;
    for (let k = i & ~CHECKPOINT_MASK; k < i; k++) sum += this.value(k);
    const next = sum + this.value(i);
    return sum + (rel - i) * (next - sum);
  }
}

export const EMPTY_SERIES = new PrefixSeries(0, 0);

/**
 * Freezes a series, adding intervals still open (in ticks) without changing
 * the series itself, so a live view can freeze again later. `final`: the
 * series will never change again (its file has ended), so its pages are
 * read in place instead of copied.
 */
export function freezeSeries(series: BinSeries, binTicks: number, open: readonly (readonly [number, number])[] = [], final = false): PrefixSeries {
  let first = -1;
  for (let p = 0; p < series.pages.length; p++) {
    if (series.pages[p]) {
      first = p * PAGE;
      break;
    }
  }
  let last = series.lastBin;
  const extra = open.filter(([a, b]) => b > a && b > 0).map(([a, b]): [number, number] => [Math.max(0, a), b]);
  let patchFirst = Infinity;
  let patchLast = -1;
  for (const [a, b] of extra) {
    const b0 = Math.floor(a / binTicks);
    const b1 = Math.floor(b / binTicks);
    first = first < 0 ? b0 : Math.min(first, b0);
    last = Math.max(last, b1);
    patchFirst = Math.min(patchFirst, b0);
    patchLast = Math.max(patchLast, b1);
  }
  if (first < 0 || last < first) return EMPTY_SERIES;
  const pages = final ? series.pages : series.frozenPages(last);
  if (patchLast < 0) return new PrefixSeries(first, last - first + 1, pages);
  // The bins the open intervals touch, as doubles: the series' value, then each interval added in turn.
  const patch = new Float64Array(patchLast - patchFirst + 1);
  for (let b = patchFirst; b <= patchLast; b++) patch[b - patchFirst] = pages[b >> PAGE_BITS]?.[b & (PAGE - 1)] ?? 0;
  for (const [a, b] of extra) addInterval(patch, patchFirst, binTicks, a, b);
  return new PrefixSeries(first, last - first + 1, pages, patchFirst, patch);
}

function addInterval(values: Float64Array, first: number, w: number, t0: number, t1: number): void {
  const b0 = Math.floor(t0 / w);
  const b1 = Math.floor(t1 / w);
  if (b0 === b1) {
    values[b0 - first]! += t1 - t0;
    return;
  }
  values[b0 - first]! += (b0 + 1) * w - t0;
  for (let b = b0 + 1; b < b1; b++) values[b - first]! += w;
  values[b1 - first]! += t1 - b1 * w;
}
