import { sideBySideSeconds } from './concurrency';
import { crossesProcesses, MESSAGE_SECONDS } from './costs';
import type { ModeCosts, ParallelMode } from './costs';
import { amdahl, around, makespan, secs, speedup } from './model';
import { heldEvidence } from './profile';
import type { WorkProfile } from './profile';
import type { Interval } from './types';

/** A predicted speedup over the profile's baseline, with its interval and workings. */
export interface Prediction {
  readonly speedup: number;
  readonly interval: Interval;
  /** The formula with its numbers. */
  readonly model: string;
  readonly evidence: Readonly<Record<string, number>>;
}

/**
 * Single-thread overhead of a free-threaded build (Python code runs this
 * many times slower than on the GIL build): CPython's own figures, about 40%
 * on pyperformance for 3.13 and 5–10% for 3.14 ("Python support for free
 * threading", docs.python.org). [center, best, worst].
 */
export function freeThreadedOverhead(version: string | undefined): readonly [number, number, number] {
  const m = /^3\.(\d+)/.exec(version ?? '');
  if (m && Number(m[1]) === 13) return [1.4, 1.1, 1.5];
  return [1.1, 1.05, 1.4];
}

interface Work {
  /** The workers' part of the time at n workers, center / worst / best. */
  readonly center: number;
  readonly worst: number;
  readonly best: number;
  readonly formula: string;
}

function total(p: WorkProfile): number {
  return p.heldSeconds + p.releasedSeconds;
}

/** Tasks scaled so that they add up to `to` (the held part made slower, say). */
function scaledTasks(p: WorkProfile, to: number): readonly number[] | null {
  if (!p.tasks) return null;
  const sum = p.tasks.reduce((a, b) => a + b, 0);
  return sum > 0 ? p.tasks.map((d) => (d * to) / sum) : p.tasks;
}

/**
 * The work's time when nothing serialises it (processes, sub-interpreters,
 * no GIL): spread over min(n, cores) cores, never shorter than the longest
 * task (serial baseline) or the longest worker's own chain (recording).
 * `k` slows the GIL-held (Python) part, for free-threaded builds.
 */
function unserialisedWork(p: WorkProfile, n: number, k: readonly [number, number, number]): Work {
  const nc = Math.min(n, p.cores);
  const H = p.heldSeconds;
  const R = p.releasedSeconds;
  if (p.baseline === 'serial') {
    const at = (kk: number, cores: number) => {
      const D = H * kk + R;
      return Math.max(D / cores, makespan(scaledTasks(p, D), D, n));
    };
    return { center: at(k[0], nc), worst: at(k[2], nc) * 1.1, best: at(k[1], nc) * 0.97, formula: 'max(D / n, longest share of the tasks)' };
  }
  const chain = (kk: number) => p.chainSeconds + ((kk - 1) * H) / Math.max(1, p.workers);
  // Workers that wait on each other run side by side only where they could at once (concurrency.ts).
  const turns = (kk: number) => (p.exchange ? sideBySideSeconds(p.exchange.runnableSeconds, nc) * ((H * kk + R) / Math.max(1e-12, H + R)) : 0);
  return {
    center: Math.max((H * k[0]) / nc, chain(k[0]), turns(k[0])),
    // Worst: the released time was CPU work too (native code), competing for the cores.
    worst: Math.max((H * k[2] + R) / nc, chain(k[2]), turns(k[2])) * 1.1,
    best: Math.max((H * k[1]) / nc, chain(k[1]), turns(k[1])) * 0.97,
    formula: p.exchange ? 'max(H / n, C, their runs side by side)' : 'max(H / n, C)',
  };
}

/** Threads: the GIL-held part stays serial; the released part runs side by side. */
function threadWork(p: WorkProfile, n: number): Work {
  const H = p.heldSeconds;
  const R = p.releasedSeconds;
  const nc = Math.min(n, p.cores);
  if (p.baseline === 'recording') return { center: p.wallSeconds - p.serialSeconds, worst: p.wallSeconds - p.serialSeconds, best: p.wallSeconds - p.serialSeconds, formula: 'as recorded' };
  const tasks = (cores: number) => makespan(p.tasks, total(p), cores);
  return {
    center: Math.max(H + R / n, tasks(n)),
    // Worst: the released part is CPU work that also needs a core each.
    worst: Math.max(H + R / nc, tasks(nc)) * 1.1,
    // Best: the released part overlaps the held part entirely.
    best: Math.max(H, tasks(n)) * 0.97,
    formula: 'max(H + R / n, longest share of the tasks)',
  };
}

/** The predicted speedup of running the work in `mode` with `n` workers, over the profile's baseline. */
export function predictMode(p: WorkProfile, mode: ParallelMode, n: number, costs: ModeCosts, freeThreadedVersion?: string): Prediction {
  const k = mode === 'free-threaded' ? freeThreadedOverhead(freeThreadedVersion) : ([1, 1, 1] as const);
  const W = p.wallSeconds;
  const S = p.serialSeconds;
  const work = mode === 'threads' ? threadWork(p, n) : unserialisedWork(p, n, k);
  const nc = Math.min(n, p.cores);
  const measured = costs.source === 'measured';
  // Costs are known within ±20% when measured, within ×2 when estimated.
  const [worse, better] = measured ? [1.25, 0.8] : [2, 0.5];
  const Xp = costs.parentTransferSeconds;
  const Xw = costs.workerTransferSeconds;
  // Pickling not timed at all: allow 5% of the work for it in the worst case.
  const unknownTransfer = crossesProcesses(mode) && !costs.transferKnown ? 0.05 * work.center : 0;
  // Each hand-over between worker threads (a wait another one ended) becomes a message between processes.
  const messages = crossesProcesses(mode) ? (p.exchange?.handOvers ?? 0) * MESSAGE_SECONDS : 0;
  const time = (w: number, c: number, extra: number) =>
    S + costs.startupSeconds * c + Math.max(w + (Xw * c) / nc, Xp * c) + messages * c + costs.shutdownSeconds * c + extra;
  const center = speedup(W, time(work.center, 1, 0));
  const interval = around(center, speedup(W, time(work.worst, worse, unknownTransfer)), speedup(W, time(work.best, better, 0)));
  const evidence: Record<string, number> = {
    wallSeconds: W,
    serialSeconds: S,
    ...heldEvidence(p),
    releasedSeconds: p.releasedSeconds,
    workers: n,
    cores: p.cores,
    startupSeconds: costs.startupSeconds,
    shutdownSeconds: costs.shutdownSeconds,
    costsMeasured: measured ? 1 : 0,
  };
  if (crossesProcesses(mode)) Object.assign(evidence, { parentPicklingSeconds: Xp, workerPicklingSeconds: Xw });
  if (p.baseline === 'recording') evidence['chainSeconds'] = p.chainSeconds;
  if (p.exchange) Object.assign(evidence, { sideBySideSeconds: sideBySideSeconds(p.exchange.runnableSeconds, nc), handOvers: p.exchange.handOvers });
  if (messages > 0) evidence['messageSeconds'] = messages;
  if (p.tasks) evidence['tasks'] = p.tasks.length;
  if (mode === 'free-threaded') evidence['singleThreadOverhead'] = k[0];
  const model =
    `W / (S + startup + ${work.formula} + pickling + shutdown) = ${secs(W)} / (${secs(S)} + ${secs(costs.startupSeconds)} + ` +
    `${secs(work.center)} + ${secs(Math.max(0, Math.max(work.center + Xw / nc, Xp) - work.center))} + ${secs(costs.shutdownSeconds)}` +
    (messages > 0 ? ` + ${p.exchange!.handOvers} hand-overs × ${secs(MESSAGE_SECONDS)} a message` : '') + `), n = ${n} on ${p.cores} cores` +
    (mode === 'free-threaded' ? `, Python code ${k[0]}× slower without the GIL` : '');
  return { speedup: center, interval, model, evidence };
}

/**
 * Releasing the GIL in the hot function (native code that drops it): that
 * function's held time runs side by side (Amdahl, f = its held time / W),
 * never faster than the longest chain of work (nor than the workers' runs
 * side by side, when they take turns). The worst case assumes only
 * half of it can run without the GIL (conversions and glue keep it).
 */
export function predictReleaseGil(p: WorkProfile, n: number): Prediction | null {
  if (!p.hot) return null;
  const W = p.wallSeconds;
  const f = Math.min(1, p.hot.heldSeconds / W);
  const parallel = p.baseline === 'recording' ? Math.min(p.workers, p.cores) : Math.min(n, p.cores);
  const longest = p.baseline === 'recording' ? p.chainSeconds : p.tasks ? Math.max(0, ...p.tasks) : 0;
  // Threads that take turns (concurrency.ts) gain nothing from running side by side where they cannot.
  const turns = p.exchange ? sideBySideSeconds(p.exchange.runnableSeconds, parallel) : 0;
  const cap = speedup(W, p.serialSeconds + Math.max(longest, turns));
  const center = Math.min(amdahl(f, parallel), cap);
  const interval = around(center, Math.min(amdahl(f / 2, parallel), cap), Math.min(amdahl(f, parallel), cap));
  return {
    speedup: center,
    interval,
    model: `Amdahl 1 / ((1 - f) + f / n), f = held in ${p.hot.target.function} / W = ${secs(p.hot.heldSeconds)} / ${secs(W)} = ${f.toFixed(3)}, n = ${parallel}`,
    // `workers` as everywhere (the threads the prediction is for); `runningAtOnce` what Amdahl's n is: no more than the cores.
    evidence: { wallSeconds: W, functionHeldSeconds: p.hot.heldSeconds, heldFraction: f, workers: p.baseline === 'recording' ? p.workers : n, runningAtOnce: parallel, cores: p.cores, chainSeconds: longest },
  };
}
