import { fromPrediction } from './draft';
import type { Draft, SuggestOptions } from './draft';
import { round, times } from './model';
import type { Prediction } from './parallel';
import type { WorkProfile } from './profile';
import type { SuggestionKind } from './types';

/**
 * A recording whose work ran in one thread (the main thread alone), with
 * no tasks known to split it into: a remedy that runs threads side by side
 * (a free-threaded build, sub-interpreters, native code that releases the
 * GIL) has nothing to run beside that thread as it is. Those remedies are
 * predicted for the one thread (≈ 1×, a free-threaded build a little
 * slower); what they would reach once the work is split is in their
 * evidence, and the split itself is the processes suggestion ("If the work
 * can be split into independent tasks").
 */
export function isOneThread(p: WorkProfile): boolean {
  return p.baseline === 'serial' && !p.tasks;
}

/** A remedy as it applies to one thread, `split` what it would reach with the work split `n` ways. */
export function oneThreadDraft(
  kind: SuggestionKind,
  p: WorkProfile,
  asIs: Prediction,
  split: { readonly speedup: number; readonly workers: number },
  text: { readonly remedy: string; readonly detail: string; readonly target: Draft['target'] },
  o: SuggestOptions,
): Draft {
  return fromPrediction(kind, p, 1, {
    ...asIs,
    model: `one thread as recorded: ${asIs.model}`,
    evidence: { ...asIs.evidence, threads: 1, ifSplitSpeedup: round(split.speedup), ifSplitWorkers: split.workers },
  }, {
    title: `${text.remedy}: nothing to gain as it is, the work runs in one thread (predicted {predicted}); ` +
      `only once it is split into ${split.workers} independent parts could it reach ${times(split.speedup)}`,
    detail: text.detail,
    target: text.target,
  }, o);
}
