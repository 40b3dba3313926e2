import type { ProcessResult } from '../analysis/model';
import { clusterRoles } from '../analysis/clusterRoles';
import type { ClusterRole } from '../analysis/clusterRoles';
import { canWork, MIN_WORK_SECONDS, processRoles } from '../analysis/processRoles';
import type { ProcessFacts, ProcessRoleOf } from '../analysis/processRoles';
import type { ProcessKey } from '../analysis/processKeys';
import type { RecordingAnalysis } from '../analysis/recordingSession';
import { isLibrary } from './libraryCode';

/**
 * Who did the work of a recording: each process's role (processRoles.ts)
 * and the processes that did the work. The report, the suggestions and the
 * terminal all count workers from this, so that they say one number.
 */
export interface Workforce {
  /** Role and name of every process, by key (ProcessResult.key: a pid is one machine's). */
  readonly roles: ReadonlyMap<ProcessKey, ProcessRoleOf>;
  /** Each process's place in a cluster engine (clusterRoles.ts), by key; null when none. */
  readonly cluster: ReadonlyMap<ProcessKey, ClusterRole | null>;
  /**
   * The processes that did the work, busiest first: the worker processes, and
   * the main process when it did about as much as one of them (a parent that
   * only hands out tasks and waits for results is not one). Empty when no
   * process did any.
   */
  readonly working: readonly ProcessResult[];
  /** Seconds of each process's own work, by key (processWorkSeconds). */
  readonly workSeconds: ReadonlyMap<ProcessKey, number>;
}

/** Python's import machinery: a process importing its modules is starting, not working. */
const IMPORTING = /^<frozen importlib\./;

/**
 * A process's own work: the Python it ran (GIL held, imports aside) and
 * the time its own code ran without the GIL (I/O, sleeps, native code
 * called from it). Time without the GIL in library code is left out: it is
 * mostly a pool's machinery waiting for tasks and results (a resource
 * tracker reading its pipe, a worker waiting in multiprocessing for the
 * next task, a parent polling for results). Waits for locks and events are
 * never work.
 */
export function processWorkSeconds(p: ProcessResult): number {
  let seconds = 0;
  for (const l of p.lines) {
    if (!IMPORTING.test(l.file)) seconds += l.gilHeldSeconds;
    if (!isLibrary(l.file)) seconds += Math.max(0, l.releasedSeconds - l.lockWaitSeconds - l.blockedSeconds - l.stopTheWorldSeconds);
  }
  return seconds;
}

function facts(p: ProcessResult, workSeconds: number, cluster: ClusterRole | null): ProcessFacts {
  return {
    cluster,
    pid: p.pid,
    parentPid: p.parentPid,
    key: p.key,
    parentKey: p.parentKey,
    argv: p.argv,
    executable: p.executable,
    functions: [...new Set(p.functions.map((f) => `${f.file}:${f.function}`))],
    threadNames: p.threads.map((t) => t.name),
    workSeconds,
  };
}

/**
 * The main process works beside worker processes when, during their span, it
 * held the GIL at least this share of what a worker held (a driver
 * exchanging items with a worker does; a parent that hands out tasks and
 * polls for results does not, whatever it imported before).
 */
const MAIN_SHARE_OF_WORKER = 0.5;

function heldSeconds(p: ProcessResult, from?: number, to?: number): number {
  if (from === undefined || to === undefined) return p.threads.reduce((s, t) => s + t.gil.heldSeconds, 0);
  if (!(to > from)) return 0;
  return p.heatmap.query({ startSeconds: from, endSeconds: to, width: 1 }).threads.reduce((s, r) => s + Math.max(0, r.cells.held[0]!), 0);
}

export function workforce(a: RecordingAnalysis): Workforce {
  const workSeconds = new Map(a.processes.map((p) => [p.key, processWorkSeconds(p)]));
  const cluster = clusterRoles(a.processes.map((p) => ({
    pid: p.pid,
    parentPid: p.parentPid,
    key: p.key,
    parentKey: p.parentKey,
    argv: p.argv,
    functions: p.functions.map((f) => `${f.file.replace(/\\/g, '/')}:${f.function}`),
    note: a.clusterNotes?.get(p),
  })));
  const roles = processRoles(a.processes.map((p) => facts(p, workSeconds.get(p.key)!, cluster.get(p.key) ?? null)));
  const work = (p: ProcessResult) => workSeconds.get(p.key)!;
  const workers = a.processes.filter((p) => roles.get(p.key)?.role === 'worker');
  const from = Math.min(...workers.map((p) => p.startSeconds));
  const to = Math.max(...workers.map((p) => p.endSeconds));
  const workerHeld = workers.reduce((s, p) => s + heldSeconds(p), 0) / Math.max(1, workers.length);
  const mains = a.processes.filter((p) => roles.get(p.key)?.role === 'main' && work(p) >= MIN_WORK_SECONDS
    && (workers.length === 0 || heldSeconds(p, from, to) >= MAIN_SHARE_OF_WORKER * workerHeld));
  const working = [...mains, ...workers]
    .filter((p) => canWork(roles.get(p.key)!.role))
    .sort((x, y) => work(y) - work(x) || x.startSeconds - y.startSeconds);
  return { roles, cluster, working, workSeconds };
}
