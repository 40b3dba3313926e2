import type { CompareResult } from '../../src/protocol/webviewProtocol';

/**
 * What each line of the speedup chart is. `bandLow` and `bandHigh` are the
 * edges of a mode's predicted interval (drawn as the area between them, not
 * as lines, and left out of the legend).
 */
export type LineRole = 'measured' | 'predicted' | 'bandLow' | 'bandHigh' | 'ideal' | 'idealOnCores';

export interface ChartLine {
  readonly role: LineRole;
  /** The mode the line belongs to; null for the ideal lines. */
  readonly mode: string | null;
  readonly label: string;
  /** One value per worker count (`workerCounts`); null where there is none (a failed run). */
  readonly values: readonly (number | null)[];
}

/**
 * The chart's lines, straight from the comparison's `series` (docs/compare.md,
 * "Series"): per mode its measured speedups and, where the serial run's
 * profile predicted them, the predicted line and its interval; then the
 * ideal lines, N and min(N, cores).
 */
export function chartLines(result: CompareResult): ChartLine[] {
  const counts = result.workerCounts;
  const lines: ChartLine[] = [];
  for (const s of result.series) {
    const at = (n: number) => s.points.find((p) => p.workers === n);
    lines.push({ role: 'measured', mode: s.mode, label: s.label, values: counts.map((n) => at(n)?.measured ?? null) });
    if (s.points.some((p) => p.predicted !== null)) {
      lines.push({ role: 'predicted', mode: s.mode, label: `${s.label}, predicted`, values: counts.map((n) => at(n)?.predicted ?? null) });
    }
    if (s.points.some((p) => p.predictedInterval !== null)) {
      lines.push({ role: 'bandLow', mode: s.mode, label: `${s.label}, predicted low`, values: counts.map((n) => at(n)?.predictedInterval?.[0] ?? null) });
      lines.push({ role: 'bandHigh', mode: s.mode, label: `${s.label}, predicted high`, values: counts.map((n) => at(n)?.predictedInterval?.[1] ?? null) });
    }
  }
  lines.push({ role: 'ideal', mode: null, label: 'ideal (N)', values: [...counts] });
  lines.push({ role: 'idealOnCores', mode: null, label: `ideal on ${result.cores} cores (min(N, ${result.cores}))`, values: counts.map((n) => Math.min(n, result.cores)) });
  return lines;
}
