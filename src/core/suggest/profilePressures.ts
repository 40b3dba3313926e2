import type { FunctionResult, LineResult, LockResult, ProcessResult, ThreadResult } from '../analysis/model';
import { isLibrary } from './libraryCode';
import type { ConvoyPressure, LockPressure, WorkProfile } from './profile';
import type { SuggestionTarget } from './types';
import { gilLifeSeconds } from '../analysis/gilLife';

/**
 * The parts of a profile read from one process's analysis, the same for
 * work in threads (recordingProfile.ts) and in processes
 * (processesProfile.ts): the hot spot, the released spot, the locks that
 * made threads wait, the convoys, and worker processes' waits for tasks.
 */

/** A lock matters when threads waited for it at least this share of the wall. */
const LOCK_SHARE = 0.05;
/**
 * Convoy waits matter when they are at least this share of the convoyed
 * threads' lives and happen at least this often, to threads that mostly
 * run without the GIL doing I/O: a CPU-bound thread that blocks now and
 * then, or a thread waking from waits for events, is not in an I/O convoy.
 */
const CONVOY_SHARE = 0.05;
const CONVOY_COUNT = 10;
const CONVOY_MAX_HELD = 0.3;
/** Lock kinds that exclude: one holder at a time, so their hold bounds the speedup. */
const EXCLUSIVE = new Set(['Lock', 'RLock', 'multiprocessing.Lock', 'multiprocessing.RLock']);
const IPC = /[\\/](multiprocessing[\\/](connection|queues|pool|reduction|synchronize)|concurrent[\\/]futures[\\/]process)\.py$/;

/** Time a thread ran without the GIL doing something: released, not waiting for a lock or an event (or, free-threaded, stopped by the world). */
export function releasedWork(t: ThreadResult): number {
  if (t.states) return t.states.runningSeconds + t.states.detachedSeconds;
  return Math.max(0, t.gil.releasedSeconds - t.lockWaitSeconds - t.blockedSeconds);
}

/**
 * Time a thread held the GIL, with the time a sampler could not tell (an interpreter whose GIL it
 * cannot read: the thread ran, holding the GIL or in native code without it). That time is the
 * thread's work either way; the predictions take it as held, the state of a thread running Python.
 */
export function heldWork(t: ThreadResult): number {
  return t.gil.heldSeconds + (t.gil.unknownSeconds ?? 0);
}

/** The profile's `unknownSeconds` for these threads: absent when a sampler could tell all of their time. */
export function unknownOf(threads: readonly ThreadResult[]): { unknownSeconds?: number } {
  const unknown = threads.reduce((s, t) => s + (t.gil.unknownSeconds ?? 0), 0);
  return unknown > 0 ? { unknownSeconds: unknown } : {};
}

/** A thread's own work: the GIL held plus its released work. */
export function ownWork(t: ThreadResult): number {
  return heldWork(t) + releasedWork(t);
}

/** Seconds `t` (a thread of `p`) held the GIL between two times of the recording. */
export function heldBetween(p: ProcessResult, t: ThreadResult, from: number, to: number): number {
  if (!(to > from)) return 0;
  const key = `${p.key}/${t.slot}`;
  const row = p.heatmap.query({ startSeconds: from, endSeconds: to, width: 1 }).threads.find((r) => r.key === key);
  return row ? Math.max(0, row.cells.held[0]!) : t.gil.heldSeconds;
}

/** Python's import machinery (`<frozen importlib._bootstrap>`, `<frozen importlib._bootstrap_external>`). */
const IMPORTING = /^<frozen importlib\./;

export function site(s: { file: string; line: number; function: string }): SuggestionTarget {
  return { file: s.file, line: s.line, function: s.function };
}

/** The function holding the GIL most, user code first, with its hottest line. */
export function hotSpot(p: ProcessResult): WorkProfile['hot'] {
  // Never a line of Python's import machinery: a process importing its modules is starting, not working.
  const fns = [...p.functions].filter((f) => f.gilHeldSeconds > 0 && !IMPORTING.test(f.file)).sort((x, y) => y.gilHeldSeconds - x.gilHeldSeconds);
  // The user's own code first, unless it holds next to nothing (a file read at start-up beside a
  // loop in the library): then the library function that does hold is the better pointer.
  const own = fns.find((f) => !isLibrary(f.file));
  const fn: FunctionResult | undefined = own && own.gilHeldSeconds >= 0.05 * fns[0]!.gilHeldSeconds ? own : fns[0];
  if (!fn) return null;
  const line = p.lines
    .filter((l) => l.file === fn.file && l.function === fn.function)
    .sort((x, y) => y.gilHeldSeconds - x.gilHeldSeconds)[0];
  return { target: { file: fn.file, line: line?.line ?? fn.firstLine, function: fn.function }, heldSeconds: fn.gilHeldSeconds };
}

/** The line where threads ran without the GIL most, not counting waits for locks and events. */
export function releasedSpot(p: ProcessResult): WorkProfile['released'] {
  const work = (l: LineResult) => Math.max(0, l.releasedSeconds - l.lockWaitSeconds - l.blockedSeconds);
  const lines = [...p.lines].filter((l) => work(l) > 0 && !IMPORTING.test(l.file)).sort((x, y) => work(y) - work(x));
  const line = lines.find((l) => !isLibrary(l.file) && !/^(Thread\.|Condition\.|Event\.)/.test(l.function)) ?? lines[0];
  return line ? { target: site(line), seconds: work(line) } : null;
}

function lockPressure(l: LockResult): LockPressure {
  const holder = l.holders[0];
  const waiter = l.waiters[0];
  return {
    name: l.name ?? `${l.kind} #${l.id}`,
    createdAt: l.createdAt ? site(l.createdAt) : null,
    target: holder ? site(holder) : waiter ? site(waiter) : l.createdAt ? site(l.createdAt) : null,
    holdSeconds: l.holdSeconds,
    waitSeconds: l.waitSeconds,
    acquisitions: l.acquisitions,
    contended: l.contended,
  };
}

export function convoyPressure(p: ProcessResult, workers: readonly ThreadResult[]): ConvoyPressure | null {
  // Only the workers' convoys slow the work down: a main thread that coordinates them (joblib's
  // result loop polls with 10 ms sleeps) waits for the GIL after each poll, but nothing waits for it.
  const threads = workers.filter((t) => {
    const life = t.endSeconds - t.startSeconds;
    return t.convoy.count >= CONVOY_COUNT && t.convoy.waitSeconds >= CONVOY_SHARE * life && t.gil.heldSeconds <= CONVOY_MAX_HELD * life
      // Released for I/O more than blocked waiting for events (a thread waking from future.result() is not doing I/O).
      && releasedWork(t) >= t.blockedSeconds;
  });
  if (threads.length === 0) return null;
  const line = [...p.lines].filter((l) => l.convoyCount > 0).sort((x, y) => y.convoyWaitSeconds - x.convoyWaitSeconds)[0];
  return {
    threads: threads.length,
    count: threads.reduce((s, t) => s + t.convoy.count, 0),
    waitSeconds: threads.reduce((s, t) => s + t.convoy.waitSeconds, 0),
    lifeSeconds: threads.reduce((s, t) => s + (t.endSeconds - t.startSeconds), 0),
    target: line ? site(line) : null,
  };
}

/** The exclusive locks threads waited for at least 5% of the wall. */
export function lockPressures(p: ProcessResult, wall: number): LockPressure[] {
  return p.locks.filter((l) => EXCLUSIVE.has(l.kind) && l.contended > 0 && l.waitSeconds >= LOCK_SHARE * wall).map(lockPressure);
}

/** Worker processes' time waiting inside multiprocessing for their next task (starved of work), and their busy time. */
export function ipcPressure(workers: readonly ProcessResult[]): WorkProfile['ipc'] {
  const children = workers.filter((p) => p.threads.some((t) => t.gil.heldSeconds > 0));
  if (children.length === 0) return null;
  let waitSeconds = 0;
  let busySeconds = 0;
  let waits = 0;
  let top: LineResult | undefined;
  for (const p of children) {
    busySeconds += p.threads.reduce((s, t) => s + gilLifeSeconds(t.gil), 0);
    for (const l of p.lines) {
      if (!IPC.test(l.file)) continue;
      waitSeconds += l.releasedSeconds;
      waits += l.acquisitions;
      if (!top || l.releasedSeconds > top.releasedSeconds) top = l;
    }
  }
  return { waitSeconds, busySeconds, waits, workers: children.length, target: top ? site(top) : null };
}
