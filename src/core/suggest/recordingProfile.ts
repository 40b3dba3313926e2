import type { FunctionResult, LineResult, LockResult, ProcessResult, ThreadResult } from '../analysis/model';
import type { RecordingAnalysis } from '../analysis/recordingSession';
import { concurrency, runnableSeconds } from './concurrency';
import { exchangeProfile } from './exchangeProfile';
import { isLibrary } from './libraryCode';
import type { ConvoyPressure, LockPressure, WorkProfile } from './profile';
import { runCores } from './runCores';
import type { SuggestionTarget } from './types';

/** A thread is a worker when its own work (held + released work) is at least this share of the wall. */
const WORKER_SHARE = 0.05;
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
/**
 * multiprocessing.pool's own helper threads (ThreadPool and Pool: `Thread-N (_handle_workers)` and the
 * like, from 3.10 on): they wait for tasks and results without the GIL, which is not work.
 */
const POOL_HELPER = /\((_handle_workers|_handle_tasks|_handle_results)\)$/;
const IPC = /[\\/](multiprocessing[\\/](connection|queues|pool|reduction|synchronize)|concurrent[\\/]futures[\\/]process)\.py$/;

/** Time a thread ran without the GIL doing something: released, not waiting for a lock or an event. */
export function releasedWork(t: ThreadResult): number {
  return Math.max(0, t.gil.releasedSeconds - t.lockWaitSeconds - t.blockedSeconds);
}

function ownWork(t: ThreadResult): number {
  return t.gil.heldSeconds + releasedWork(t);
}

function site(s: { file: string; line: number; function: string }): SuggestionTarget {
  return { file: s.file, line: s.line, function: s.function };
}

/** The process whose threads did the most work (the earliest of equals). */
function mainProcess(a: RecordingAnalysis): ProcessResult | undefined {
  let best: ProcessResult | undefined;
  let bestWork = -1;
  for (const p of a.processes) {
    const work = p.threads.reduce((s, t) => s + ownWork(t), 0);
    if (work > bestWork) {
      best = p;
      bestWork = work;
    }
  }
  return best;
}

/** The function holding the GIL most, user code first, with its hottest line. */
export function hotSpot(p: ProcessResult): WorkProfile['hot'] {
  const fns = [...p.functions].filter((f) => f.gilHeldSeconds > 0).sort((x, y) => y.gilHeldSeconds - x.gilHeldSeconds);
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
  const lines = [...p.lines].filter((l) => work(l) > 0).sort((x, y) => work(y) - work(x));
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

function convoyPressure(p: ProcessResult, workers: readonly ThreadResult[]): ConvoyPressure | null {
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

/** Worker processes' time waiting inside multiprocessing for their next task (starved of work). */
function ipcPressure(a: RecordingAnalysis, root: ProcessResult): WorkProfile['ipc'] {
  const children = a.processes.filter((p) => p !== root && p.threads.some((t) => t.gil.heldSeconds > 0));
  if (children.length === 0) return null;
  let waitSeconds = 0;
  let busySeconds = 0;
  let top: LineResult | undefined;
  for (const p of children) {
    busySeconds += p.threads.reduce((s, t) => s + t.gil.heldSeconds + t.gil.waitSeconds + t.gil.releasedSeconds, 0);
    for (const l of p.lines) {
      if (!IPC.test(l.file)) continue;
      waitSeconds += l.releasedSeconds;
      if (!top || l.releasedSeconds > top.releasedSeconds) top = l;
    }
  }
  return { waitSeconds, busySeconds, target: top ? site(top) : null };
}

/**
 * The main thread works beside the workers (the driver of an exchange with
 * them) when it holds the GIL a share of the wall and at least half what a
 * worker holds, not just polls for them,
 * and could run during their span that much, not just wait in join() or
 * for their results (a main thread that sets up, then waits, is not one).
 * Only when its blocked spans are known: the exchange profile then sees any
 * setup it did alone, so that it is not taken as divisible work.
 */
function mainWorks(t: ThreadResult, workers: readonly ThreadResult[], wall: number): boolean {
  if (!t.isMain || t.gil.heldSeconds < WORKER_SHARE * wall || workers.length === 0) return false;
  // A driver holds about as much as a worker; a dispatcher that polls for results (joblib's
  // Parallel holds ~40% of a worker's share) coordinates and is not one.
  const workerHeld = workers.reduce((s, w) => s + w.gil.heldSeconds, 0) / workers.length;
  if (t.gil.heldSeconds < 0.5 * workerHeld) return false;
  const from = Math.min(...workers.map((w) => w.startSeconds));
  const to = Math.max(...workers.map((w) => w.endSeconds));
  const c = concurrency([t], from, to);
  return c !== null && runnableSeconds(c.seconds) >= WORKER_SHARE * wall;
}

/**
 * The profile of a recording: the process that did the most work, its
 * worker threads (the threads, main excepted, whose own work is at least 5%
 * of the wall, and main too when it holds the GIL that much beside them; the
 * main thread alone when there are none, taken then as serial work that
 * could be divided), how their runs interleave, the hot function, the locks that
 * made threads wait, the convoys. The predictions are for `cores` (this
 * machine's), or for the cores the run had when its machine was sampled.
 */
export function recordingProfile(a: RecordingAnalysis, cores: number): WorkProfile | null {
  const p = mainProcess(a);
  if (!p || a.wallSeconds <= 0 || p.threads.length === 0) return null;
  const had = runCores(p);
  const wall = p.endSeconds - p.startSeconds;
  if (!(wall > 0)) return null;
  let workers = p.threads.filter((t) => !t.isMain && !POOL_HELPER.test(t.name) && ownWork(t) >= WORKER_SHARE * wall);
  const serial = workers.length === 0;
  if (serial) workers = p.threads.filter((t) => t.isMain).slice(0, 1);
  else workers = [...p.threads.filter((t) => mainWorks(t, workers, wall)), ...workers];
  if (workers.length === 0) workers = p.threads.slice(0, 1);
  // Time held on sub-interpreters' own GILs (index > 0) runs side by side with the main GIL's
  // holders: it is not serialised, so it counts with the work that runs without the (main) GIL.
  const allHeld = workers.reduce((s, t) => s + t.gil.heldSeconds, 0);
  const ownGil = Math.min(allHeld, p.gils.filter((g) => g.index > 0).reduce((s, g) => s + g.heldSeconds, 0));
  const held = allHeld - ownGil;
  const released = workers.reduce((s, t) => s + releasedWork(t), 0) + ownGil;
  const span = serial
    ? held + released
    : Math.max(...workers.map((t) => t.endSeconds)) - Math.min(...workers.map((t) => t.startSeconds));
  const others = a.processes.filter((q) => q !== p && q.threads.reduce((s, t) => s + t.gil.heldSeconds, 0) >= WORKER_SHARE * wall);
  const first = a.processes[0];
  return {
    baseline: serial ? 'serial' : 'recording',
    pid: p.pid,
    wallSeconds: wall,
    serialSeconds: Math.max(0, wall - span),
    workers: workers.length,
    cores: had ? had.cores : cores,
    runCores: had,
    heldSeconds: held,
    releasedSeconds: released,
    ownGilSeconds: ownGil,
    gilWaitSeconds: workers.reduce((s, t) => s + t.gil.waitSeconds, 0),
    lockWaitSeconds: workers.reduce((s, t) => s + t.lockWaitSeconds, 0),
    chainSeconds: Math.max(...workers.map(ownWork)),
    tasks: null,
    hot: hotSpot(p),
    released: releasedSpot(p),
    locks: p.locks
      .filter((l) => EXCLUSIVE.has(l.kind) && l.contended > 0 && l.waitSeconds >= LOCK_SHARE * wall)
      .map(lockPressure),
    // I/O threads hold little of the GIL, so they are not among the workers: any thread but the
    // main one (which coordinates, as joblib's result loop does) can be caught in a convoy.
    convoy: convoyPressure(p, serial ? [] : p.threads.filter((t) => !t.isMain)),
    workerProcesses: others.length,
    ipc: ipcPressure(a, first ?? p),
    python: { version: p.python.version, gilEnabled: p.python.gilEnabled },
    exchange: serial ? null : exchangeProfile(p, workers),
  };
}
