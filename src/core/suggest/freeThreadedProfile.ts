import type { LockResult, ProcessResult, ThreadResult } from '../analysis/model';
import { site } from './profilePressures';
import type { FreeThreadedPressure } from './profile';

/**
 * What a free-threaded build's recording says for the suggestions
 * (freeThreadedRemedies.ts): the objects the workers waited for, their
 * stop-the-world pauses, the module that turned the GIL on, and how many of
 * them ran at once. Null for a build with a GIL.
 */

const LOCK_KINDS = new Set(['Lock', 'RLock', 'Condition', 'Semaphore', 'BoundedSemaphore', 'Event', 'Queue', 'Future', 'Thread', 'multiprocessing.Lock', 'internal', 'unknown']);

/** An object's own lock (a critical section's): its kind is the object's type, with no name or creation line. */
export function isObject(l: LockResult): boolean {
  return l.name === null && l.createdAt === null && !LOCK_KINDS.has(l.kind) && !l.kind.startsWith('kind ');
}

export function freeThreadedPressure(p: ProcessResult, workers: readonly ThreadResult[]): FreeThreadedPressure | null {
  if (p.stopTheWorld === null || workers.some((t) => t.states === null)) return null;
  const from = Math.min(...workers.map((t) => t.startSeconds));
  const to = Math.max(...workers.map((t) => t.endSeconds));
  const objects = p.locks
    .filter((l) => isObject(l) && l.waitSeconds > 0)
    .map((l) => ({
      type: l.kind,
      id: l.id,
      waitSeconds: l.waitSeconds,
      contended: l.contended,
      waiter: l.waiters[0] ? site(l.waiters[0]) : null,
      releasedAt: l.holders[0] ? site(l.holders[0]) : null,
    }))
    .sort((a, b) => b.waitSeconds - a.waitSeconds);
  const gc = p.stopTheWorld.causes.find((c) => c.cause === 'garbage collection');
  const stwLine = [...p.lines].filter((l) => l.stopTheWorldSeconds > 0).sort((a, b) => b.stopTheWorldSeconds - a.stopTheWorldSeconds)[0];
  const on = p.gilEnabledAt;
  const cpuWait = workers.every((t) => t.cpuWaitSeconds !== null) ? workers.reduce((s, t) => s + (t.cpuWaitSeconds ?? 0), 0) : null;
  return {
    objects,
    pauses: p.stopTheWorld.count,
    pauseSeconds: p.stopTheWorld.pauseSeconds,
    gcPauses: gc?.count ?? 0,
    gcPauseSeconds: gc?.seconds ?? 0,
    stoppedSeconds: workers.reduce((s, t) => s + (t.states?.stopTheWorldSeconds ?? 0), 0),
    stoppedAt: stwLine ? site(stwLine) : null,
    gilEnabledAt: on,
    gilWaitAfterSeconds: on ? workers.reduce((s, t) => s + t.gil.waitSeconds, 0) : 0,
    runningSeconds: workers.reduce((s, t) => s + (t.states?.runningSeconds ?? 0), 0),
    cpuWaitSeconds: cpuWait,
    spanSeconds: Math.max(0, to - from),
    idleSeconds: workers.reduce((s, t) => s + (t.states ? t.states.detachedSeconds + t.states.blockedSeconds : 0), 0),
  };
}
