import { availableParallelism } from 'node:os';
import type { RecordingAnalysis } from '../analysis/recordingSession';
import { predictedText } from './draft';
import { isLibrary } from './libraryCode';
import type { Draft, SuggestOptions } from './draft';
import { capped, round, times } from './model';
import { batchWork, bindingLock, narrowLock, scaleOut, switchInterval } from './otherRemedies';
import { freeThreadedRemedies } from './freeThreadedRemedies';
import { freeThreaded, keepThreads, releaseGil, subInterpreters, useProcesses } from './parallelRemedies';
import type { WorkProfile } from './profile';
import { recordingProfile } from './recordingProfile';
import { withRunCores } from './runCores';
import { EFFORT, RANK_TIE_SHARE } from './types';
import type { Suggestion } from './types';

/** Applies a binding lock's W/H bound to the remedies that leave the lock in place. */
function boundByLock(d: Draft, bound: number): Draft {
  if (!d.boundByLocks || d.predictedSpeedup <= bound) return d;
  const c = capped(d.predictedSpeedup, d.predictedInterval, bound);
  return {
    ...d,
    predictedSpeedup: round(c.value),
    predictedInterval: [round(c.interval[0]), round(c.interval[1])],
    evidence: { ...d.evidence, lockBound: round(bound, 6), uncappedSpeedup: d.predictedSpeedup },
    model: `${d.model}; capped at the lock's W / H = ${times(bound)}`,
    title: `${d.title} (capped by the lock: while it is held ${round(100 / bound, 0)}% of the run nothing beats ${times(bound)})`,
  };
}

/**
 * Orders by predicted speedup, but treats predictions within RANK_TIE_SHARE of the
 * best left as equal and puts the cheapest change first among them (EFFORT).
 */
export function rank(drafts: readonly Draft[]): Suggestion[] {
  const left = [...drafts];
  const out: Suggestion[] = [];
  while (left.length > 0) {
    const best = Math.max(...left.map((d) => d.predictedSpeedup));
    const tier = left
      .filter((d) => d.predictedSpeedup * (1 + RANK_TIE_SHARE) >= best)
      .sort((a, b) => EFFORT[a.kind] - EFFORT[b.kind] || b.predictedSpeedup - a.predictedSpeedup);
    for (const d of tier) {
      left.splice(left.indexOf(d), 1);
      const { boundByLocks: _, ...s } = d;
      const title = s.title.replace('{predicted}', predictedText(s.predictedSpeedup, s.predictedInterval));
      out.push({ ...s, title, rank: out.length + 1 });
    }
  }
  return out;
}

/** The remedies that run the work side by side (their predictions are what a binding lock caps). */
function parallelRemedies(p: WorkProfile, o: SuggestOptions): Draft[] {
  return [useProcesses(p, o), releaseGil(p, o), subInterpreters(p, o), freeThreaded(p, o)].filter((d): d is Draft => d !== null);
}

/**
 * A cluster engine's recording (clusterRemedies.ts): its own remedies join
 * the others; where its task threads convoy, "already parallel" is not
 * said; and no batching by chunksize is, since the engine's own queue hands
 * out the tasks.
 */
export interface ClusterSuggestions {
  readonly drafts: readonly Draft[];
  readonly engine: boolean;
}

function forCluster(drafts: Draft[], c: ClusterSuggestions | undefined): Draft[] {
  if (!c) return drafts;
  const convoy = c.drafts.length > 0;
  const kept = drafts.filter((d) => {
    if (c.engine && d.kind === 'batchWork') return false;
    // "already parallel, in processes" is what the engine's remedy corrects
    if (convoy && (d.kind === 'keepThreads' || d.kind === 'useProcesses')) return false;
    // the engine's own event loop waiting behind the task threads: its per-worker summary says it, it is not the tasks' work
    if (convoy && d.kind === 'switchInterval' && (!d.target || isLibrary(d.target.file))) return false;
    return true;
  });
  return [...kept, ...c.drafts];
}

/** Every remedy that applies to the profile, predicted and ranked. */
export function suggest(p: WorkProfile, o: SuggestOptions = {}, cluster?: ClusterSuggestions): Suggestion[] {
  const parallel = parallelRemedies(p, o);
  const processes = parallel.find((d) => d.kind === 'useProcesses');
  const best = [...parallel].sort((a, b) => b.predictedSpeedup - a.predictedSpeedup)[0];
  const lock = bindingLock(p);
  // Once the lock no longer binds, the turns the threads took on it go with it: the remedies beyond it are
  // predicted without the workers' recorded interleaving.
  const unlocked = lock && p.exchange ? parallelRemedies({ ...p, exchange: null }, o) : parallel;
  // A free-threaded build without its GIL: keeping threads is said with what they measured (threadScaling).
  const ft = freeThreadedRemedies(p, o);
  const drafts: Draft[] = [...(ft.some((d) => d.kind === 'threadScaling') ? [] : [keepThreads(p, o)]), ...parallel, ...ft];
  for (const d of [narrowLock(p, o, unlocked), switchInterval(p, o), batchWork(p, o, processes), scaleOut(p, o, best)]) {
    if (d) drafts.push(d);
  }
  const had = p.coresGiven ? null : p.runCores;
  const all = forCluster(drafts, cluster);
  const noted = had ? all.map((d) => withRunCores(d, had)) : all;
  return rank(lock ? noted.map((d) => boundByLock(d, lock.bound)) : noted);
}

/**
 * The suggestions of a recording (the JSON report's `suggestions[]`); none when it has no work to
 * speak of. Predicted for `cores` when given, else for the cores the run had (else this machine's).
 */
export function suggestForRecording(a: RecordingAnalysis, cores?: number, o: SuggestOptions = {}): Suggestion[] {
  const p = recordingProfile(a, cores ?? availableParallelism(), undefined, cores !== undefined);
  return p ? suggest(p, o) : [];
}
