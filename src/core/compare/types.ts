/**
 * The result of `gilscope compare` (its `--json` output, schemaVersion 1),
 * documented in docs/compare.md. Shaped so that a chart of speedup against
 * workers per mode, with the ideal line and the predicted band, is drawn
 * from `series` directly (one line per series, one point per worker count).
 */
import type { Interval, Suggestion } from '../suggest/types';

export const COMPARE_SCHEMA_VERSION = 1;

/** `serial`, `as-is`, `threads`, `processes-fork`, `processes-spawn`, `processes-forkserver`, `subinterpreters`, `free-threaded`. */
export type CompareMode = string;

export interface CompareRun {
  readonly mode: CompareMode;
  /** Workers of the pool; null for `as-is`, and for a mode that could not run here. */
  readonly workers: number | null;
  readonly wallSeconds: number | null;
  /** The serial run's wall time over this run's. */
  readonly speedup: number | null;
  /** CPU seconds (this process and its workers) per wall second per usable core. */
  readonly cpuUtilisation: number | null;
  /** Shares of the worker threads' time in the window holding / waiting for a GIL; null without a recording or without a GIL. */
  readonly gil: { readonly heldShare: number; readonly waitShare: number } | null;
  /** From making the pool to its first task starting. */
  readonly startupSeconds: number | null;
  /** Pickling (parent and workers) and the results' trips back, summed over tasks; 0 for threads. */
  readonly transferSeconds: number | null;
  /** This process's peak RSS plus each worker process's own. */
  readonly peakMemoryBytes: number | null;
  /** Why the run did not work, in one sentence; null when it did. */
  readonly error: string | null;
  /** What the serial run's profile predicted for this run (with this run's measured start-up and pickling). */
  readonly predictedSpeedup: number | null;
  readonly predictedInterval: Interval | null;
  readonly shutdownSeconds: number | null;
  /** Sum of the tasks' own durations. */
  readonly taskSeconds: number | null;
  /** Other processes' CPU during the run, in CPUs: above ~0.2 the timings are disturbed. */
  readonly foreignCpus: number | null;
  readonly python: { readonly version: string; readonly gilEnabled: boolean } | null;
  /** The run's recording directory (gilscope report DIR), when it was recorded. */
  readonly recording: string | null;
  /** With --repeat: every repeat's wall time (null for one that failed); this run is the fastest. */
  readonly repeats: readonly (number | null)[] | null;
  readonly note: string | null;
}

export interface ComparePoint {
  readonly workers: number;
  /** N: the ideal speedup with N workers. */
  readonly ideal: number;
  /** min(N, cores): the ideal when each worker needs a core. */
  readonly idealOnCores: number;
  readonly measured: number | null;
  readonly predicted: number | null;
  readonly predictedInterval: Interval | null;
  readonly error: string | null;
}

/** One line of the chart: a mode's speedup against workers. */
export interface CompareSeries {
  readonly mode: CompareMode;
  readonly label: string;
  readonly points: readonly ComparePoint[];
}

export interface CompareResult {
  readonly schemaVersion: typeof COMPARE_SCHEMA_VERSION;
  readonly form: 'function' | 'script';
  readonly target: {
    readonly function?: { readonly path: string; readonly name: string };
    readonly inputs?: string;
    readonly calls?: number;
    readonly script?: { readonly path: string; readonly args: readonly string[] };
  };
  readonly python: { readonly executable: string; readonly version: string };
  /** Usable cores of the machine the runs were made on. */
  readonly cores: number;
  readonly workerCounts: readonly number[];
  /** The run every speedup is relative to. */
  readonly baseline: { readonly mode: 'serial'; readonly wallSeconds: number | null };
  readonly runs: readonly CompareRun[];
  readonly series: readonly CompareSeries[];
  /** Predicted from the serial run (suggestions of docs/report-schema.md), with the what-if runs' measured speedups. */
  readonly suggestions: readonly Suggestion[];
  readonly notes: readonly string[];
  /** Where the runs and whatif.json are. */
  readonly directory: string;
}
