import { overlapSeconds, runnableSeconds } from './concurrency';
import { fromPrediction, where } from './draft';
import type { Draft, SuggestOptions } from './draft';
import { around, pct, secs, speedup } from './model';
import type { WorkProfile } from './profile';

/** Items per hand-over the prediction is for, and its interval's ends. */
const BATCH = 8;
/** Hand-overs enough to call the threads' exchange a habit, not a few joins. */
const MIN_HAND_OVERS = 100;
/** The workers take turns when they could have run at once at most this share of their runnable time. */
const MAX_OVERLAP = 0.5;
/** The hand-overs are worth batching when they cost at least this share of the wall. */
const MIN_SHARE = 0.1;

/**
 * Batch the exchange between threads that take turns (a lock-step
 * hand-over: each runs while the other waits for it in a queue, a
 * Condition, a lock). Every hand-over costs a wake-up, a wait for the GIL
 * the other thread holds and the wait's own code; sending k items per
 * hand-over pays that once per k items:
 * W / (W - hand-over time × (1 - 1/k)).
 */
export function batchExchange(p: WorkProfile, o: SuggestOptions): Draft | null {
  const e = p.exchange;
  if (!e || e.handOvers < MIN_HAND_OVERS) return null;
  const runnable = runnableSeconds(e.runnableSeconds);
  const overlap = overlapSeconds(e.runnableSeconds);
  const W = p.wallSeconds;
  const share = e.handOverSeconds / W;
  if (overlap > MAX_OVERLAP * runnable || share < MIN_SHARE) return null;
  const at = (k: number) => speedup(W, W - Math.min(W, e.handOverSeconds) * (1 - 1 / k));
  const center = at(BATCH);
  const perHandOver = e.handOverSeconds / e.handOvers;
  const span = e.runnableSeconds.reduce((s, x) => s + x, 0);
  return fromPrediction('batchWork', p, p.workers, {
    speedup: center,
    interval: around(center, at(2), at(Infinity)),
    model: `W / (W - hand-over time × (1 - 1/k)) = ${secs(W)} / (${secs(W)} - ${secs(e.handOverSeconds)} × (1 - 1/${BATCH})): ` +
      `${e.handOvers} hand-overs, ${secs(perHandOver)} each`,
    evidence: {
      wallSeconds: W, handOvers: e.handOvers, handOversPerSecond: e.handOvers / Math.max(1e-9, span), secondsPerHandOver: perHandOver,
      handOverSeconds: e.handOverSeconds, runnableSeconds: runnable, overlapSeconds: overlap, workers: p.workers, batch: BATCH,
    },
  }, {
    title: `Batch the exchange: the ${p.workers} threads take turns (they could run at once only ${pct(overlap / Math.max(1e-9, runnable))} of the time), ` +
      `handing work over ${e.handOvers} times, ${secs(perHandOver)} a hand-over (${pct(share)} of the run); batches of ${BATCH} are predicted {predicted}`,
    detail: `Each hand-over at ${where(e.target)} wakes the other thread, which then waits for the GIL this one holds: send items in ` +
      'batches (a list per put, or put_nowait a chunk and wake once) so the wake-up and the GIL hand-over are paid once per batch. ' +
      'Processes or a free-threaded build do not help threads that wait for each other: they would still take turns, and between processes each hand-over becomes a message.',
    target: e.target,
  }, o);
}
