import { estimatedCosts } from './costs';
import type { ParallelMode } from './costs';
import { fromPrediction, where, whereLine } from './draft';
import type { Draft, SuggestOptions } from './draft';
import { pct, round, secs } from './model';
import { isOneThread, oneThreadDraft } from './oneThread';
import { predictMode, predictReleaseGil } from './parallel';
import type { Prediction } from './parallel';
import { plural } from '../report/plural';
import { heldEvidence } from './profile';
import type { WorkProfile } from './profile';

/** Workers a prediction is for: the threads there are, or (serial work) the requested count, else the cores. */
export function targetWorkers(p: WorkProfile, o: SuggestOptions): number {
  return p.baseline === 'recording' ? p.workers : Math.max(1, o.workers ?? p.cores);
}

function costsFor(mode: ParallelMode, p: WorkProfile, n: number, o: SuggestOptions) {
  return o.costs?.[mode] ?? estimatedCosts(mode, n, p.cores, o.pickling);
}

/** The processes that did the work, for titles: "2 worker processes", "3 processes (the main one and 2 worker processes)". */
export function workingProcessesText(p: WorkProfile): string {
  const n = p.workerProcesses;
  if (!p.mainProcessWorks) return `${n} worker process${n === 1 ? '' : 'es'}`;
  return `${n} processes (the main one and ${n - 1} worker process${n === 2 ? '' : 'es'})`;
}

const NO_GAIN: Prediction = { speedup: 1, interval: [1, 1], model: 'no change', evidence: {} };

export function useProcesses(p: WorkProfile, o: SuggestOptions): Draft {
  const n = targetWorkers(p, o);
  const target = p.hot?.target ?? null;
  if (p.workerProcesses > 0) {
    return fromPrediction('useProcesses', p, n, { ...NO_GAIN, evidence: { workerProcesses: p.workerProcesses } }, {
      title: `Already in processes: ${workingProcessesText(p)} do the work, each with its own GIL`,
      detail: 'The work already runs in several processes; more processes than cores gain nothing.',
      target,
    }, o);
  }
  const pred = predictMode(p, 'processes-fork', n, costsFor('processes-fork', p, n, o));
  const held = heldEvidence(p).gilHeldSeconds;
  // A free-threaded build that kept its GIL off serialised nothing on a GIL: said no more than the prediction.
  const gil = !p.python.gilEnabled ? ''
    : p.baseline === 'recording'
    ? `; the GIL serialised ${secs(held)} of the work of ${plural(p.workers, 'thread')} in ${secs(p.wallSeconds)}`
    : `; the work holds the GIL ${pct(held / Math.max(1e-9, p.heldSeconds + p.releasedSeconds))} of its time`;
  const use = isOneThread(p) ? 'If the work can be split into independent tasks, use processes' : 'Use processes';
  return fromPrediction('useProcesses', p, n, isOneThread(p) ? unsplit(p, pred, o) : pred, {
    title: `${use}: a pool of ${plural(n, 'process', 'processes')} is predicted {predicted}${gil}`,
    detail:
      `Run the work of ${where(target)} in a concurrent.futures.ProcessPoolExecutor(max_workers=${n}) or multiprocessing.Pool(${n}): ` +
      'each process has its own GIL. Inputs and results are pickled both ways, so send little and return little; ' +
      'fork starts workers in milliseconds; spawn (the default on macOS and Windows) and forkserver (the default on Linux from 3.14) in about 0.1–0.3 s.',
    target,
  }, o);
}

/**
 * Processes for one thread's work: the prediction is for the work split
 * into n tasks (the title says so); the interval's low end is the work
 * left whole, one process running the one thread (≈ 1×, less its start-up).
 */
function unsplit(p: WorkProfile, split: Prediction, o: SuggestOptions): Prediction {
  const whole = predictMode(p, 'processes-fork', 1, costsFor('processes-fork', p, 1, o));
  return {
    ...split,
    interval: [Math.min(split.interval[0], whole.interval[0]), split.interval[1]],
    model: `${split.model}; not split: ${round(whole.speedup)}×`,
    evidence: { ...split.evidence, ifNotSplitSpeedup: whole.speedup },
  };
}

export function keepThreads(p: WorkProfile, o: SuggestOptions): Draft {
  const n = targetWorkers(p, o);
  const life = p.heldSeconds + p.releasedSeconds + p.gilWaitSeconds + p.lockWaitSeconds;
  const releasedShare = life > 0 ? p.releasedSeconds / life : 0;
  const waitShare = life > 0 ? p.gilWaitSeconds / life : 0;
  // The line that runs without the GIL, when that is a real part of the run; else the line that holds it
  // (a few milliseconds of a file read elsewhere must not outrank the stage that does the work).
  // Processes already side by side: the code they run, not where one of them waited for its next task.
  const releasedMatters = p.workerProcesses === 0 && p.released !== null && p.released.seconds >= 0.05 * p.wallSeconds;
  const target = (releasedMatters ? p.released!.target : null) ?? p.hot?.target ?? p.released?.target ?? null;
  if (p.baseline === 'serial') {
    const pred = predictMode(p, 'threads', n, costsFor('threads', p, n, o));
    return fromPrediction('keepThreads', p, n, pred, {
      title: `Threads: a pool of ${plural(n, 'thread')} is predicted {predicted}; the work runs without the GIL ${pct(releasedShare)} of its time`,
      detail: 'Threads share one GIL: only the time a task runs without it (I/O, sleep, native code that releases it) overlaps. ' +
        'They cost nothing to start and need no pickling.',
      target,
    }, o, false);
  }
  const evidence = { workers: p.workers, releasedShare, gilWaitShare: waitShare, ...heldEvidence(p), releasedSeconds: p.releasedSeconds, wallSeconds: p.wallSeconds, ...(p.ownGilSeconds ? { ownGilSeconds: p.ownGilSeconds } : {}) };
  const fine = releasedShare >= 0.5 && waitShare < 0.2;
  const title = p.workerProcesses > 0
    ? `Nothing to gain: the work already runs in parallel, in ${workingProcessesText(p)}`
    : fine
      ? `Threads are fine: the ${p.workers} worker threads run without the ${p.ownGilSeconds ? 'main GIL (in sub-interpreters with their own GIL, or released)' : 'GIL'} ${pct(releasedShare)} of the time` +
        `${p.released ? ` (most at ${whereLine(p.released.target)})` : ''} and wait for it ${pct(waitShare)}: they already run side by side`
      : `Keep threads as they are (the baseline): ${p.workers === 1 ? 'the thread holds' : `the ${p.workers} threads hold`} the GIL ${pct(heldEvidence(p).gilHeldSeconds / Math.max(1e-9, life))} and ${p.workers === 1 ? 'waits' : 'wait'} for it ${pct(waitShare)} of ${p.workers === 1 ? 'its' : 'their'} time`;
  return fromPrediction('keepThreads', p, n, { ...NO_GAIN, evidence }, {
    title,
    // Only a run whose threads mostly ran without the GIL is one where processes add nothing.
    detail: fine || p.workerProcesses > 0
      ? 'I/O, sleeps and native code that releases the GIL (hashlib, zlib, numpy, most I/O) already run in parallel in threads; ' +
        'processes would add start-up and pickling for nothing.'
      : 'The baseline the other suggestions are measured against. In threads only the time a thread runs without the GIL ' +
        '(I/O, sleep, native code that releases it) overlaps; the time it holds the GIL runs one thread at a time.',
    target,
  }, o, false);
}

export function releaseGil(p: WorkProfile, o: SuggestOptions): Draft | null {
  // Processes that already run side by side each have their own GIL: releasing it gains them nothing.
  if (!p.python.gilEnabled || p.workerProcesses > 0 || !p.hot || p.hot.heldSeconds < 0.05 * p.wallSeconds) return null;
  const n = targetWorkers(p, o);
  const pred = predictReleaseGil(p, isOneThread(p) ? 1 : n);
  if (!pred) return null;
  const detail = 'Move the loop into native code that drops the GIL while it computes: a C extension with Py_BEGIN_ALLOW_THREADS, ' +
    'Cython with `with nogil:`, numba `@njit(nogil=True)`, a ctypes call into a C library (ctypes releases the GIL), ' +
    'or numpy vectorisation (most array operations release it). Native code is usually faster as well; the prediction counts only the parallelism.';
  if (isOneThread(p)) {
    const split = predictReleaseGil(p, n)?.speedup ?? 1;
    return oneThreadDraft('releaseGil', p, pred, { speedup: split, workers: n }, { remedy: `Releasing the GIL in ${where(p.hot.target)}`, detail, target: p.hot.target }, o);
  }
  return fromPrediction('releaseGil', p, n, pred, {
    title: `Release the GIL in ${where(p.hot.target)}: it holds the GIL ${secs(p.hot.heldSeconds)} of ${secs(p.wallSeconds)}; ` +
      `without it, it would run side by side: predicted {predicted}`,
    detail,
    target: p.hot.target,
  }, o);
}

export function subInterpreters(p: WorkProfile, o: SuggestOptions): Draft | null {
  if (!p.python.gilEnabled || p.workerProcesses > 0) return null;
  const n = targetWorkers(p, o);
  const pred = predictMode(p, 'subinterpreters', n, costsFor('subinterpreters', p, n, o));
  const minor = Number(/^3\.(\d+)/.exec(p.python.version)?.[1] ?? 0);
  const needs = minor < 12 ? ` (needs Python 3.12 or newer; this is ${p.python.version})` : '';
  const detail = '3.14: concurrent.futures.InterpreterPoolExecutor; 3.13: the _interpreters module; 3.12: _xxsubinterpreters.create(isolated=True). ' +
    'Each interpreter imports its own modules (C extensions must support sub-interpreters) and data crosses as bytes or pickles.';
  if (isOneThread(p)) {
    const asIs = predictMode(p, 'subinterpreters', 1, costsFor('subinterpreters', p, 1, o));
    return oneThreadDraft('subInterpreters', p, asIs, { speedup: pred.speedup, workers: n }, { remedy: `Sub-interpreters${needs}`, detail, target: p.hot?.target ?? null }, o);
  }
  return fromPrediction('subInterpreters', p, n, pred, {
    title: `Use sub-interpreters: ${n === 1 ? '1 interpreter with its own GIL is' : `${n} interpreters with their own GIL are`} predicted {predicted}${needs}`,
    detail,
    target: p.hot?.target ?? null,
  }, o);
}

export function freeThreaded(p: WorkProfile, o: SuggestOptions): Draft | null {
  if (!p.python.gilEnabled || p.workerProcesses > 0) return null;
  const n = targetWorkers(p, o);
  const pred = predictMode(p, 'free-threaded', n, costsFor('free-threaded', p, n, o), o.freeThreadedVersion);
  const detail = 'The same threads run in parallel on a build without the GIL (python3.13t, python3.14t), at a cost to single-thread speed ' +
    '(about 40% in 3.13, 5–10% in 3.14). C extensions that do not declare free-threading support turn the GIL back on.';
  if (isOneThread(p)) {
    // One thread on a build without the GIL runs alone as before, only its Python code slower.
    const asIs = predictMode(p, 'free-threaded', 1, costsFor('free-threaded', p, 1, o), o.freeThreadedVersion);
    return oneThreadDraft('freeThreaded', p, asIs, { speedup: pred.speedup, workers: n }, { remedy: 'A free-threaded Python (3.13t/3.14t)', detail, target: p.hot?.target ?? null }, o);
  }
  return fromPrediction('freeThreaded', p, n, pred, {
    title: `Use a free-threaded Python (3.13t/3.14t): ${n === 1 ? '1 thread without a GIL is' : `${n} threads without a GIL are`} predicted {predicted}`,
    detail,
    target: p.hot?.target ?? null,
  }, o);
}
