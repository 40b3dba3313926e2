import type { Interval } from './types';

/**
 * The arithmetic of the predictions (docs/suggestions.md, "The model").
 * Pure functions of seconds and counts; no analysis types.
 */

/** Amdahl's law: a fraction `f` of the time sped up `n` times. */
export function amdahl(f: number, n: number): number {
  const p = Math.min(1, Math.max(0, f));
  return 1 / (1 - p + p / Math.max(1, n));
}

/**
 * The time `n` workers take to run tasks of these durations, each worker
 * taking the next task in order as it comes free (what a pool does with
 * submitted tasks). With no tasks known, the work is taken as divisible:
 * total / n.
 */
export function makespan(durations: readonly number[] | null, total: number, n: number): number {
  const workers = Math.max(1, Math.floor(n));
  if (!durations || durations.length === 0) return total / workers;
  const loads = new Float64Array(Math.min(workers, durations.length));
  for (const d of durations) {
    let k = 0;
    for (let i = 1; i < loads.length; i++) if (loads[i]! < loads[k]!) k = i;
    loads[k]! += d;
  }
  return loads.reduce((m, x) => Math.max(m, x), 0);
}

/** W / T, with T at least a microsecond. */
export function speedup(wall: number, time: number): number {
  return wall / Math.max(1e-6, time);
}

/** Caps a prediction and its interval at a bound (a lock's W/H). */
export function capped(value: number, interval: Interval, cap: number): { value: number; interval: Interval } {
  return { value: Math.min(value, cap), interval: [Math.min(interval[0], cap), Math.min(interval[1], cap)] };
}

/** An interval in order, around its value. */
export function around(value: number, lo: number, hi: number): Interval {
  return [Math.min(lo, hi, value), Math.max(lo, hi, value)];
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** `1.93×` */
export function times(x: number): string {
  return `${x >= 10 ? x.toFixed(0) : x.toFixed(2)}×`;
}

/** `12.3 µs` / `12.3 ms` / `1.52 s` for the model strings. */
export function secs(s: number): string {
  if (s !== 0 && Math.abs(s) < 1e-4) return `${(s * 1e6).toFixed(1)} µs`;
  return Math.abs(s) < 1 ? `${(s * 1e3).toFixed(1)} ms` : `${s.toFixed(2)} s`;
}

export function pct(x: number): string {
  return `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
}
