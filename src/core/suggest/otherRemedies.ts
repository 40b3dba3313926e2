import { batchExchange } from './batchExchange';
import { fromPrediction, where, whereLine } from './draft';
import type { Draft, SuggestOptions } from './draft';
import { around, pct, secs, speedup, times } from './model';
import type { LockPressure, WorkProfile } from './profile';
import type { SuggestionKind } from './types';
import { plural } from '../report/plural';

/** The lock whose hold bounds the run most: W / hold is the best any remedy can do while it stays. */
export function bindingLock(p: WorkProfile): { lock: LockPressure; bound: number } | null {
  const lock = [...p.locks].sort((a, b) => b.holdSeconds - a.holdSeconds)[0];
  return lock && lock.holdSeconds > 0 ? { lock, bound: p.wallSeconds / lock.holdSeconds } : null;
}

/** What the best remedy does, for "once it no longer binds and …". */
const REMEDY_PHRASE: Partial<Record<SuggestionKind, string>> = {
  useProcesses: 'the work runs in processes',
  clusterProcesses: 'the work runs in processes',
  subInterpreters: 'the work runs in sub-interpreters',
  freeThreaded: 'the work runs on a free-threaded Python',
  releaseGil: 'the hot code releases the GIL',
  batchWork: 'the threads batch their exchange',
  scaleOut: 'the work is spread over more machines',
};

/**
 * Narrow or split the lock: while it is held H of W no remedy beats W/H;
 * once it no longer binds, the other remedies reach their own predictions.
 * The worst case: only the lock waits go and the work stays in threads,
 * serialised by the GIL instead.
 */
export function narrowLock(p: WorkProfile, o: SuggestOptions, uncapped: readonly Draft[]): Draft | null {
  const binding = bindingLock(p);
  if (!binding) return null;
  const { lock, bound } = binding;
  const W = p.wallSeconds;
  const threadsOnly = speedup(W, p.serialSeconds + Math.max(p.heldSeconds, p.chainSeconds));
  const best = uncapped.reduce((m, d) => (d.predictedSpeedup > m.predictedSpeedup ? d : m), uncapped[0]!);
  const center = Math.max(threadsOnly, best?.predictedSpeedup ?? threadsOnly);
  const hi = Math.max(center, best?.predictedInterval[1] ?? center);
  const created = lock.createdAt ? ` (created at ${whereLine(lock.createdAt)})` : '';
  return fromPrediction('narrowLock', p, best?.workers ?? p.workers, {
    speedup: center,
    interval: around(center, Math.min(center, threadsOnly), hi),
    model: `bound W / H = ${secs(W)} / ${secs(lock.holdSeconds)} = ${times(bound)} while the lock stays; ` +
      `${best ? `${best.kind} reaches ${times(best.predictedSpeedup)} once it no longer binds` : 'no other remedy'}; ` +
      `threads alone ${times(threadsOnly)}`,
    evidence: {
      wallSeconds: W, lockHoldSeconds: lock.holdSeconds, lockWaitSeconds: lock.waitSeconds, lockBound: bound,
      acquisitions: lock.acquisitions, contended: lock.contended, threadsOnlySpeedup: threadsOnly,
    },
  }, {
    // The prediction is the best other remedy's, freed of the lock: the title says which, and what narrowing alone gives.
    title: `Narrow or split the lock ${lock.name}${created}: held ${pct(lock.holdSeconds / W)} of the run, it caps every other remedy at ` +
      `${times(bound)}; threads waited ${secs(lock.waitSeconds)} for it. Predicted {predicted} once it no longer binds` +
      `${best && center > threadsOnly ? ` and ${REMEDY_PHRASE[best.kind] ?? `the best other remedy (${best.kind}) is made`}` : ''}` +
      ` (${times(threadsOnly)} in threads alone)`,
    detail: `Hold it only around the shared state, not the work (compute outside, then lock to publish); split it per key or per shard; ` +
      `or give each worker its own copy and merge at the end. The critical section is at ${where(lock.target)}.`,
    target: lock.target,
  }, o, false);
}

/** sys.setswitchinterval to suggest: a convoyed thread then waits about this long, not a whole default interval. */
const SUGGESTED_INTERVAL = 0.0005;

/**
 * Convoys: a thread back from I/O waits up to the switch interval (5 ms)
 * for a CPU-bound thread to be forced off the GIL. Lowering the interval
 * shortens each such wait; the I/O threads' work then takes
 * L - convoy wait + count x new wait instead of L.
 */
export function switchInterval(p: WorkProfile, o: SuggestOptions): Draft | null {
  const c = p.convoy;
  if (!c || c.count === 0) return null;
  const mean = c.waitSeconds / c.count;
  const after = (wait: number) => speedup(c.lifeSeconds, c.lifeSeconds - c.waitSeconds + c.count * Math.min(mean, wait));
  const center = after(SUGGESTED_INTERVAL + 0.0002);
  return fromPrediction('switchInterval', p, c.threads, {
    speedup: center,
    interval: around(center, after(0.002), after(SUGGESTED_INTERVAL)),
    model: `the convoyed threads' time L / (L - convoy wait + count × new wait) = ${secs(c.lifeSeconds)} / (${secs(c.lifeSeconds)} - ` +
      `${secs(c.waitSeconds)} + ${c.count} × ${secs(Math.min(mean, SUGGESTED_INTERVAL + 0.0002))})`,
    evidence: {
      convoyThreads: c.threads, convoyCount: c.count, convoyWaitSeconds: c.waitSeconds, meanConvoyWaitSeconds: mean,
      convoyedLifeSeconds: c.lifeSeconds, suggestedIntervalSeconds: SUGGESTED_INTERVAL,
    },
  }, {
    title: `Lower the switch interval: ${plural(c.threads, 'I/O thread')} waited ${c.count} times, ${secs(mean)} each, ` +
      `for a CPU-bound thread to let the GIL go (a convoy); sys.setswitchinterval(${SUGGESTED_INTERVAL}) makes their work ~${times(center)} faster`,
    detail: 'A thread that gives up the GIL for I/O must win it back from a CPU-bound thread, which lets go only when the switch interval ' +
      '(5 ms by default) runs out. A shorter interval shortens each wait; it costs the CPU-bound threads a little more switching ' +
      '(a longer interval does the opposite: fewer switches for CPU-bound threads, longer waits for I/O). ' +
      'Moving the CPU-bound work to a process removes the convoy altogether.',
    target: c.target,
  }, o, false);
}

/**
 * Batch work: worker processes waiting in multiprocessing for their next
 * task (a recording), results taking long to come back (a comparison), or
 * threads handing items to each other in lock-step (batchExchange.ts),
 * mean the tasks are too small for the trip. Batching k tasks per trip
 * leaves 1/k of that time.
 */
export function batchWork(p: WorkProfile, o: SuggestOptions, processes: Draft | undefined): Draft | null {
  const k = 8;
  if (o.resultTrip && processes && p.tasks && p.tasks.length > 1) {
    const n = processes.workers;
    const nc = Math.min(n, p.cores);
    const batch = Math.max(1, Math.floor(p.tasks.length / (4 * n)));
    if (batch < 2) return null;
    const perWorker = o.resultTrip.seconds / nc;
    const now = p.wallSeconds / processes.predictedSpeedup;
    const at = (kk: number) => speedup(p.wallSeconds, Math.max(now * 0.5, now - perWorker * (1 - 1 / kk)));
    const center = at(batch);
    if (center < processes.predictedSpeedup * 1.05) return null;
    return fromPrediction('batchWork', p, n, {
      speedup: center,
      interval: around(center, processes.predictedInterval[0], at(Infinity)),
      model: `W / (T_processes - trips / n × (1 - 1/k)), trips ${secs(o.resultTrip.seconds)} over ${o.resultTrip.tasks} tasks, k = ${batch}`,
      evidence: { wallSeconds: p.wallSeconds, resultTripSeconds: o.resultTrip.seconds, tasks: o.resultTrip.tasks, batch, workers: n },
    }, {
      title: `Batch the work: results spent ${secs(o.resultTrip.seconds)} travelling back for ${o.resultTrip.tasks} tasks; ` +
        `chunks of ${batch} are predicted {predicted}`,
      detail: `Send several inputs per task: executor.map(fn, inputs, chunksize=${batch}) or Pool.map(fn, inputs, chunksize=${batch}), ` +
        'so that each trip to a worker carries more work.',
      target: p.hot?.target ?? null,
    }, o);
  }
  const ipc = p.ipc;
  if (!ipc || ipc.busySeconds <= 0) return batchExchange(p, o);
  const share = ipc.waitSeconds / ipc.busySeconds;
  // A worker waits for its first task and for the pool's end whatever the batching: with no more
  // waits than those, the time is one worker idle while another finishes, which batches cannot
  // shorten (two tasks on two workers of a loaded machine waited 18%, and were told to batch by 8).
  if (share < 0.1 || ipc.waits <= 2 * ipc.workers) return batchExchange(p, o);
  const at = (kk: number) => 1 / (1 - share * (1 - 1 / kk));
  const center = at(k);
  return fromPrediction('batchWork', p, p.workers, {
    speedup: center,
    interval: around(center, at(2), at(Infinity)),
    model: `1 / (1 - s (1 - 1/k)), s = waiting in multiprocessing / busy = ${secs(ipc.waitSeconds)} / ${secs(ipc.busySeconds)} = ${share.toFixed(3)}, k = ${k}`,
    evidence: { ipcWaitSeconds: ipc.waitSeconds, workerBusySeconds: ipc.busySeconds, ipcShare: share, batch: k },
  }, {
    title: `Batch the work: worker processes spent ${pct(share)} of their time waiting in multiprocessing for the next task; ` +
      `batches of ${k} are predicted {predicted}`,
    detail: 'Pass chunksize= to map (or group inputs yourself) so each trip to a worker carries more work, and the pickling and ' +
      'wake-ups are paid once per batch.',
    target: ipc.target,
  }, o);
}

/** Work that would still take minutes on this machine's cores, and has more parallelism than it has cores. */
export function scaleOut(p: WorkProfile, o: SuggestOptions, best: Draft | undefined): Draft | null {
  const parallelism = p.tasks?.length ?? p.workers;
  if (!best || parallelism <= p.cores) return null;
  const oneMachine = p.wallSeconds / best.predictedSpeedup;
  if (oneMachine < 60) return null;
  const machines = Math.min(8, Math.ceil(parallelism / p.cores));
  const work = Math.max(0, oneMachine - p.serialSeconds);
  const at = (startup: number) => speedup(p.wallSeconds, p.serialSeconds + work / machines + startup);
  const center = at(5);
  if (center < best.predictedSpeedup * 1.2) return null;
  return fromPrediction('scaleOut', p, machines * p.cores, {
    speedup: center,
    interval: around(center, at(30), at(2)),
    model: `W / (S + work on one machine / machines + cluster start-up) = ${secs(p.wallSeconds)} / (${secs(p.serialSeconds)} + ${secs(work)} / ${machines} + 5 s)`,
    evidence: { wallSeconds: p.wallSeconds, oneMachineSeconds: oneMachine, machines, parallelism, cores: p.cores },
  }, {
    title: `Scale out: even with ${best.kind} the work takes ${secs(oneMachine)} on ${p.cores} cores; ${machines} machines are predicted {predicted}`,
    detail: 'Dask (dask.distributed, or dask.bag/dask.delayed over the same function) or Ray (@ray.remote) run the same tasks on a cluster; ' +
      'data then crosses the network, so send references to shared storage, not the data.',
    target: p.hot?.target ?? null,
  }, o);
}
