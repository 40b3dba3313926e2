/**
 * What each recorded process is to the work, from its command line, the
 * code it ran, its parent and the work it did. Pure: the caller measures the
 * work (src/core/suggest/workforce.ts) and hands in plain facts.
 *
 * - `main`: a process the launcher started (its parent is not in the recording).
 * - `helper`: a process a library starts to serve the others, named by the rules
 *   below (multiprocessing's resource tracker and forkserver, a Manager's
 *   server, loky's resource tracker…), or a child that did no work of its own.
 * - `infrastructure`: a cluster engine's own processes (clusterRoles.ts, INFRASTRUCTURE_RULES).
 * - `worker`: any other child that did work.
 *
 * Helpers and infrastructure are never counted as workers, whatever they
 * did (loky's resource tracker imports joblib, which holds the GIL for a
 * second on a busy machine); a child that no rule names counts only when it
 * did a share of the work, so an unknown helper that idles is not counted
 * either.
 *
 * ## Adding rules (cluster engines and other libraries)
 *
 * A rule names a process by its command line (`argv`, matched against the
 * argv joined with spaces), by the code it ran (`code`, matched against
 * each `file:function` of its functions, `/` as the separator), or by its
 * threads' names (`threads`); any one that matches is enough. Rules are tried
 * in order, the first match wins. To recognise Ray's raylet, gcs_server,
 * dashboard, log monitor and agents, Dask's scheduler and nannies, or
 * ppserver, add entries to INFRASTRUCTURE_RULES with role `infrastructure`
 * and the name a person should read ("Ray raylet"); nothing else changes:
 * the report shows the role and name, and the worker counts leave them out.
 * A process forked from a helper inherits its command line (the children of
 * multiprocessing's forkserver are the pool's workers), so an argv rule
 * never names a process whose parent it also names: that child is judged by
 * its code and its work like any other.
 */

import type { ProcessKey } from './processKeys';

export type ProcessRole = 'main' | 'worker' | 'helper' | 'infrastructure';

/** What the rules read about one process. */
export interface ProcessFacts {
  readonly pid: number;
  readonly parentPid: number;
  /** The process and its parent as the recording names them (processKeys.ts): a pid is one machine's. */
  readonly key: ProcessKey;
  readonly parentKey: ProcessKey;
  readonly argv: readonly string[];
  readonly executable: string;
  /** `file:function` of the functions its threads ran (any time at all), `/` as the path separator. */
  readonly functions: readonly string[];
  readonly threadNames: readonly string[];
  /** Seconds of its own work (workforce.ts: the Python it ran, imports aside, and its own code's time without the GIL). */
  readonly workSeconds: number;
  /**
   * Its place in a cluster engine (clusterRoles.ts), when it has one: an
   * engine's daemon is infrastructure; an engine's worker is judged as a
   * child even when its parent is not recorded (Ray's raylet starts them).
   */
  readonly cluster?: { readonly role: 'driver' | 'worker' | 'infrastructure'; readonly name: string } | null;
}

export interface RoleRule {
  readonly role: 'helper' | 'infrastructure';
  /** What a person reads: "multiprocessing resource tracker". */
  readonly name: string;
  readonly argv?: RegExp;
  readonly code?: RegExp;
  readonly threads?: RegExp;
}

export interface ProcessRoleOf {
  readonly role: ProcessRole;
  /** "main process", "worker process", "multiprocessing resource tracker", "idle child process". */
  readonly name: string;
}

/** The helpers of Python's multiprocessing, concurrent.futures and joblib/loky. */
export const HELPER_RULES: readonly RoleRule[] = [
  { role: 'helper', name: 'multiprocessing resource tracker', argv: /\bmultiprocessing\.resource_tracker\b/ },
  // Python 3.7 and older: the same process under its old name.
  { role: 'helper', name: 'multiprocessing semaphore tracker', argv: /\bmultiprocessing\.semaphore_tracker\b/ },
  { role: 'helper', name: 'multiprocessing forkserver', argv: /\bmultiprocessing\.forkserver\b/ },
  // loky (joblib's default backend, vendored as joblib.externals.loky, or standalone).
  { role: 'helper', name: 'loky resource tracker', argv: /\bloky\.backend\.resource_tracker\b/ },
  { role: 'helper', name: 'loky semaphore tracker', argv: /\bloky\.backend\.semaphore_tracker\b/ },
  // A multiprocessing.Manager()'s server: forked, it has its parent's command line; spawned, any worker's.
  // Its main thread waits in Server.serve_forever; a thread of its own accepts the connections.
  {
    role: 'helper',
    name: 'multiprocessing Manager server',
    code: /\/multiprocessing\/managers\.py:Server\.(serve_forever|accepter)$/,
    threads: /\(accepter\)$/,
  },
];

/**
 * Cluster engines' own processes (role `infrastructure`) that no engine
 * rule names (clusterRoles.ts names Ray's, Dask's and ppserver's and hands
 * them in as ProcessFacts.cluster). See "Adding rules" above.
 */
export const INFRASTRUCTURE_RULES: readonly RoleRule[] = [];

/** A child is a worker when its work is at least this share of the busiest process's (a pool worker that got no task is not). */
export const WORKER_SHARE_OF_BUSIEST = 0.05;
/** …and at least this many seconds: below it a process only started and stopped. */
export const MIN_WORK_SECONDS = 0.001;

const slashes = (s: string): string => s.replace(/\\/g, '/');

function argvMatches(rule: RoleRule, p: ProcessFacts | undefined): boolean {
  return !!p && !!rule.argv && rule.argv.test(p.argv.join(' '));
}

function matches(rule: RoleRule, p: ProcessFacts, parent: ProcessFacts | undefined): boolean {
  if (argvMatches(rule, p) && !argvMatches(rule, parent)) return true;
  if (rule.code && p.functions.some((f) => rule.code!.test(slashes(f)))) return true;
  return !!rule.threads && p.threadNames.some((t) => rule.threads!.test(t));
}

/**
 * The role and name of every process, by key. `rules` defaults to the
 * helpers' and the infrastructure's tables.
 */
export function processRoles(
  processes: readonly ProcessFacts[],
  rules: readonly RoleRule[] = [...HELPER_RULES, ...INFRASTRUCTURE_RULES],
): Map<ProcessKey, ProcessRoleOf> {
  const byKey = new Map(processes.map((p) => [p.key, p]));
  const roles = new Map<ProcessKey, ProcessRoleOf>();
  const unnamed: ProcessFacts[] = [];
  for (const p of processes) {
    const parent = byKey.get(p.parentKey);
    const rule = rules.find((r) => matches(r, p, parent));
    if (rule) roles.set(p.key, { role: rule.role, name: rule.name });
    else if (p.cluster?.role === 'infrastructure') roles.set(p.key, { role: 'infrastructure', name: p.cluster.name });
    else if (!parent && p.cluster?.role !== 'worker') roles.set(p.key, { role: 'main', name: 'main process' });
    else unnamed.push(p);
  }
  // The busiest process that no rule names (the main one included) sets the scale of "did work".
  const candidates = processes.filter((p) => roles.get(p.key)?.role === 'main' || unnamed.includes(p));
  const busiest = Math.max(0, ...candidates.map((p) => p.workSeconds));
  const floor = Math.max(MIN_WORK_SECONDS, WORKER_SHARE_OF_BUSIEST * busiest);
  for (const p of unnamed) {
    const engine = p.cluster?.role === 'worker' ? p.cluster.name : undefined;
    if (p.workSeconds >= floor) roles.set(p.key, { role: 'worker', name: engine ?? 'worker process' });
    else roles.set(p.key, { role: 'helper', name: engine ? `idle ${engine} (did no work of its own)` : 'idle child process (did no work of its own)' });
  }
  return roles;
}

/**
 * Threads a library starts beside the work: they wait for tasks, results or
 * data to send, which is not work, so they are never worker threads.
 * Matched against the thread's name (`threading` names; from Python 3.10 a
 * thread made with a target is named `Thread-N (target)`).
 */
export const HELPER_THREAD_RULES: readonly { readonly name: string; readonly thread: RegExp }[] = [
  { name: 'multiprocessing.pool helper', thread: /\((_handle_workers|_handle_tasks|_handle_results)\)$/ },
  { name: 'multiprocessing queue feeder', thread: /^QueueFeederThread$/ },
  { name: 'loky executor manager', thread: /^ExecutorManagerThread$/ },
  { name: 'multiprocessing Manager connection', thread: /\((accepter|serve_client|handle_request)\)$/ },
];

/** The helper a thread is, by its name, or null for a thread that may do work. */
export function helperThread(threadName: string): string | null {
  return HELPER_THREAD_RULES.find((r) => r.thread.test(threadName))?.name ?? null;
}

/** Whether a process of this role may do the work (main or worker): helpers and infrastructure never count. */
export function canWork(role: ProcessRole): boolean {
  return role === 'main' || role === 'worker';
}
