/**
 * Suggestions: what would make a recorded program faster, with the speedup
 * each remedy is predicted to give and the numbers behind the prediction.
 * Documented field by field in docs/report-schema.md ("Suggestion") and the
 * model in docs/suggestions.md.
 */

export type SuggestionKind =
  | 'useProcesses'
  | 'keepThreads'
  | 'releaseGil'
  | 'subInterpreters'
  | 'freeThreaded'
  | 'narrowLock'
  | 'batchWork'
  | 'switchInterval'
  | 'scaleOut'
  | 'shareNothing'
  | 'fewerCollections'
  | 'gilModule'
  | 'threadScaling'
  | 'clusterProcesses';

export interface SuggestionTarget {
  readonly file: string;
  readonly line: number;
  readonly function: string;
}

/** [lo, hi]: the speedups the model gives with its assumptions at their worst and best. */
export type Interval = readonly [number, number];

export interface Suggestion {
  readonly kind: SuggestionKind;
  /** 1 for the first thing to try. */
  readonly rank: number;
  /** One line for a person, with the main numbers. */
  readonly title: string;
  /** How to do it, and what the prediction assumes. */
  readonly detail: string;
  /** The code the remedy is about: the hot function's line, the lock's holder, the convoy's line; null when none is known. */
  readonly target: SuggestionTarget | null;
  /** The process the suggestion is about (null for a comparison's serial run). */
  readonly pid: number | null;
  /** The same process's key (the report's Process `key`: `MACHINE:PID` in a recording of several machines); null with `pid`. */
  readonly processKey?: string | null;
  /** Workers the prediction is for (threads, processes or interpreters). */
  readonly workers: number;
  /** Wall-time speedup over the baseline (the recorded run, or a comparison's serial run). */
  readonly predictedSpeedup: number;
  readonly predictedInterval: Interval;
  /** Measured by a what-if run of this remedy (gilscope compare); null until one ran. */
  readonly measuredSpeedup: number | null;
  /** The measured figures the prediction uses, by name (seconds, shares, counts). */
  readonly evidence: Readonly<Record<string, number>>;
  /** The formula with its numbers, e.g. `W / (S + max(H / n, C) + startup)`. */
  readonly model: string;
}

/** Predictions within this share of the best left are taken as equal (rank in suggest.ts), and said so in the report's views. */
export const RANK_TIE_SHARE = 0.15;

/** Cheapest change first: breaks ties between predictions within RANK_TIE_SHARE of each other. */
export const EFFORT: Readonly<Record<SuggestionKind, number>> = {
  keepThreads: 0,
  switchInterval: 1,
  useProcesses: 2,
  batchWork: 3,
  narrowLock: 4,
  freeThreaded: 5,
  subInterpreters: 6,
  releaseGil: 7,
  scaleOut: 8,
  // free-threaded builds
  threadScaling: 0,
  fewerCollections: 1,
  gilModule: 2,
  shareNothing: 3,
  // cluster engines
  clusterProcesses: 2,
};
