import { analyzeRecording } from '../analysis/recordingSession';
import type { RecordingAnalysis } from '../analysis/recordingSession';
import { PARALLEL_MODES } from '../suggest/costs';
import type { ModeCosts, ParallelMode } from '../suggest/costs';
import { round } from '../suggest/model';
import { predictMode } from '../suggest/parallel';
import type { Prediction } from '../suggest/parallel';
import type { WorkProfile } from '../suggest/profile';
import { suggest } from '../suggest/suggest';
import type { SuggestionKind } from '../suggest/types';
import { runGil } from './runGil';
import { serialProfile } from './serialProfile';
import { COMPARE_SCHEMA_VERSION } from './types';
import type { ComparePoint, CompareResult, CompareRun, CompareSeries } from './types';
import type { WhatIfPlan, WhatIfResult, WhatIfRun } from './whatifFile';

const LABELS: Readonly<Record<string, string>> = {
  threads: 'threads (ThreadPoolExecutor)',
  'processes-fork': 'processes, fork',
  'processes-spawn': 'processes, spawn',
  'processes-forkserver': 'processes, forkserver',
  subinterpreters: 'sub-interpreters',
  'free-threaded': 'free-threaded build',
};

function isParallel(mode: string): mode is ParallelMode {
  return (PARALLEL_MODES as readonly string[]).includes(mode);
}

/** What the run itself measured of start-up, shutdown and pickling: the costs its prediction uses. */
export function measuredCosts(r: WhatIfResult): ModeCosts {
  return {
    startupSeconds: r.startupSeconds ?? 0,
    shutdownSeconds: r.shutdownSeconds ?? 0,
    parentTransferSeconds: r.transfer?.parentSeconds ?? 0,
    workerTransferSeconds: r.transfer?.workerSeconds ?? 0,
    source: 'measured',
    transferKnown: true,
  };
}

function analyse(run: WhatIfRun, notes: string[]): RecordingAnalysis | null {
  if (!run.recording || !run.recorded) return null;
  try {
    return analyzeRecording(run.recording);
  } catch (error) {
    notes.push(`the recording of ${run.mode}${run.workers ? ` ×${run.workers}` : ''} could not be read: ${(error as Error).message}`);
    return null;
  }
}

function predictionFor(profile: WorkProfile | null, run: WhatIfRun, ftVersion: string | undefined): Prediction | null {
  if (!profile || !run.result || run.workers === null || !isParallel(run.mode)) return null;
  return predictMode(profile, run.mode, run.workers, measuredCosts(run.result), ftVersion);
}

function compareRun(run: WhatIfRun, serialWall: number | null, analysis: RecordingAnalysis | null, prediction: Prediction | null): CompareRun {
  const r = run.result;
  const ok = r !== null && run.error === null;
  const transfer = r?.transfer ? r.transfer.parentSeconds + r.transfer.workerSeconds + r.transfer.movingSeconds : r ? 0 : null;
  return {
    mode: run.mode,
    workers: run.workers,
    wallSeconds: ok ? r.wallSeconds : null,
    speedup: ok && serialWall !== null && r.wallSeconds > 0 ? round(serialWall / r.wallSeconds) : null,
    cpuUtilisation: ok ? round(r.cpuUtilisation) : null,
    gil: ok && analysis ? runGil(analysis, r) : null,
    startupSeconds: ok ? r.startupSeconds : null,
    transferSeconds: ok ? transfer : null,
    peakMemoryBytes: ok ? r.peakMemoryBytes : null,
    error: run.error,
    predictedSpeedup: prediction ? round(prediction.speedup) : run.mode === 'serial' ? 1 : null,
    predictedInterval: prediction ? [round(prediction.interval[0]), round(prediction.interval[1])] : null,
    shutdownSeconds: ok ? r.shutdownSeconds : null,
    taskSeconds: ok ? r.taskSeconds : null,
    foreignCpus: r?.foreignCpus ?? null,
    python: r ? { version: r.python.version, gilEnabled: r.python.gilEnabled } : null,
    recording: run.recorded ? run.recording : null,
    repeats: run.repeats,
    note: r?.note ?? null,
  };
}

function series(plan: WhatIfPlan, runs: readonly CompareRun[]): CompareSeries[] {
  const out: CompareSeries[] = [];
  for (const mode of PARALLEL_MODES) {
    const of = runs.filter((r) => r.mode === mode);
    if (of.length === 0) continue;
    const unavailable = of.find((r) => r.workers === null)?.error ?? null;
    const points: ComparePoint[] = plan.workers.map((n) => {
      const r = of.find((x) => x.workers === n);
      return {
        workers: n,
        ideal: n,
        idealOnCores: Math.min(n, plan.cores),
        measured: r?.speedup ?? null,
        predicted: r?.predictedSpeedup ?? null,
        predictedInterval: r?.predictedInterval ?? null,
        error: r ? r.error : unavailable,
      };
    });
    out.push({ mode, label: LABELS[mode] ?? mode, points });
  }
  return out;
}

/** The worker count the suggestions are for: the largest run that fits the cores. */
function suggestionWorkers(plan: WhatIfPlan): number {
  const fit = plan.workers.filter((n) => n <= plan.cores);
  return fit.length > 0 ? Math.max(...fit) : Math.min(...plan.workers);
}

function ok(runs: readonly WhatIfRun[], mode: string, n: number): WhatIfRun | undefined {
  return runs.find((r) => r.mode === mode && r.workers === n && r.error === null && r.result !== null);
}

/** Suggestions from the serial run, with the what-if runs' costs and measured speedups. */
function suggestions(plan: WhatIfPlan, profile: WorkProfile, serialWall: number, ftVersion: string | undefined) {
  const n = suggestionWorkers(plan);
  const costs: Partial<Record<ParallelMode, ModeCosts>> = {};
  const measured: Partial<Record<SuggestionKind, number>> = {};
  const speed = (run: WhatIfRun | undefined) => (run?.result ? round(serialWall / run.result.wallSeconds) : undefined);
  for (const mode of PARALLEL_MODES) {
    const run = ok(plan.runs, mode, n);
    if (run?.result) costs[mode] = measuredCosts(run.result);
  }
  const fork = ok(plan.runs, 'processes-fork', n) ?? ok(plan.runs, 'processes-spawn', n) ?? ok(plan.runs, 'processes-forkserver', n);
  const pairs: [SuggestionKind, WhatIfRun | undefined][] = [
    ['useProcesses', fork],
    ['keepThreads', ok(plan.runs, 'threads', n)],
    ['subInterpreters', ok(plan.runs, 'subinterpreters', n)],
    ['freeThreaded', ok(plan.runs, 'free-threaded', n)],
  ];
  for (const [kind, run] of pairs) {
    const s = speed(run);
    if (s !== undefined) measured[kind] = s;
  }
  const blockers: Partial<Record<SuggestionKind, string>> = {};
  const failed = (modes: readonly string[]) => {
    const of = plan.runs.filter((r) => modes.includes(r.mode) && r.workers !== null);
    return of.length > 0 && of.every((r) => r.error !== null) ? (of[0]!.error ?? undefined) : undefined;
  };
  const processFailure = failed(['processes-fork', 'processes-spawn', 'processes-forkserver']);
  if (processFailure) blockers.useProcesses = processFailure;
  const subFailure = failed(['subinterpreters']);
  if (subFailure) blockers.subInterpreters = subFailure;
  const serial = plan.runs.find((r) => r.mode === 'serial')?.result;
  const pickling = serial?.transferEstimate ?? undefined;
  return suggest(profile, {
    workers: n,
    costs,
    measured,
    blockers,
    ...(pickling ? { pickling: { parentSeconds: pickling.parentSeconds, workerSeconds: pickling.workerSeconds } } : {}),
    ...(fork?.result?.transfer ? { resultTrip: { seconds: fork.result.transfer.movingSeconds, tasks: fork.result.tasks.length } } : {}),
    ...(ftVersion ? { freeThreadedVersion: ftVersion } : {}),
  });
}

/** A comparison's result from its what-if plan: every run measured, analysed and predicted. */
export function buildCompare(plan: WhatIfPlan): CompareResult {
  const notes = [...plan.notes];
  const serialRun = plan.runs.find((r) => r.mode === 'serial' && r.result !== null && r.error === null);
  const serialWall = serialRun?.result?.wallSeconds ?? null;
  const analyses = new Map<WhatIfRun, RecordingAnalysis | null>(plan.runs.map((r) => [r, r.result ? analyse(r, notes) : null]));
  const ftVersion = plan.runs.find((r) => r.mode === 'free-threaded' && r.result)?.result?.python.version;
  let profile: WorkProfile | null = null;
  if (serialRun?.result) {
    const analysis = analyses.get(serialRun) ?? null;
    if (!analysis) notes.push('the serial run was not recorded: its tasks are taken to hold the GIL throughout');
    profile = serialProfile(plan, serialRun.result, analysis);
  } else {
    notes.push(`the serial run failed, so there are no speedups and no predictions: ${plan.runs.find((r) => r.mode === 'serial')?.error ?? 'it did not run'}`);
  }
  const busy = plan.runs.filter((r) => (r.result?.foreignCpus ?? 0) > 0.3);
  if (busy.length > 0) {
    const most = Math.max(...busy.map((r) => r.result!.foreignCpus!));
    notes.push(`other processes used up to ${most.toFixed(1)} CPUs during ${busy.length} of the runs: their timings are disturbed`);
  }
  const runs = plan.runs.map((r) => compareRun(r, serialWall, analyses.get(r) ?? null, predictionFor(profile, r, ftVersion)));
  return {
    schemaVersion: COMPARE_SCHEMA_VERSION,
    form: plan.form,
    target: plan.target,
    python: plan.python,
    cores: plan.cores,
    workerCounts: plan.workers,
    baseline: { mode: 'serial', wallSeconds: serialWall },
    runs,
    series: series(plan, runs),
    suggestions: profile && serialWall !== null ? suggestions(plan, profile, serialWall, ftVersion) : [],
    notes,
    directory: plan.directory,
  };
}
