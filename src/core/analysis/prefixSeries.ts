import { PAGE } from './binGrid';
import type { BinSeries } from './binGrid';

/**
 * A heatmap row frozen for queries: cumulative sums over the bins, so the
 * total within any window is two lookups, whatever the zoom.
 */
export class PrefixSeries {
  constructor(
    /** Index of the first bin held. */
    readonly firstBin: number,
    /** prefix[i] = sum of bins firstBin … firstBin+i-1 (ticks). */
    readonly prefix: Float64Array,
  ) {}

  get total(): number {
    return this.prefix[this.prefix.length - 1]!;
  }

  /** Cumulative ticks before position x (in bins, fractional). */
  at(x: number): number {
    const p = this.prefix;
    const rel = x - this.firstBin;
    if (!(rel > 0)) return 0;
    const n = p.length - 1;
    if (rel >= n) return p[n]!;
    const i = Math.floor(rel);
    return p[i]! + (rel - i) * (p[i + 1]! - p[i]!);
  }
}

export const EMPTY_SERIES = new PrefixSeries(0, new Float64Array(1));

/**
 * Freezes a series, adding intervals still open (in ticks) without changing
 * the series itself, so a live view can freeze again later.
 */
export function freezeSeries(series: BinSeries, binTicks: number, open: readonly (readonly [number, number])[] = []): PrefixSeries {
  let first = -1;
  for (let p = 0; p < series.pages.length; p++) {
    if (series.pages[p]) {
      first = p * PAGE;
      break;
    }
  }
  let last = series.lastBin;
  const extra = open.filter(([a, b]) => b > a && b > 0).map(([a, b]): [number, number] => [Math.max(0, a), b]);
  for (const [a, b] of extra) {
    const b0 = Math.floor(a / binTicks);
    first = first < 0 ? b0 : Math.min(first, b0);
    last = Math.max(last, Math.floor(b / binTicks));
  }
  if (first < 0 || last < first) return EMPTY_SERIES;
  const n = last - first + 1;
  // Bin b's value goes to prefix[b - first + 1], copied a page at a time (the hot part of
  // a report: every row of every thread), then summed in place.
  const prefix = new Float64Array(n + 1);
  const pages = series.pages;
  for (let p = Math.floor(first / PAGE); p < pages.length && p * PAGE <= last; p++) {
    const page = pages[p];
    if (!page) continue;
    const lo = Math.max(first, p * PAGE);
    const hi = Math.min(last, p * PAGE + PAGE - 1);
    prefix.set(page.subarray(lo - p * PAGE, hi - p * PAGE + 1), lo - first + 1);
  }
  for (const [a, b] of extra) addInterval(prefix, first - 1, binTicks, a, b);
  for (let i = 1; i <= n; i++) prefix[i]! += prefix[i - 1]!;
  return new PrefixSeries(first, prefix);
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
