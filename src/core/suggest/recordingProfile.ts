import type { ProcessResult, ThreadResult } from '../analysis/model';
import { helperThread } from '../analysis/processRoles';
import type { RecordingAnalysis } from '../analysis/recordingSession';
import { concurrency, runnableSeconds } from './concurrency';
import { exchangeProfile } from './exchangeProfile';
import { freeThreadedPressure } from './freeThreadedProfile';
import type { WorkProfile } from './profile';
import { convoyPressure, heldBetween, heldWork, hotSpot, unknownOf, ipcPressure, lockPressures, ownWork, releasedSpot, releasedWork } from './profilePressures';
import { processesProfile } from './processesProfile';
import { runCores } from './runCores';
import { workforce } from './workforce';
import type { Workforce } from './workforce';

/** A thread is a worker when its own work (held + released work) is at least this share of the wall. */
const WORKER_SHARE = 0.05;

/** The process whose threads did the most work (the earliest of equals): when no process did work of its own (workforce.ts). */
function busiestProcess(a: RecordingAnalysis): ProcessResult | undefined {
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

/**
 * The main thread works beside the workers (the driver of an exchange with
 * them) when, during their span, it holds the GIL a share of the wall and at
 * least half what a worker holds, not just polls for them, and could run
 * that much, not just wait in join() or for their results (a main thread
 * that sets up, then waits, is not one). Its time before the workers start
 * (imports, setup) does not count. Only when its blocked spans are known:
 * the exchange profile then sees any setup it did alone, so that it is not
 * taken as divisible work.
 */
function mainWorks(p: ProcessResult, t: ThreadResult, workers: readonly ThreadResult[], wall: number): boolean {
  if (!t.isMain || workers.length === 0) return false;
  const from = Math.min(...workers.map((w) => w.startSeconds));
  const to = Math.max(...workers.map((w) => w.endSeconds));
  const held = heldBetween(p, t, from, to);
  if (held < WORKER_SHARE * wall) return false;
  // A driver holds about as much as a worker; a dispatcher that polls for results (joblib's
  // Parallel) coordinates and is not one.
  const workerHeld = workers.reduce((s, w) => s + w.gil.heldSeconds, 0) / workers.length;
  if (held < 0.5 * workerHeld) return false;
  const c = concurrency([t], from, to);
  return c !== null && runnableSeconds(c.seconds) >= WORKER_SHARE * wall;
}

/**
 * The profile of a recording: the process that did the most work, its
 * worker threads (the threads, main excepted, whose own work is at least 5%
 * of the wall, and main too when it holds the GIL that much beside them; the
 * main thread alone when there are none, taken then as serial work that
 * could be divided), how their runs interleave, the hot function, the locks that
 * made threads wait, the convoys. The predictions are for the cores the run
 * had when its machine was sampled, else for `cores` (this machine's); with
 * `fixed`, for `cores` whatever the run had (`--cores`: the machine the user
 * will run on).
 */
export function recordingProfile(a: RecordingAnalysis, cores: number, force: Workforce = workforce(a), fixed = false): WorkProfile | null {
  if (force.working.length >= 2) return processesProfile(a, cores, force, fixed);
  const p = force.working[0] ?? busiestProcess(a);
  if (!p || a.wallSeconds <= 0 || p.threads.length === 0) return null;
  const had = runCores(p);
  const wall = p.endSeconds - p.startSeconds;
  if (!(wall > 0)) return null;
  let workers = p.threads.filter((t) => !t.isMain && helperThread(t.name) === null && ownWork(t) >= WORKER_SHARE * wall);
  const serial = workers.length === 0;
  if (serial) workers = p.threads.filter((t) => t.isMain).slice(0, 1);
  else workers = [...p.threads.filter((t) => mainWorks(p, t, workers, wall)), ...workers];
  if (workers.length === 0) workers = p.threads.slice(0, 1);
  // Time held on sub-interpreters' own GILs (index > 0) runs side by side with the main GIL's
  // holders: it is not serialised, so it counts with the work that runs without the (main) GIL.
  const allHeld = workers.reduce((s, t) => s + heldWork(t), 0);
  const ownGil = Math.min(allHeld, p.gils.filter((g) => g.index > 0).reduce((s, g) => s + g.heldSeconds, 0));
  const held = allHeld - ownGil;
  const released = workers.reduce((s, t) => s + releasedWork(t), 0) + ownGil;
  const span = serial
    ? held + released
    : Math.max(...workers.map((t) => t.endSeconds)) - Math.min(...workers.map((t) => t.startSeconds));
  return {
    baseline: serial ? 'serial' : 'recording',
    pid: p.pid,
    processKey: p.key,
    wallSeconds: wall,
    serialSeconds: Math.max(0, wall - span),
    workers: workers.length,
    cores: had && !fixed ? had.cores : cores,
    runCores: had,
    coresGiven: fixed,
    heldSeconds: held,
    ...unknownOf(workers),
    releasedSeconds: released,
    ownGilSeconds: ownGil,
    gilWaitSeconds: workers.reduce((s, t) => s + t.gil.waitSeconds, 0),
    lockWaitSeconds: workers.reduce((s, t) => s + t.lockWaitSeconds, 0),
    chainSeconds: Math.max(...workers.map(ownWork)),
    tasks: null,
    hot: hotSpot(p),
    released: releasedSpot(p),
    locks: lockPressures(p, wall),
    // I/O threads hold little of the GIL, so they are not among the workers: any thread but the
    // main one (which coordinates, as joblib's result loop does) can be caught in a convoy.
    convoy: convoyPressure(p, serial ? [] : p.threads.filter((t) => !t.isMain)),
    workerProcesses: 0,
    // A child that did a little beside this process (below a share of the work) may still have waited for its tasks.
    ipc: ipcPressure(a.processes.filter((q) => q !== p && force.roles.get(q.key)?.role === 'worker')),
    python: { version: p.python.version, gilEnabled: p.python.gilEnabled },
    exchange: serial ? null : exchangeProfile(p, workers),
    freeThreaded: freeThreadedPressure(p, workers),
    workerIds: { in: 'threads', processes: [p.pid], processKeys: [p.key], threads: workers.map((t) => ({ pid: p.pid, tid: t.tid, name: t.name })) },
  };
}
