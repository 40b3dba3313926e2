/**
 * The what-if run of a cluster suggestion (clusterRemedies.ts): the program
 * recorded again with the change made by the runtime (no edit of the
 * program: GILSCOPE_WHATIF, runtime/python/gilscope/_cluster.py), and the
 * same measure taken of both recordings: the span of the engine's tasks.
 * `gilscope whatif DIR` (src/cli/commands/whatif.ts) runs it.
 */
import type { RecordingAnalysis } from '../analysis/recordingSession';
import type { ProcessKey } from '../analysis/processKeys';
import { buildReport } from '../report/buildReport';
import type { Report } from '../report/schema';
import { engineTaskSpan, predictSpan } from '../suggest/clusterRemedies';
import type { TaskSpan } from '../suggest/clusterRemedies';
import { round } from '../suggest/model';
import type { Suggestion } from '../suggest/types';
import { workforce } from '../suggest/workforce';

/** The environment a what-if run gets, by the suggestion it tries. */
export const WHATIF_ENV = { name: 'GILSCOPE_WHATIF', daskOneThreadPerWorker: 'dask-one-thread-per-worker' } as const;

export interface ClusterWhatIf {
  /** The suggestion, its `measuredSpeedup` filled. */
  readonly suggestion: Suggestion;
  readonly before: TaskSpan;
  readonly after: TaskSpan;
  /** The prediction again for the cores other programs left the what-if run (its own machine samples), to judge the measurement by. */
  readonly predictedForRun: number;
  readonly predictedIntervalForRun: readonly [number, number];
}

/** The Dask suggestion a what-if can try: the first-ranked `clusterProcesses` that speaks of threads_per_worker. */
export function daskSuggestion(r: Report): Suggestion | undefined {
  return r.suggestions.find((s) => s.kind === 'clusterProcesses' && /threads_per_worker/.test(s.title));
}

function span(a: RecordingAnalysis): TaskSpan | null {
  return engineTaskSpan(a, workforce(a).cluster, 'dask');
}

/** Measures a what-if run against the recording it tries to improve. */
export function measureClusterWhatIf(base: RecordingAnalysis, whatIf: RecordingAnalysis, cores?: number): ClusterWhatIf {
  const report = buildReport(base, 'gilscope', cores);
  const suggestion = daskSuggestion(report);
  if (!suggestion) throw new Error('the recording has no Dask threads_per_worker suggestion to try');
  const before = span(base);
  const after = span(whatIf);
  if (!before || !after) throw new Error(`no Dask task ran in the ${before ? 'what-if run' : 'recording'}`);
  const measured = (before.toSeconds - before.fromSeconds) / (after.toSeconds - after.fromSeconds);
  const again = predictSpan(before, suggestion.workers, after.cores, after.online);
  return {
    suggestion: { ...suggestion, measuredSpeedup: round(measured) },
    before,
    after,
    predictedForRun: round(again.speedup),
    predictedIntervalForRun: [round(again.interval[0]), round(again.interval[1])],
  };
}
