import type { ThreadResult } from '../../src/core/analysis/model';

/**
 * Threads for the runnable counts' tests (src/core/suggest/concurrency.ts):
 * made by hand, or at random with whole-second times, so that counting at the
 * middle of each second is the exact answer.
 */

/** A thread over [start, end] blocked in the given spans ([start, end, start, end, …]; null: unknown). */
export function threadLife(slot: number, start: number, end: number, blocked: readonly number[] | null, name = `t${slot}`): ThreadResult {
  return {
    slot, tid: slot, name, isMain: slot === 0, startSeconds: start, endSeconds: end, ended: true,
    gil: { heldSeconds: 0, waitSeconds: 0, releasedSeconds: 0 }, acquisitions: 0, lockWaitSeconds: 0, blockedSeconds: 0,
    convoy: { count: 0, waitSeconds: 0 }, longestWaits: [], blockedSpans: blocked ? Float64Array.from(blocked) : null,
    cpuWaitSeconds: null, cpuWaitInGilWaitSeconds: null, cpuSeconds: null, states: null, attaches: 0,
  };
}

/** `count` threads from `seed`, each starting and ending at its own whole second, blocked in whole-second spans. */
export function randomThreadLives(seed: number, count: number, firstSlot = 0): ThreadResult[] {
  const next = (n: number): number => (seed = (seed * 48271) % 2147483647) % n;
  return Array.from({ length: count }, (_, i) => {
    const start = next(10);
    const end = start + 5 + next(35);
    const spans: number[] = [];
    for (let x = start + next(3); x < end; x += 1 + next(4)) {
      const b = Math.min(end, x + 1 + next(3));
      spans.push(x, b);
      x = b;
    }
    return threadLife(firstSlot + i, start, end, spans);
  });
}

/** Whether the thread could run at `m` seconds (alive, and not inside a blocked span). */
export function runnableAt(t: ThreadResult, m: number): boolean {
  if (!(m > t.startSeconds && m < t.endSeconds)) return false;
  const s = t.blockedSpans!;
  for (let i = 0; i < s.length; i += 2) if (m > s[i]! && m < s[i + 1]!) return false;
  return true;
}
