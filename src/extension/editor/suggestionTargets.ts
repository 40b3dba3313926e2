import type { Report } from '../../core/report/schema';
import type { SuggestionKind } from '../../core/suggest/types';
import { sourcePath } from './sourceFigures';

/** The remedies that run the function's work in parallel: "Parallelise this…" over the function they target. */
const PARALLEL_KINDS: ReadonlySet<SuggestionKind> = new Set<SuggestionKind>([
  'useProcesses', 'subInterpreters', 'freeThreaded', 'releaseGil', 'batchWork', 'scaleOut',
]);

/** A suggestion of the report that parallelises a function. */
export interface SuggestionTarget {
  /** The suggestion's index in `report.suggestions`. */
  readonly index: number;
  /** The suggestion's own one line (with its numbers), for the lens's hover. */
  readonly title: string;
  /** Absolute path of the function's file. */
  readonly path: string;
  readonly function: string;
}

/**
 * The functions the report's parallelising suggestions target (those with
 * a target and a predicted gain), best ranked first, one per function.
 */
export function suggestionTargets(report: Report, cwd: string | undefined): SuggestionTarget[] {
  const byFunction = new Map<string, SuggestionTarget & { rank: number }>();
  report.suggestions.forEach((s, index) => {
    if (!PARALLEL_KINDS.has(s.kind) || !s.target || !(s.predictedSpeedup > 1)) return;
    const path = sourcePath(s.target.file, cwd);
    if (!path) return;
    const key = `${path}\0${s.target.function}`;
    const before = byFunction.get(key);
    if (!before || s.rank < before.rank) byFunction.set(key, { index, title: s.title, path, function: s.target.function, rank: s.rank });
  });
  return [...byFunction.values()].sort((a, b) => a.rank - b.rank).map(({ rank: _rank, ...t }) => t);
}
