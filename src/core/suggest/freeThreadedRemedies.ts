import { plural } from '../report/plural';
import { fromPrediction, where } from './draft';
import type { Draft, SuggestOptions } from './draft';
import { secs, speedup } from './model';
import type { Prediction } from './parallel';
import type { FreeThreadedPressure, WorkProfile } from './profile';

/**
 * Suggestions for a free-threaded build (docs/suggestions.md, "Free-threaded
 * builds"), from what its workers waited for without a GIL: a shared object
 * every thread writes (give each its own), collections that stop the world
 * (gc.freeze, thresholds), the module that turned the GIL on (upgrade it, or
 * PYTHON_GIL=0 at your own risk), and, where the threads hardly wait, how
 * many ran at once, plainly: no lock is guessed.
 *
 * A wait removed saves the workers that time; spread over `n` of them that
 * run side by side, the wall shrinks by at most the waits / n: predicted
 * W / (W - waits / n), between half of that saved and all of it.
 */

const pct = (x: number): string => `${Math.round(x * 100)}%`;

function removedWait(p: WorkProfile, waits: number, model: string, evidence: Record<string, number>): Prediction {
  const n = Math.max(1, p.workers);
  const w = p.wallSeconds;
  const saved = Math.min(w * 0.99, waits / n);
  return {
    speedup: speedup(w, w - saved),
    interval: [speedup(w, w - saved / 2), speedup(w, w - saved)],
    model: `W / (W - ${model} / n) = ${w.toFixed(3)} / (${w.toFixed(3)} - ${waits.toFixed(3)} / ${n})`,
    evidence: { wallSeconds: w, workers: n, ...evidence },
  };
}

/** The object most waited for, when its waits are at least 5% of the workers' time. */
export function shareNothing(p: WorkProfile, ft: FreeThreadedPressure, o: SuggestOptions): Draft | null {
  const obj = ft.objects[0];
  if (!obj || obj.waitSeconds < 0.01 * p.wallSeconds * Math.max(1, p.workers)) return null;
  const pred = removedWait(p, obj.waitSeconds, 'object wait', { objectWaitSeconds: obj.waitSeconds, contended: obj.contended });
  return fromPrediction('shareNothing', p, p.workers, pred, {
    title: `Give each thread its own ${obj.type}: threads waited ${secs(obj.waitSeconds)} for one shared ${obj.type}'s lock at ${where(obj.waiter)}: predicted {predicted}`,
    detail: `Without a GIL every ${obj.type} has its own lock, taken by each operation on it (a critical section): threads that all write one ${obj.type} take turns on it. ` +
      `Let each thread fill its own ${obj.type} and merge them at the end (or hand items to one writer through a queue.SimpleQueue); ` +
      `reads of an object nobody writes any more do not wait. The prediction counts only the waits on it (${obj.contended} contended takes).`,
    target: obj.waiter,
  }, o, false);
}

/** Garbage collections that stopped the world a share of the workers' time. */
export function fewerCollections(p: WorkProfile, ft: FreeThreadedPressure, o: SuggestOptions): Draft | null {
  if (ft.gcPauses === 0 || ft.stoppedSeconds < 0.02 * p.wallSeconds * Math.max(1, p.workers)) return null;
  const share = ft.pauseSeconds > 0 ? ft.gcPauseSeconds / ft.pauseSeconds : 1;
  const stopped = ft.stoppedSeconds * share;
  const pred = removedWait(p, stopped, 'stopped', { gcPauses: ft.gcPauses, gcPauseSeconds: ft.gcPauseSeconds, stoppedSeconds: stopped });
  return fromPrediction('fewerCollections', p, p.workers, pred, {
    title: `Collect garbage less often: ${ft.gcPauses} collections stopped every running thread, ${ft.gcPauseSeconds.toFixed(3)} s in all (the workers ${stopped.toFixed(3)} s): predicted {predicted}`,
    detail: 'Without a GIL each garbage collection stops the world: every thread waits until it ends. Call gc.freeze() once setup is done ' +
      '(objects made before it are never scanned again), raise the thresholds (gc.set_threshold), or gc.disable() around a phase that makes no cycles; ' +
      'an explicit gc.collect() in a loop stops the world each time. The prediction takes every collection away; fewer, longer ones give less.',
    target: ft.stoppedAt,
  }, o, false);
}

/** A module turned the GIL on: the workers waited for it from then on. */
export function gilModule(p: WorkProfile, ft: FreeThreadedPressure, o: SuggestOptions): Draft | null {
  const on = ft.gilEnabledAt;
  if (!on) return null;
  const pred = removedWait(p, ft.gilWaitAfterSeconds, 'GIL wait', { gilEnabledAtSeconds: on.seconds, gilWaitSeconds: ft.gilWaitAfterSeconds });
  const who = on.module ? `importing ${on.module} turned the GIL on at ${on.seconds.toFixed(2)} s` : 'the GIL was on from the start (PYTHON_GIL=1)';
  return fromPrediction('gilModule', p, p.workers, pred, {
    title: `Keep the GIL off: ${who}, and the threads waited ${ft.gilWaitAfterSeconds.toFixed(3)} s for it after: predicted {predicted}`,
    detail: `${on.module ? `${on.module} does not declare that it runs without the GIL (Py_mod_gil), so loading it turned the GIL on for good. Upgrade it to a release built for free-threaded Python, ` : ''}` +
      'or run with PYTHON_GIL=0 (or -X gil=0) to keep the GIL off anyway, at your own risk: a module that was not written for it may then crash or corrupt data. ' +
      'The prediction takes away the GIL waits after it was turned on.',
    target: null,
  }, o, false);
}

/**
 * Threads that hardly wait: how many ran at once, measured (their running time over their span, and
 * the part of it on a CPU: less their run-queue delay). Whether each ran as fast as it would alone (shared reference counts, the type cache,
 * the allocator slow threads down with nothing to hook) a recording cannot tell: a comparison measures it.
 */
export function threadScaling(p: WorkProfile, ft: FreeThreadedPressure, o: SuggestOptions): Draft | null {
  if (p.workers < 2 || ft.gilEnabledAt || !(ft.spanSeconds > 0)) return null;
  const waits = p.lockWaitSeconds + ft.stoppedSeconds;
  const life = ft.runningSeconds + waits;
  if (!(life > 0) || waits > 0.2 * life) return null;
  const running = ft.runningSeconds / ft.spanSeconds;
  // Running includes the time the OS kept a runnable thread off a CPU (its run-queue delay): the rest ran on one.
  const onCpu = ft.cpuWaitSeconds === null ? null : Math.max(0, ft.runningSeconds - ft.cpuWaitSeconds) / ft.spanSeconds;
  // The cores the run had: other programs' CPUs measured when the machine was sampled (not rounded up to one).
  const free = p.runCores ? Math.max(0.1, p.runCores.onlineCpus - p.runCores.foreignCpus) : p.cores;
  // As many as the cores allow, less the time the threads waited (for a lock, a pause, or their
  // next task: what the other remedies speak to); what runs fewer at once than that is held back
  // by something gilscope does not see.
  const canRun = p.workers * (1 - waits / life);
  const cores = Math.min(canRun, free);
  const scaled = onCpu === null ? running : onCpu;
  // Predicted for more cores than the run had (--cores): the threads run as many at once as those allow, over their span.
  const more = p.coresGiven && p.cores > free ? Math.min(canRun, p.cores) : 0;
  const span = Math.min(ft.spanSeconds, p.wallSeconds);
  const gain = more > scaled && scaled > 0 && p.wallSeconds > 0 ? speedup(p.wallSeconds, p.wallSeconds - span + (span * scaled) / more) : 1;
  const evidence = { workers: p.workers, cores: p.cores, runningSeconds: ft.runningSeconds, spanSeconds: ft.spanSeconds, runningAtOnce: running, waitShare: waits / life, ...(onCpu === null ? {} : { cpuWaitSeconds: ft.cpuWaitSeconds!, onCpuAtOnce: onCpu }) };
  // Threads idle most of their lives (I/O, sleep, events) run few at once because they have little to run.
  const lives = life + ft.idleSeconds;
  const idle = ft.idleSeconds > 0.5 * lives;
  const measured = `${p.workers} threads ran ${running.toFixed(2)} at once${onCpu === null ? '' : ` (${onCpu.toFixed(2)} on a CPU)`} on ${free.toFixed(1)} free core${free === 1 ? '' : 's'}, waiting ${pct(waits / lives)} of their time`;
  const title = idle
    ? `Threads are fine: the ${p.workers} threads were idle (I/O, sleep, waiting for events) ${pct(ft.idleSeconds / lives)} of their lives and waited for each other ${pct(waits / lives)}: nothing held them back`
    : scaled >= 0.8 * cores
    ? `Threads are fine: without a GIL the ${measured}: they run side by side`
    : `The threads hardly wait, yet run ${scaled.toFixed(2)} at once where ${cores.toFixed(1)} could: ${measured}`;
  const prediction = gain > 1
    ? { speedup: gain, interval: [1, gain] as const, model: `W / (W − span + span × ${scaled.toFixed(2)} / ${more.toFixed(2)}): the threads on ${p.cores} cores, as many at once as they allow less the waits`, evidence: { ...evidence, atOnceOnCores: more } }
    : { speedup: 1, interval: [1, 1] as const, model: 'no change: the threads run side by side', evidence };
  return fromPrediction('threadScaling', p, p.workers, prediction, {
    title: gain > 1 ? `${title}; on ${plural(p.cores, 'core')} they would run ${more.toFixed(2)} at once: predicted {predicted}` : title,
    detail: 'Nothing holds them back that gilscope sees: no lock, object or pause makes them wait. Whether each thread runs as fast as it would alone is what a recording cannot tell: ' +
      'threads that share objects slow each other down with no lock to show it (reference counts on shared objects, the type cache, the allocator). ' +
      '`gilscope compare` measures the threads against one thread; on a machine where other programs took the cores (CPU wait), they ran fewer at once.',
    target: p.hot?.target ?? p.released?.target ?? null,
  }, o, false);
}

/** Every free-threaded remedy that applies. */
export function freeThreadedRemedies(p: WorkProfile, o: SuggestOptions): Draft[] {
  const ft = p.freeThreaded;
  if (!ft) return [];
  return [shareNothing(p, ft, o), fewerCollections(p, ft, o), gilModule(p, ft, o), threadScaling(p, ft, o)].filter((d): d is Draft => d !== null);
}
