/** How figures read in lenses, hovers and diagnostics. */

/** Seconds with a unit that suits their size: `4.8 s`, `12 ms`, `85 µs`. */
export function seconds(s: number): string {
  if (s >= 100) return `${s.toFixed(0)} s`;
  if (s >= 1) return `${trim(s.toFixed(2))} s`;
  if (s >= 0.001) return `${trim((s * 1e3).toPrecision(3))} ms`;
  if (s >= 1e-4) return `${Math.round(s * 1e6)} µs`;
  if (s > 0) return `${trim((s * 1e6).toPrecision(2))} µs`;
  return '0 s';
}

/** Drops trailing zeros after a decimal point: `4.80` → `4.8`, `12.0` → `12`, `100` stays. */
function trim(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

/** A share in [0, ∞) as a whole percentage: `82%`; below 1%, `<1%` (never a misleading 0% for a non-zero part). */
export function percent(part: number, whole: number): string {
  if (!(whole > 0)) return '–';
  const p = (part / whole) * 100;
  if (p > 0 && p < 1) return '<1%';
  return `${Math.round(p)}%`;
}

export { plural } from '../../core/report/plural';
