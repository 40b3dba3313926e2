import type { CompareResult, CompareRun } from './types';

/** Cells of the comparison table, for a terminal (src/cli) or any plain-text view. */
export function compareRows(r: CompareResult): string[][] {
  const rows = [['mode', 'N', 'wall', 'speedup', 'predicted', 'CPU', 'GIL held', 'GIL wait', 'start-up', 'transfer', 'peak mem']];
  for (const run of r.runs) {
    if (run.error !== null && run.wallSeconds === null) {
      rows.push([run.mode, run.workers === null ? '-' : String(run.workers), 'not run', ...Array<string>(8).fill('')]);
      continue;
    }
    rows.push([
      run.mode,
      run.workers === null ? '-' : String(run.workers),
      seconds(run.wallSeconds),
      x(run.speedup),
      predicted(run),
      share(run.cpuUtilisation),
      share(run.gil?.heldShare ?? null),
      share(run.gil?.waitShare ?? null),
      seconds(run.startupSeconds),
      seconds(run.transferSeconds),
      bytes(run.peakMemoryBytes),
    ]);
  }
  return rows;
}

/** Why each run that did not work did not, one line each. */
export function errorLines(r: CompareResult): string[] {
  return r.runs.filter((run) => run.error !== null).map((run) => `${run.mode}${run.workers === null ? '' : ` ×${run.workers}`}: ${run.error}`);
}

/** The suggestions, one paragraph each, predicted beside measured. */
export function suggestionLines(r: CompareResult): string[] {
  return r.suggestions.map((s) => {
    const measured = s.measuredSpeedup === null ? 'not measured' : `measured ${x(s.measuredSpeedup)}`;
    return `${s.rank}. ${s.title}\n     predicted ${x(s.predictedSpeedup)} (${x(s.predictedInterval[0])}–${x(s.predictedInterval[1])}), ${measured}`;
  });
}

function predicted(run: CompareRun): string {
  if (run.predictedSpeedup === null) return '-';
  if (!run.predictedInterval) return x(run.predictedSpeedup);
  return `${x(run.predictedSpeedup)} (${x(run.predictedInterval[0])}–${x(run.predictedInterval[1])})`;
}

function x(v: number | null): string {
  return v === null ? '-' : `${v.toFixed(2)}×`;
}

function share(v: number | null): string {
  return v === null ? '-' : `${(v * 100).toFixed(0)}%`;
}

function seconds(v: number | null): string {
  if (v === null) return '-';
  if (v === 0) return '0';
  return Math.abs(v) < 1 ? `${(v * 1e3).toFixed(v < 0.01 ? 2 : 1)} ms` : `${v.toFixed(2)} s`;
}

function bytes(v: number | null): string {
  if (v === null) return '-';
  return v >= 1 << 30 ? `${(v / (1 << 30)).toFixed(1)} GiB` : `${(v / (1 << 20)).toFixed(0)} MiB`;
}
