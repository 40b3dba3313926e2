import type { ThreadResult } from '../analysis/model';

/**
 * Which of the worker threads could have run at the same moment. A thread
 * is runnable except while it is released inside a wait (a queue, a
 * Condition, an event, a lock): holding the GIL, waiting for it and
 * running without it all count, since without a GIL those threads would
 * all run. Threads that take turns (a lock-step exchange: each one's run
 * happens while the other is blocked on it) have little runnable time in
 * common, and no remedy that keeps the exchange runs them side by side.
 */
export interface Concurrency {
  /** seconds[k]: time in the window with exactly k of the threads runnable (k = 0 … threads). */
  readonly seconds: readonly number[];
  /** Waits the threads came out of in the window: each one a hand-over from another thread (or an outside event). */
  readonly handOvers: number;
}

/**
 * +1 / −1 steps of the runnable count, as parallel arrays sorted by time (ties: −1 first).
 * Typed arrays throughout: a recording's threads have millions of blocked spans.
 */
function steps(threads: readonly ThreadResult[], from: number, to: number): { at: Float64Array; delta: Int8Array; handOvers: number } | null {
  let room = 0;
  for (const t of threads) {
    if (!t.blockedSpans) return null;
    room += 2 + t.blockedSpans.length;
  }
  const at = new Float64Array(room);
  const delta = new Int8Array(room);
  let n = 0;
  let handOvers = 0;
  for (const t of threads) {
    const spans = t.blockedSpans!;
    const start = Math.max(from, t.startSeconds);
    const end = Math.min(to, t.endSeconds);
    if (!(end > start)) continue;
    at[n] = start;
    delta[n++] = 1;
    at[n] = end;
    delta[n++] = -1;
    for (let i = 0; i + 1 < spans.length; i += 2) {
      const a = Math.max(start, spans[i]!);
      const b = Math.min(end, spans[i + 1]!);
      if (!(b > a)) continue;
      at[n] = a;
      delta[n++] = -1;
      at[n] = b;
      delta[n++] = 1;
      handOvers++;
    }
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((i, j) => at[i]! - at[j]! || delta[i]! - delta[j]!);
  const sortedAt = new Float64Array(n);
  const sortedDelta = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    sortedAt[i] = at[order[i]!]!;
    sortedDelta[i] = delta[order[i]!]!;
  }
  return { at: sortedAt, delta: sortedDelta, handOvers };
}

/** The runnable count of `threads` over [from, to], integrated; null when a thread's blocked spans are unknown. */
export function concurrency(threads: readonly ThreadResult[], from: number, to: number): Concurrency | null {
  const s = steps(threads, from, to);
  if (!s) return null;
  const seconds = new Array<number>(threads.length + 1).fill(0);
  let count = 0;
  let prev = from;
  for (let i = 0; i < s.at.length; i++) {
    const x = s.at[i]!;
    if (x > prev) seconds[Math.max(0, Math.min(threads.length, count))]! += x - prev;
    prev = Math.max(prev, x);
    count += s.delta[i]!;
  }
  if (to > prev) seconds[0]! += to - prev;
  return { seconds, handOvers: s.handOvers };
}

/** Time with two or more threads runnable: the most that could have run side by side. */
export function overlapSeconds(seconds: readonly number[]): number {
  return seconds.reduce((sum, x, k) => (k > 1 ? sum + x : sum), 0);
}

/** Time with at least one thread runnable. */
export function runnableSeconds(seconds: readonly number[]): number {
  return seconds.reduce((sum, x, k) => (k > 0 ? sum + x : sum), 0);
}

/**
 * The shortest the runnable time can get on `cores` cores with the threads'
 * dependencies kept: a moment with k threads runnable (`seconds[k]`, as in
 * Concurrency) shrinks at most min(k, cores) times (under one GIL only one of them ran).
 */
export function sideBySideSeconds(seconds: readonly number[], cores: number): number {
  return seconds.reduce((sum, x, k) => (k > 0 ? sum + x / Math.min(k, Math.max(1, cores)) : sum), 0);
}
