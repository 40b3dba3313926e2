import type { Definitions } from '../format/definitions';
import { PhaseKind } from '../format/layout';
import type { StopTheWorld, StwCause, StwPause } from './model';
import type { ProcessContext } from './processContext';
import type { TimeMap } from './timeMap';

/**
 * A free-threaded process's stop-the-world pauses, from its threads' waits
 * (FORMAT.md STW_WAIT / STW_END): the threads one pause stopped are woken
 * by the thread that starts the world again (STW_END's wake time), one after
 * the other, however late each ran again. Taken by their wakes, a wait is
 * of the pause before it when it began before that pause's first wake (it
 * was stopped when the world started again), else of a new one: a thread
 * stops for the next pause only after the world started from the last. The
 * pause lasts from its first thread stopped, or the
 * requester's first wait for the others to stop, to that wake. A requester's
 * waits with no stopped thread after them (the others stopped without
 * waiting) are a pause of their own. Its cause is what the requester (the
 * waker) ran then: the PHASE that brackets it, else the line it stood on.
 */

const PHASE_CAUSES: Readonly<Record<number, string>> = {
  [PhaseKind.gc]: 'garbage collection',
  [PhaseKind.fork]: 'fork',
  [PhaseKind.tracing]: 'tracing or profiling',
  [PhaseKind.moduleCreation]: 'module import',
};

/** Fields per wait in ProcessContext.stwWaits. */
const W = 7;

interface Pause {
  start: number;
  /** Its first wake: the world began to start again. */
  firstWake: number;
  end: number;
  waker: number;
  /** A site to name it by when no PHASE brackets it: the waker's, else the requester's. */
  site: number;
  stopped: number;
}

export function stopTheWorld(c: ProcessContext, end: number, time: TimeMap, defs: Definitions): StopTheWorld {
  const w = c.stwWaits;
  const stopped: number[] = [];
  const requests: number[] = [];
  for (let i = 0; i < w.length; i += W) (w[i + 5] === 1 ? requests : stopped).push(i);
  const wakeOf = (i: number) => (w[i + 3] === w[i + 3] ? w[i + 3]! : w[i + 2]!);
  stopped.sort((a, b) => wakeOf(a) - wakeOf(b));
  const pauses: Pause[] = [];
  for (const i of stopped) {
    const wake = wakeOf(i);
    const last = pauses[pauses.length - 1];
    if (last && last.waker === w[i + 4] && w[i + 1]! <= last.firstWake) {
      last.start = Math.min(last.start, w[i + 1]!);
      last.end = Math.max(last.end, wake);
      last.stopped++;
    } else {
      pauses.push({ start: Math.min(w[i + 1]!, wake), firstWake: wake, end: wake, waker: w[i + 4]!, site: w[i + 6]!, stopped: 1 });
    }
  }
  // The requester's waits for the others to stop: part of the pause they led to.
  requests.sort((a, b) => w[a + 2]! - w[b + 2]!);
  const byWaker = pauses.slice().sort((a, b) => a.end - b.end);
  for (const i of requests) {
    const slot = w[i]!;
    const next = byWaker.find((p) => p.waker === slot && p.end >= w[i + 2]!);
    if (next) next.start = Math.min(next.start, w[i + 1]!);
    else pauses.push({ start: w[i + 1]!, firstWake: w[i + 2]!, end: w[i + 2]!, waker: slot, site: w[i + 6]!, stopped: 0 });
  }
  const results: StwPause[] = pauses
    .sort((a, b) => a.start - b.start)
    .map((p) => ({ startSeconds: time.seconds(p.start), endSeconds: time.seconds(p.end), cause: causeOf(c, p, end, defs), stopped: p.stopped }));
  const causes = new Map<string, StwCause>();
  for (let k = 0; k < pauses.length; k++) {
    const r = results[k]!;
    const seconds = time.duration(pauses[k]!.end - pauses[k]!.start);
    const was = causes.get(r.cause);
    causes.set(r.cause, { cause: r.cause, count: (was?.count ?? 0) + 1, seconds: (was?.seconds ?? 0) + seconds });
  }
  return {
    count: results.length,
    pauseSeconds: [...causes.values()].reduce((s, x) => s + x.seconds, 0),
    causes: [...causes.values()].sort((a, b) => b.seconds - a.seconds || b.count - a.count),
    pauses: results,
  };
}

/** The PHASE of the waker that brackets the pause, else where the waker (or requester) stood. */
function causeOf(c: ProcessContext, p: Pause, end: number, defs: Definitions): string {
  const ph = c.phases;
  for (let i = 0; i < ph.length; i += 4) {
    if (ph[i] === p.waker && ph[i + 2]! <= p.end && ph[i + 3]! >= p.start) return PHASE_CAUSES[ph[i + 1]!] ?? `phase ${ph[i + 1]}`;
  }
  for (const [key, began] of c.openPhases) {
    if (Math.floor(key / 8) === p.waker && began <= p.end && end >= p.start) return PHASE_CAUSES[key % 8] ?? `phase ${key % 8}`;
  }
  if (p.site === 0) return 'unknown';
  const s = defs.site(p.site);
  return `at ${s.file}:${s.line} (${s.function})`;
}
