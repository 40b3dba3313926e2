/** Exact samples are kept up to this count; beyond it a log histogram takes over. */
const EXACT_LIMIT = 1 << 16;
/** Histogram buckets per doubling: about 2% relative error. */
const SUB = 32;
const BUCKETS = 64 * SUB;

/**
 * A distribution of durations (in ticks) answering percentiles: exact for
 * small counts, within about 2% for large ones, in bounded memory.
 */
export class DurationSamples {
  private exact: Float64Array | undefined = new Float64Array(16);
  private hist: Float64Array | undefined;
  count = 0;
  max = 0;
  total = 0;

  add(value: number): void {
    const v = value > 0 ? value : 0;
    this.total += v;
    if (v > this.max) this.max = v;
    if (this.exact) {
      if (this.count === this.exact.length) {
        if (this.count >= EXACT_LIMIT) {
          this.toHistogram();
        } else {
          const grown = new Float64Array(this.count * 2);
          grown.set(this.exact);
          this.exact = grown;
        }
      }
      if (this.exact) {
        this.exact[this.count++] = v;
        return;
      }
    }
    this.hist![bucketOf(v)]!++;
    this.count++;
  }

  /** `n` samples of one value: a copy each while exact, one step once a histogram. */
  addMany(value: number, n: number): void {
    const v = value > 0 ? value : 0;
    if (!(n > 0)) return;
    if (this.exact && this.count + n > EXACT_LIMIT) this.toHistogram();
    if (this.exact) {
      for (let i = 0; i < n; i++) this.add(v);
      return;
    }
    this.total += v * n;
    if (v > this.max) this.max = v;
    this.hist![bucketOf(v)]! += n;
    this.count += n;
  }

  /**
   * Durations known only by bucket (a summary's histogram): `counts[i]`
   * samples taken at `values[i]`, with the exact sum and longest known
   * apart, so `total` and `max` stay exact while percentiles are as good
   * as the buckets.
   */
  addSummarised(values: ArrayLike<number>, counts: ArrayLike<number>, total: number, longest: number): void {
    const before = this.total;
    for (let i = 0; i < values.length; i++) this.addMany(values[i]!, counts[i]!);
    this.total = before + Math.max(0, total);
    if (longest > this.max) this.max = longest;
  }

  private toHistogram(): void {
    const hist = new Float64Array(BUCKETS);
    const exact = this.exact!;
    for (let i = 0; i < this.count; i++) hist[bucketOf(exact[i]!)]!++;
    this.hist = hist;
    this.exact = undefined;
  }

  /** The p-quantile (0 ≤ p ≤ 1), nearest-rank; 0 when empty. */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.min(this.count, Math.max(1, Math.ceil(p * this.count)));
    if (this.exact) {
      const sorted = this.exact.slice(0, this.count).sort();
      return sorted[rank - 1]!;
    }
    let seen = 0;
    const hist = this.hist!;
    for (let b = 0; b < BUCKETS; b++) {
      seen += hist[b]!;
      if (seen >= rank) return Math.min(this.max, bucketValue(b));
    }
    return this.max;
  }
}

function bucketOf(v: number): number {
  if (v < 1) return 0;
  const b = Math.floor(Math.log2(v) * SUB) + 1;
  return b >= BUCKETS ? BUCKETS - 1 : b;
}

function bucketValue(b: number): number {
  return b === 0 ? 0 : 2 ** ((b - 0.5) / SUB);
}

/** A copy that can take more samples without changing the original. */
export function cloneSamples(s: DurationSamples): DurationSamples {
  const copy = Object.create(DurationSamples.prototype) as DurationSamples;
  Object.assign(copy, s);
  const fields = copy as unknown as { exact: Float64Array | undefined; hist: Float64Array | undefined };
  const from = s as unknown as { exact: Float64Array | undefined; hist: Float64Array | undefined };
  fields.exact = from.exact?.slice();
  fields.hist = from.hist?.slice();
  return copy;
}
