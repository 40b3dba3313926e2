/**
 * The cluster part of the JSON report (docs/report-schema.md, "Clusters"):
 * the processes grouped by host, each cluster worker's summary (its task
 * threads' GIL wait beside its event loop's), and the processes that the
 * engine's own shutdown ended, which are said in `notes` instead of warned
 * about. Built from the workforce's cluster roles (clusterRoles.ts).
 */
import type { ClusterEngine, ClusterRole, ReportClusterWorker, ReportHost, ThreadGroupFigures } from './clusterSchema';
import { engineName, workerThreads } from '../analysis/clusterRoles';
import type { ProcessResult, ThreadResult } from '../analysis/model';
import type { ProcessKey } from '../analysis/processKeys';
import type { RecordingAnalysis } from '../analysis/recordingSession';
import { gilLifeSeconds } from '../analysis/gilLife';

/** A process ended by a kill within this long of the last end among its engine's processes ended with the engine. */
export const SHUTDOWN_WINDOW_SECONDS = 5;
const KILL_SIGNALS = new Set([1, 2, 9, 15]);

function figures(threads: readonly ThreadResult[]): ThreadGroupFigures {
  const held = threads.reduce((s, t) => s + t.gil.heldSeconds, 0);
  const wait = threads.reduce((s, t) => s + t.gil.waitSeconds, 0);
  const life = threads.reduce((s, t) => s + gilLifeSeconds(t.gil), 0);
  return { threads: threads.map((t) => t.name), heldSeconds: held, waitSeconds: wait, waitShare: life > 0 ? wait / life : 0 };
}

export function clusterWorkers(a: RecordingAnalysis, cluster: ReadonlyMap<ProcessKey, ClusterRole | null>): ReportClusterWorker[] {
  const out: ReportClusterWorker[] = [];
  for (const p of a.processes) {
    const c = cluster.get(p.key);
    if (!c || c.role !== 'worker') continue;
    const { tasks, eventLoop } = workerThreads(p, c.engine);
    out.push({ pid: p.pid, key: p.key, host: p.host, engine: c.engine, name: c.name, tasks: figures(tasks), eventLoop: eventLoop.length ? figures(eventLoop) : null });
  }
  return out;
}

export function hosts(processes: readonly ProcessResult[]): ReportHost[] {
  const byHost = new Map<string, ReportHost>();
  for (const p of processes) {
    const key = `${p.host ?? ''}\u0000${p.bootId ?? ''}`;
    const h = byHost.get(key) ?? { host: p.host, bootId: p.bootId, pids: [], keys: [] };
    h.pids.push(p.pid);
    h.keys.push(p.key);
    byHost.set(key, h);
  }
  return [...byHost.values()];
}

function killed(p: ProcessResult): boolean {
  if (p.running) return false;
  return p.endKind === 'unknown' || (p.endKind === 'signal' && KILL_SIGNALS.has(p.signal ?? -1));
}

/**
 * The engine processes (workers and daemons) that a kill ended while their
 * engine stopped: within SHUTDOWN_WINDOW_SECONDS of the last end among the
 * engine's workers and daemons, as Ray's shutdown kills its daemons, a
 * nanny its worker, a ppserver its workers; and every Ray worker ended by
 * SIGKILL, which is how the raylet ends them (shutdown, a job's end, its
 * idle pool trimmed). Any other kill (out of memory, a crash) stays a warning.
 */
export function endedByEngine(a: RecordingAnalysis, cluster: ReadonlyMap<ProcessKey, ClusterRole | null>): Map<ProcessKey, ClusterEngine> {
  const lastEnd = new Map<ClusterEngine, number>();
  for (const p of a.processes) {
    const c = cluster.get(p.key);
    if (c && c.role !== 'driver') lastEnd.set(c.engine, Math.max(lastEnd.get(c.engine) ?? 0, p.endSeconds));
  }
  const out = new Map<ProcessKey, ClusterEngine>();
  for (const p of a.processes) {
    const c = cluster.get(p.key);
    if (!c || c.role === 'driver' || !killed(p)) continue;
    // Ray's raylet ends its workers with SIGKILL, at shutdown, at a job's end and when it trims its idle pool.
    const rayWorker = c.engine === 'ray' && c.role === 'worker' && p.endKind === 'unknown';
    if (rayWorker || p.endSeconds >= lastEnd.get(c.engine)! - SHUTDOWN_WINDOW_SECONDS) out.set(p.key, c.engine);
  }
  return out;
}

/** What a person reads of a process its engine ended: "process 123 (Ray actor Cruncher) was ended by Ray as it stopped" (its key: `host-a:123` in a recording of several machines). */
export function shutdownNote(key: ProcessKey, engine: ClusterEngine, name: string): string {
  return `process ${key} (${name}) was ended by ${engineName(engine)} as it stopped, not by a fault`;
}

/** The warnings that say of a process what shutdownNote says instead. */
export function isKillWarning(warning: string, key: ProcessKey): boolean {
  return warning.startsWith(`process ${key} ended without a word`) || warning.startsWith(`process ${key} was ended by signal`);
}
