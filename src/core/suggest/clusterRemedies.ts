/**
 * Suggestions for a cluster engine's workers (docs/suggestions.md,
 * "Clusters"): the task threads of one worker process share its GIL, so a
 * Dask worker with several threads (`threads_per_worker`) or a Ray actor
 * with `max_concurrency` above 1 runs its pure-Python tasks one at a time
 * while they take turns. The remedy is the engine's own: more worker
 * processes of one thread (Dask: `threads_per_worker=1` and as many more
 * workers), more actors instead of a concurrent one (Ray).
 *
 * The prediction is for the tasks' span: from the first moment a task
 * thread held the GIL to the last, across the workers concerned (the rest
 * of the run, the engine's start-up and shutdown, is not what changes).
 * Over the span, the task threads' runnable count (concurrency.ts) says at
 * each moment how many workers had a task thread that could run (g) and how
 * many task threads could (k): under the workers' GILs g of them ran, in one
 * process each all k could. A moment's time shrinks by that ratio, on the
 * cores c other programs left the run:
 *
 *   T' = Σ time(g, k) · min(c, g) / min(c, k, n')      speedup = T / T'
 *
 * with T the recorded span and n' the processes after the change (one per
 * task thread now). Moments with no task thread runnable (a task handed
 * out, a result sent back) stay as they were, and so do the tasks' own
 * ramp and tail: a worker with fewer tasks left than threads gains nothing.
 * Without the runnable count (the logs ran out of room) the tasks' CPU time W
 * stands in: T' = W / min(c, n') (predictSpan).
 * A what-if run (src/core/compare/clusterWhatIf.ts) records the program
 * again with the change made by the runtime and measures the same span.
 */
import { workerThreads } from '../analysis/clusterRoles';
import { machineBusyNsIn, processNsIn } from '../analysis/snapshotCpu';
import { groupConcurrency } from './concurrency';
import type { ClusterRole } from '../analysis/clusterRoles';
import type { ProcessResult, ThreadResult } from '../analysis/model';
import { machineTagOf } from '../analysis/processKeys';
import type { ProcessKey } from '../analysis/processKeys';
import type { RecordingAnalysis } from '../analysis/recordingSession';
import { fromPrediction } from './draft';
import type { Draft, SuggestOptions } from './draft';
import { hotSpot } from './profilePressures';
import { around, pct, round, secs } from './model';
import type { WorkProfile } from './profile';

/** Task threads that wait at least this share of their GIL time (held + wait) take turns: they convoy on it. */
export const CONVOY_WAIT_SHARE = 0.15;
/** The heatmap's resolution when the span of the tasks is measured. */
const SPAN_CELL_SECONDS = 0.01;

export interface TaskSpan {
  /** Seconds from the recording's start. */
  readonly fromSeconds: number;
  readonly toSeconds: number;
  /** GIL held by the task threads within it. */
  readonly heldSeconds: number;
  /** The task threads' CPU time (CPU_SAMPLE), else their GIL held time: the work, without the time a busy machine kept a holder off its CPU. */
  readonly cpuSeconds: number;
  /** The cores other programs left the tasks over the span (coresLeftIn; else over the workers' lives), and the machine's CPUs online. */
  readonly cores: number;
  readonly online: number;
  /** runnable[g][k]: seconds of the span with g workers having a task thread runnable and k task threads runnable (concurrency.ts); null when unknown. */
  readonly runnable: readonly (readonly number[])[] | null;
}

/** When the given threads of a process held the GIL first and last (null: never). */
function threadsSpan(p: ProcessResult, threads: readonly ThreadResult[]): TaskSpan | null {
  const from = p.startSeconds;
  const to = p.endSeconds;
  if (!(to > from) || threads.length === 0) return null;
  const width = Math.min(20_000, Math.max(1, Math.ceil((to - from) / SPAN_CELL_SECONDS)));
  const keys = new Set(threads.map((t) => `${p.key}/${t.slot}`));
  const rows = p.heatmap.query({ startSeconds: from, endSeconds: to, width }).threads.filter((r) => keys.has(r.key));
  let first = -1;
  let last = -1;
  let held = 0;
  for (const r of rows) {
    r.cells.held.forEach((v, i) => {
      if (v <= 1e-6) return;
      held += v;
      if (first < 0 || i < first) first = i;
      if (i > last) last = i;
    });
  }
  if (first < 0) return null;
  const cell = (to - from) / width;
  const cpu = threads.reduce((s, t) => s + (t.cpuSeconds ?? t.gil.heldSeconds), 0);
  const online = p.machine?.onlineCpus ?? 0;
  return { fromSeconds: from + first * cell, toSeconds: from + (last + 1) * cell, heldSeconds: held, cpuSeconds: cpu, cores: online - (p.machine?.foreignCpus ?? 0), online, runnable: null };
}

/**
 * The cores other programs left the workers over [from, to]: on each
 * machine of theirs, its CPUs online less its busy CPUs that none of the
 * recording's processes used. Null when the machine samples do not cover
 * the window.
 */
function coresLeftIn(processes: readonly ProcessResult[], workers: readonly ProcessResult[], from: number, to: number): number | null {
  let left = 0;
  for (const machine of new Set(workers.map((w) => machineTagOf(w.key)))) {
    const here = processes.filter((p) => machineTagOf(p.key) === machine && p.machine);
    const busy = here.map((p) => machineBusyNsIn(p.machine!, from, to)).find((x) => x !== null);
    const online = Math.max(0, ...here.map((p) => p.machine!.onlineCpus));
    if (busy === undefined || busy === null || !(online > 0)) return null;
    const own = here.reduce((sum, p) => sum + processNsIn(p.machine!, from, to), 0);
    left += online - Math.max(0, busy - own) / ((to - from) * 1e9);
  }
  return left;
}

/**
 * The span of all the given task-thread groups together; `processes`, the
 * recording's, tell the other programs' load over it.
 */
export function taskSpan(groups: readonly { p: ProcessResult; threads: readonly ThreadResult[] }[], processes: readonly ProcessResult[]): TaskSpan | null {
  const spans = groups.map((g) => threadsSpan(g.p, g.threads)).filter((s): s is TaskSpan => s !== null);
  if (spans.length === 0) return null;
  const fromSeconds = Math.min(...spans.map((s) => s.fromSeconds));
  const toSeconds = Math.max(...spans.map((s) => s.toSeconds));
  const cpuSeconds = spans.reduce((s, x) => s + x.cpuSeconds, 0);
  const online = Math.max(...spans.map((s) => s.online));
  // Without samples over the span, each worker's over its life: they count the other workers as other programs, so give their use back.
  const used = cpuSeconds / Math.max(1e-9, toSeconds - fromSeconds);
  const lifeLeft = spans.reduce((s, x) => s + x.cores, 0) / spans.length + used * (spans.length - 1) / spans.length;
  const left = coresLeftIn(processes, groups.map((g) => g.p), fromSeconds, toSeconds) ?? lifeLeft;
  const runnable = groupConcurrency(groups.map((g) => g.threads), fromSeconds, toSeconds);
  return { fromSeconds, toSeconds, heldSeconds: spans.reduce((s, x) => s + x.heldSeconds, 0), cpuSeconds, cores: Math.min(online || left, left), online, runnable };
}

/** The tasks' span of every worker of `engine` in a recording, and its task threads: for a what-if's measurement. */
export function engineTaskSpan(a: RecordingAnalysis, cluster: ReadonlyMap<ProcessKey, ClusterRole | null>, engine: 'dask' | 'ray'): TaskSpan | null {
  const groups = a.processes
    .filter((p) => cluster.get(p.key)?.engine === engine && cluster.get(p.key)?.role === 'worker')
    .map((p) => ({ p, threads: workerThreads(p, engine).tasks }));
  return taskSpan(groups, a.processes);
}

interface Convoying {
  readonly p: ProcessResult;
  readonly threads: readonly ThreadResult[];
  readonly held: number;
  readonly wait: number;
}

function convoying(a: RecordingAnalysis, cluster: ReadonlyMap<ProcessKey, ClusterRole | null>, engine: 'dask' | 'ray'): Convoying[] {
  const out: Convoying[] = [];
  for (const p of a.processes) {
    const c = cluster.get(p.key);
    if (c?.engine !== engine || c.role !== 'worker') continue;
    const threads = workerThreads(p, engine).tasks.filter((t) => t.gil.heldSeconds > 0);
    if (threads.length < 2) continue;
    const held = threads.reduce((s, t) => s + t.gil.heldSeconds, 0);
    const wait = threads.reduce((s, t) => s + t.gil.waitSeconds, 0);
    if (wait >= CONVOY_WAIT_SHARE * (held + wait)) out.push({ p, threads, held, wait });
  }
  return out;
}

/**
 * The tasks' span with n' one-thread processes (see the header), the recorded
 * run having had `before` cores and the one predicted `after`: from the
 * runnable count, else from the work W, the task threads' CPU time. `work`
 * scales the time that shrinks (the interval's ±10%).
 */
function spanAfter(span: TaskSpan, processes: number, before: number, after: number, work = 1): number {
  const rate = (c: number, x: number) => Math.max(1, Math.min(c, x));
  if (!span.runnable) return (work * span.cpuSeconds) / rate(after, processes);
  let t = 0;
  span.runnable.forEach((row, g) => row.forEach((seconds, k) => {
    t += k > 0 && g > 0 ? (work * seconds * rate(before, g)) / rate(after, Math.min(k, processes)) : seconds;
  }));
  return t;
}

/**
 * The speedup of the tasks' span with n' one-thread processes (see the
 * header). The recorded run's cores: those other programs left it
 * (span.cores), never fewer than the tasks used in the span (W / T: they ran
 * on them), nor more than the machine's. The run predicted has as many,
 * unless `cores` says otherwise (a what-if run's own, measured over its
 * span). Interval: from the tasks getting no more cores than they used
 * (W / T), or than predicted if fewer, to the machine's, the time that
 * shrinks ±10%.
 */
export function predictSpan(span: TaskSpan, processes: number, cores?: number, online = span.online): { speedup: number; interval: readonly [number, number]; cores: number; spanAfter: number } {
  const T = span.toSeconds - span.fromSeconds;
  const used = span.cpuSeconds / T;
  const top = Math.max(online, used);
  const had = Math.min(Math.max(span.cores, used), Math.max(span.online, used));
  const c = cores === undefined ? had : Math.min(Math.max(0, cores), top);
  const after = spanAfter(span, processes, had, c);
  const speedup = T / after;
  // Worst: the tasks get no more cores than they used, or the cores predicted; either way the time that shrinks +10%.
  const worst = T / Math.max(spanAfter(span, processes, Math.min(had, used), Math.min(c, used), 1.1), spanAfter(span, processes, had, c, 1.1));
  const best = T / spanAfter(span, processes, had, top, 0.9);
  return { speedup, interval: around(speedup, worst, best), cores: c, spanAfter: after };
}

/** The formula of a prediction with its numbers. */
function spanModel(span: TaskSpan, pred: ReturnType<typeof predictSpan>, processes: number, what: string): string {
  const T = span.toSeconds - span.fromSeconds;
  const c = round(pred.cores, 2);
  if (!span.runnable) return `T / (W / min(c, n')) = ${secs(T)} / (${secs(span.cpuSeconds)} / min(${c}, ${processes})), ${what}`;
  return `T / T' = ${secs(T)} / ${secs(pred.spanAfter)}, T' = Σ time × min(c, workers with a task runnable) / min(c, task threads runnable, n'), c = ${c}, n' = ${processes}, ${what}`;
}

function hotTarget(groups: readonly Convoying[]): Draft['target'] {
  const busiest = [...groups].sort((x, y) => y.held - x.held)[0];
  return busiest ? hotSpot(busiest.p)?.target ?? null : null;
}

/** Dask workers whose task threads convoy on their GIL: fewer threads_per_worker, more worker processes. */
function daskThreads(a: RecordingAnalysis, cluster: ReadonlyMap<ProcessKey, ClusterRole | null>, p: WorkProfile, o: SuggestOptions): Draft | null {
  const groups = convoying(a, cluster, 'dask');
  if (groups.length === 0) return null;
  const span = taskSpan(groups, a.processes);
  if (!span) return null;
  const workers = groups.length;
  const perWorker = Math.max(...groups.map((g) => g.threads.length));
  const after = workers * perWorker;
  const held = groups.reduce((s, g) => s + g.held, 0);
  const wait = groups.reduce((s, g) => s + g.wait, 0);
  const pred = predictSpan(span, after);
  const T = span.toSeconds - span.fromSeconds;
  return fromPrediction('clusterProcesses', { ...p, pid: groups[0]!.p.pid, processKey: groups[0]!.p.key }, after, {
    speedup: pred.speedup,
    interval: pred.interval,
    model: spanModel(span, pred, after, "the tasks' span"),
    evidence: { taskSpanSeconds: T, taskHeldSeconds: span.heldSeconds, taskCpuSeconds: span.cpuSeconds, taskGilWaitSeconds: wait, taskWaitShare: wait / (held + wait), workers, threadsPerWorker: perWorker, processesAfter: after, cores: pred.cores, taskSpanAfterSeconds: pred.spanAfter },
  }, {
    title: `Dask: each worker's ${perWorker} task threads take turns on its GIL (they waited ${pct(wait / (held + wait))} of their GIL time); ` +
      `threads_per_worker=1 with ${after} worker processes is predicted {predicted} for the tasks' span`,
    detail: `Pure-Python tasks hold the GIL, so the ${perWorker} threads of a worker run them one at a time. Give each worker one thread ` +
      `and start ${after} workers instead: LocalCluster(n_workers=${after}, threads_per_worker=1), or \`dask worker --nworkers ${perWorker} --nthreads 1\` ` +
      `per machine. Predicted for the span of the tasks (${secs(T)}: from the first task's start to the last one's end) on ${p.cores} cores; ` +
      'the cluster\'s start-up and shutdown are not in it. `gilscope whatif DIR` runs the program again so and measures it.',
    target: hotTarget(groups),
  }, o, false);
}

/** A Ray actor whose max_concurrency threads convoy on its GIL: more actors instead. */
function rayActors(a: RecordingAnalysis, cluster: ReadonlyMap<ProcessKey, ClusterRole | null>, p: WorkProfile, o: SuggestOptions): Draft | null {
  const groups = convoying(a, cluster, 'ray');
  const g = [...groups].sort((x, y) => y.held + y.wait - (x.held + x.wait))[0];
  if (!g) return null;
  const span = taskSpan([g], a.processes);
  if (!span) return null;
  const n = g.threads.length;
  const pred = predictSpan(span, n);
  const T = span.toSeconds - span.fromSeconds;
  const actor = cluster.get(g.p.key)!.name.replace(/^Ray actor /, '');
  return fromPrediction('clusterProcesses', { ...p, pid: g.p.pid, processKey: g.p.key }, n, {
    speedup: pred.speedup,
    interval: pred.interval,
    model: spanModel(span, pred, n, "the actor's tasks' span"),
    evidence: { taskSpanSeconds: T, taskHeldSeconds: span.heldSeconds, taskCpuSeconds: span.cpuSeconds, taskGilWaitSeconds: g.wait, taskWaitShare: g.wait / (g.held + g.wait), actorThreads: n, processesAfter: n, cores: pred.cores, taskSpanAfterSeconds: pred.spanAfter },
  }, {
    title: `Ray: actor ${actor}'s ${n} concurrent threads take turns on its GIL (they waited ${pct(g.wait / (g.held + g.wait))} of their GIL time); ` +
      `${n} actors of max_concurrency=1 are predicted {predicted} for its tasks' span`,
    detail: `max_concurrency runs an actor's calls in threads of one worker process, which share its GIL: pure-Python methods run one at a time. ` +
      `Create ${n} actors instead (ray.util.ActorPool, or a list of handles) and spread the calls over them; keep max_concurrency for methods ` +
      `that wait (I/O, native code that releases the GIL). Predicted for the span of the actor's tasks (${secs(T)}) on ${round(pred.cores, 1)} cores.`,
    target: hotTarget([g]),
  }, o, false);
}

/** The cluster remedies that apply to a recording. */
export function clusterDrafts(a: RecordingAnalysis, cluster: ReadonlyMap<ProcessKey, ClusterRole | null>, p: WorkProfile, o: SuggestOptions = {}): Draft[] {
  return [daskThreads(a, cluster, p, o), rayActors(a, cluster, p, o)].filter((d): d is Draft => d !== null);
}

/** Whether a recording holds a cluster engine's processes (its own queue hands out the tasks: no chunksize to pass). */
export function hasEngine(cluster: ReadonlyMap<ProcessKey, ClusterRole | null>): boolean {
  return [...cluster.values()].some((c) => c !== null);
}
