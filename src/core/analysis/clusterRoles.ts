/**
 * What each process is to a cluster engine (Ray, Dask distributed, Parallel
 * Python): the engine's driver, one of its workers, or one of its own
 * daemons (infrastructure), with the name a person reads. Pure: read from
 * the process's command line, the code it ran, its parent, and what the
 * process said of itself (cluster-<pid>.json, src/core/format/clusterNotes.ts).
 *
 * The daemons are named by INFRASTRUCTURE_RULES (processRoles.ts), which this
 * file fills; the workers and drivers here. A worker of an engine is a
 * worker even when its parent is not in the recording (Ray's raylet, which
 * starts them, is not a Python program), and counts as one only when it did
 * work, like any child (processRoles.ts).
 */
import type { ClusterNote } from '../format/clusterNotes';
import type { ProcessResult, ThreadResult } from './model';
import type { ProcessKey } from './processKeys';
import type { RoleRule } from './processRoles';
import type { ClusterEngine, ClusterRole } from './clusterTypes';

export type { ClusterEngine, ClusterRole, ClusterRoleName } from './clusterTypes';

/** What the rules read about one process (a subset of ProcessFacts, plus its note). */
export interface ClusterFacts {
  readonly pid: number;
  readonly parentPid: number;
  /** The process and its parent as the recording names them (processKeys.ts). */
  readonly key: ProcessKey;
  readonly parentKey: ProcessKey;
  readonly argv: readonly string[];
  /** `file:function`, `/` as the separator. */
  readonly functions: readonly string[];
  readonly note: ClusterNote | undefined;
}

const ENGINE_NAMES: Readonly<Record<ClusterEngine, string>> = { ray: 'Ray', dask: 'Dask', pp: 'Parallel Python' };

export function engineName(engine: ClusterEngine): string {
  return ENGINE_NAMES[engine];
}

interface DaemonRule extends RoleRule {
  readonly engine: ClusterEngine;
}

/**
 * The engines' own processes. Ray's GCS server and raylet are not Python
 * programs (never recorded: runtime/csrc/probe.c, forked_to_exec); the
 * Python ones are matched by their scripts.
 */
export const ENGINE_DAEMON_RULES: readonly DaemonRule[] = [
  { engine: 'ray', role: 'infrastructure', name: 'Ray log monitor', argv: /\bray\/_private\/log_monitor\.py\b/ },
  { engine: 'ray', role: 'infrastructure', name: 'Ray autoscaler monitor', argv: /\bray\/autoscaler\/_private\/monitor\.py\b/ },
  { engine: 'ray', role: 'infrastructure', name: 'Ray dashboard', argv: /\bray\/dashboard\/dashboard\.py\b/ },
  { engine: 'ray', role: 'infrastructure', name: 'Ray dashboard agent', argv: /\bray\/dashboard\/agent\.py\b/ },
  { engine: 'ray', role: 'infrastructure', name: 'Ray runtime env agent', argv: /\bray\/_private\/runtime_env\/agent\/main\.py\b/ },
  { engine: 'ray', role: 'infrastructure', name: 'Ray process reaper', argv: /\bray\/_private\/ray_process_reaper\.py\b/ },
  { engine: 'ray', role: 'infrastructure', name: 'Ray client server', argv: /\bray\/util\/client\/server\b/ },
  { engine: 'ray', role: 'infrastructure', name: 'Ray dashboard module', code: /\/ray\/dashboard\/subprocesses\/module\.py:/ },
  { engine: 'dask', role: 'infrastructure', name: 'Dask scheduler', argv: /(\bdask[- ]scheduler\b|\bdistributed\/cli\/dask_scheduler\.py\b)/ },
  { engine: 'pp', role: 'infrastructure', name: 'ppserver', argv: /(^|[\s/])ppserver(\.py)?(\s|$)/ },
];

const RAY_WORKER = /\bray\/_private\/workers\/default_worker\.py\b/;
const RAY_DRIVER = /\/ray\/_private\/worker\.py:(init|connect)$/;
const DASK_WORKER_CLI = /(\bdask[- ]worker\b|\bdistributed\/cli\/dask_worker\.py\b)/;
const DASK_WORKER_CODE = /\/distributed\/worker\.py:Worker\./;
const DASK_NANNY_CODE = /\/distributed\/nanny\.py:Nanny\./;
const DASK_SCHEDULER_CODE = /\/distributed\/scheduler\.py:Scheduler\./;
const DASK_CLIENT_CODE = /\/distributed\/client\.py:Client\./;
const PP_WORKER = /(-m\s+(ppft|pp)(\s|$)|\bppworker\.py\b)/;
const PP_CLIENT_CODE = /\/(ppft|pp)\/_pp\.py:Server\./;

const joined = (p: ClusterFacts): string => p.argv.join(' ');
const ran = (p: ClusterFacts, code: RegExp): boolean => p.functions.some((f) => code.test(f));

/** "the ppserver on port 35000": from its -p (default 60000) and -i. */
function ppServerName(server: ClusterFacts | undefined): string {
  if (!server) return 'ppserver';
  const a = server.argv;
  const opt = (flag: string): string | undefined => {
    const i = a.indexOf(flag);
    return i >= 0 ? a[i + 1] : undefined;
  };
  const host = opt('-i');
  return `ppserver ${host ? `${host}:` : 'port '}${opt('-p') ?? '60000'}`;
}

function rayWorkerName(note: ClusterNote | undefined): string {
  if (note?.actors.length) return `Ray actor ${note.actors.join(', ')}`;
  if (note?.tasks.length) return `Ray worker (tasks ${note.tasks.join(', ')})`;
  return 'Ray worker';
}

function daskWorkerName(note: ClusterNote | undefined): string {
  if (!note || note.engine !== 'dask') return 'Dask worker';
  const name = note.name !== null && note.name !== note.address ? ` ${note.name}` : '';
  return `Dask worker${name}${note.address ? ` (${note.address})` : ''}`;
}

function daemon(p: ClusterFacts, parent: ClusterFacts | undefined): DaemonRule | undefined {
  return ENGINE_DAEMON_RULES.find((r) => {
    if (r.argv && r.argv.test(joined(p)) && !(parent && r.argv.test(joined(parent)))) return true;
    return !!r.code && ran(p, r.code);
  });
}

/** One process's place in a cluster engine, or null (not an engine's). */
function clusterRole(p: ClusterFacts, byKey: ReadonlyMap<ProcessKey, ClusterFacts>): ClusterRole | null {
  const parent = byKey.get(p.parentKey);
  const d = daemon(p, parent);
  if (d) return { engine: d.engine, role: 'infrastructure', name: d.name };
  if (RAY_WORKER.test(joined(p)) || p.note?.engine === 'ray') return { engine: 'ray', role: 'worker', name: rayWorkerName(p.note) };
  if (p.note?.engine === 'dask' || ran(p, DASK_WORKER_CODE)) {
    return { engine: 'dask', role: 'worker', name: daskWorkerName(p.note) };
  }
  // `dask worker` with a nanny: the nanny's process starts the worker in a child of its own.
  if (DASK_WORKER_CLI.test(joined(p)) && !(parent && DASK_WORKER_CLI.test(joined(parent)))) {
    return { engine: 'dask', role: 'infrastructure', name: 'Dask nanny' };
  }
  if (PP_WORKER.test(joined(p))) {
    const server = parent && daemon(parent, byKey.get(parent.parentKey))?.engine === 'pp' ? parent : undefined;
    return { engine: 'pp', role: 'worker', name: server ? `${ppServerName(server)} worker` : 'pp worker' };
  }
  if (ran(p, RAY_DRIVER)) return { engine: 'ray', role: 'driver', name: 'Ray driver' };
  if (ran(p, DASK_CLIENT_CODE) || ran(p, DASK_SCHEDULER_CODE) || ran(p, DASK_NANNY_CODE)) {
    const local = ran(p, DASK_SCHEDULER_CODE) || ran(p, DASK_NANNY_CODE);
    return { engine: 'dask', role: 'driver', name: local ? 'Dask client, with the scheduler and nannies of a LocalCluster' : 'Dask client' };
  }
  if (ran(p, PP_CLIENT_CODE)) return { engine: 'pp', role: 'driver', name: 'Parallel Python client' };
  return null;
}

/** Every process's place in a cluster engine, by key (null: none). */
export function clusterRoles(processes: readonly ClusterFacts[]): Map<ProcessKey, ClusterRole | null> {
  const byKey = new Map(processes.map((p) => [p.key, p]));
  return new Map(processes.map((p) => [p.key, clusterRole(p, byKey)]));
}

/** Dask's task threads (ThreadPoolExecutor thread_name_prefix), Ray's actor threads (named by the runtime, _cluster.py). */
const TASK_THREAD = /^(Dask-(Default|Actor)-Threads|.+ actor thread$)/;

/** A worker's task threads and its event loop's, by the engine's naming. */
export function workerThreads(p: ProcessResult, engine: ClusterEngine): { tasks: ThreadResult[]; eventLoop: ThreadResult[] } {
  const named = p.threads.filter((t) => TASK_THREAD.test(t.name));
  if (engine === 'dask') return { tasks: named, eventLoop: p.threads.filter((t) => t.isMain) };
  return { tasks: named.length > 0 ? named : p.threads.filter((t) => t.isMain), eventLoop: [] };
}

