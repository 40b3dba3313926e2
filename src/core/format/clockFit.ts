/**
 * Converts ticks to nanoseconds by a least-squares line through (ticks, ns)
 * pairs: the header's start and end and every chunk header (FORMAT.md,
 * "Timestamps"). Values are relative to the header's start_ticks and
 * start_mono_ns, so they stay exact as doubles.
 */
export class ClockFit {
  private ticks = new Float64Array(256);
  private ns = new Float64Array(256);
  private count = 0;

  constructor(private readonly ticksPerNs: number, private readonly identity: boolean) {}

  add(ticks: number, ns: number): void {
    if (this.identity || !Number.isFinite(ticks) || !Number.isFinite(ns)) return;
    if (this.count === this.ticks.length) {
      const grow = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.ticks = grow(this.ticks);
      this.ns = grow(this.ns);
    }
    this.ticks[this.count] = ticks;
    this.ns[this.count] = ns;
    this.count++;
  }

  /** ns = intercept + slope * ticks. */
  line(): { slope: number; intercept: number } {
    const fallback = { slope: 1 / this.ticksPerNs, intercept: 0 };
    if (this.identity) return { slope: 1, intercept: 0 };
    const n = this.count;
    if (n < 2) return fallback;
    let mt = 0;
    let mn = 0;
    for (let i = 0; i < n; i++) {
      mt += this.ticks[i]!;
      mn += this.ns[i]!;
    }
    mt /= n;
    mn /= n;
    let stt = 0;
    let stn = 0;
    for (let i = 0; i < n; i++) {
      const dt = this.ticks[i]! - mt;
      stt += dt * dt;
      stn += dt * (this.ns[i]! - mn);
    }
    const slope = stn / stt;
    // Under a millisecond's spread of ticks cannot give a slope, and a slope far
    // from the probe's own estimate means damaged pairs: use the estimate.
    const spread = Math.sqrt(stt / n) / this.ticksPerNs;
    const ratio = slope * this.ticksPerNs;
    if (!(spread >= 1e6) || !Number.isFinite(slope) || !(ratio > 0.5 && ratio < 2)) {
      return { slope: fallback.slope, intercept: mn - fallback.slope * mt };
    }
    return { slope, intercept: mn - slope * mt };
  }
}
