import type { ModeCosts, ParallelMode } from './costs';
import { round, times } from './model';
import type { Prediction } from './parallel';
import type { WorkProfile } from './profile';
import type { Suggestion, SuggestionKind } from './types';

/**
 * A suggestion before ranking. Its title may hold `{predicted}`, replaced
 * by the final prediction (after a lock's bound) when it is ranked.
 */
export interface Draft extends Omit<Suggestion, 'rank'> {
  /** A bound on the speedup of the whole run (a lock's W/H) applies to it. */
  readonly boundByLocks: boolean;
}

/** What the engine is told besides the profile. */
export interface SuggestOptions {
  /** Workers to predict for when the baseline is serial (default: the cores). */
  readonly workers?: number;
  /** Costs measured by what-if runs, per mode, at `workers`. */
  readonly costs?: Partial<Record<ParallelMode, ModeCosts>>;
  /** Pickling of every input and result, timed by a comparison's serial run. */
  readonly pickling?: { readonly parentSeconds: number; readonly workerSeconds: number };
  /** Seconds per task spent getting results back from worker processes, measured (gilscope compare). */
  readonly resultTrip?: { readonly seconds: number; readonly tasks: number };
  /** The free-threaded interpreter's version, when one was found. */
  readonly freeThreadedVersion?: string;
  /** Speedups measured by what-if runs, by kind. */
  readonly measured?: Partial<Record<SuggestionKind, number>>;
  /** Why a what-if run of a remedy failed (work that cannot be pickled...), by kind: said in its title. */
  readonly blockers?: Partial<Record<SuggestionKind, string>>;
}

export function fromPrediction(
  kind: SuggestionKind,
  p: WorkProfile,
  workers: number,
  prediction: Prediction,
  text: { title: string; detail: string; target: Draft['target'] },
  o: SuggestOptions,
  boundByLocks = true,
): Draft {
  const blocker = o.blockers?.[kind];
  return {
    kind,
    title: blocker ? `${text.title}. But its what-if run failed: ${blocker}` : text.title,
    detail: text.detail,
    target: text.target,
    pid: p.pid,
    processKey: p.processKey ?? (p.pid === null ? null : String(p.pid)),
    workers,
    predictedSpeedup: round(prediction.speedup),
    predictedInterval: [round(prediction.interval[0]), round(prediction.interval[1])],
    measuredSpeedup: o.measured?.[kind] ?? null,
    evidence: Object.fromEntries(Object.entries(prediction.evidence).map(([k, v]) => [k, round(v, 6)])),
    model: prediction.model,
    boundByLocks,
  };
}

/** `file.py:12 (function)` for titles. */
export function where(t: Draft['target']): string {
  if (!t) return 'unknown code';
  return t.file ? `${whereLine(t)} (${t.function})` : t.function;
}

/** `file.py:12`, for titles where it is already in parentheses; the function when there is no file. */
export function whereLine(t: NonNullable<Draft['target']>): string {
  const short = t.file.split(/[\\/]/).pop() ?? t.file;
  return t.file ? `${short}:${t.line}` : t.function;
}

/** `1.93× (1.71×–1.98×)`, or `1.93×` when the interval is that one value. */
export function predictedText(value: number, interval: readonly [number, number]): string {
  const [lo, hi] = interval;
  if (times(lo) === times(value) && times(hi) === times(value)) return times(value);
  return `${times(value)} (${times(lo)}–${times(hi)})`;
}
