import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimatedCosts } from '../../src/core/suggest/costs';
import type { ModeCosts } from '../../src/core/suggest/costs';
import { amdahl, makespan } from '../../src/core/suggest/model';
import { predictMode, predictReleaseGil } from '../../src/core/suggest/parallel';
import type { WorkProfile } from '../../src/core/suggest/profile';
import { suggest } from '../../src/core/suggest/suggest';

/** The prediction arithmetic on profiles whose answers are worked out by hand (docs/suggestions.md). */

const site = { file: '/src/app.py', line: 12, function: 'work' };

function profile(over: Partial<WorkProfile> = {}): WorkProfile {
  return {
    baseline: 'recording',
    pid: 1,
    wallSeconds: 2,
    serialSeconds: 0,
    workers: 4,
    cores: 2,
    heldSeconds: 2,
    releasedSeconds: 0,
    gilWaitSeconds: 6,
    lockWaitSeconds: 0,
    chainSeconds: 0.5,
    tasks: null,
    hot: { target: site, heldSeconds: 2 },
    released: null,
    locks: [],
    convoy: null,
    workerProcesses: 0,
    ipc: null,
    python: { version: '3.12.1', gilEnabled: true },
    ...over,
  };
}

const free: ModeCosts = { startupSeconds: 0, shutdownSeconds: 0, parentTransferSeconds: 0, workerTransferSeconds: 0, source: 'measured', transferKnown: true };

describe('the model', () => {
  it('Amdahl: 1 / ((1 - f) + f / n)', () => {
    assert.equal(amdahl(1, 2), 2);
    assert.equal(amdahl(0, 8), 1);
    assert.ok(Math.abs(amdahl(0.5, 2) - 4 / 3) < 1e-12);
  });

  it('makespan: each task in order to the first free worker; divisible work without tasks', () => {
    assert.equal(makespan([3, 3, 2, 2, 2], 12, 2), 7);
    assert.equal(makespan([1, 1, 4], 6, 2), 5, 'in order, not longest first');
    assert.equal(makespan([5, 1, 1], 7, 2), 5);
    assert.equal(makespan(null, 12, 4), 3);
    assert.equal(makespan([1, 1], 2, 8), 1);
  });

  it('processes: W / (S + startup + max(H / min(n, cores), C) + shutdown) for threads fighting over the GIL', () => {
    const p = profile({ serialSeconds: 0.2, wallSeconds: 2.2 });
    const costs = { ...free, startupSeconds: 0.05, shutdownSeconds: 0.05 };
    const d = predictMode(p, 'processes-fork', 4, costs);
    assert.ok(Math.abs(d.speedup - 2.2 / (0.2 + 0.05 + 1 + 0.05)) < 1e-9, `got ${d.speedup}`);
    assert.ok(d.interval[0] < d.speedup && d.speedup < d.interval[1]);
    assert.equal(d.evidence['gilHeldSeconds'], 2);
  });

  it('serial work over tasks: the slowest worker bounds it (two tasks of 3 s and one of 1 s on 2 cores take 4 s, not 3.5)', () => {
    const p = profile({ baseline: 'serial', workers: 1, wallSeconds: 7, heldSeconds: 7, chainSeconds: 3, tasks: [3, 3, 1] });
    assert.ok(Math.abs(predictMode(p, 'processes-fork', 2, free).speedup - 7 / 4) < 1e-9);
    assert.ok(Math.abs(predictMode(p, 'threads', 2, free).speedup - 1) < 1e-9, 'held work gains nothing from threads');
    const io = profile({ baseline: 'serial', workers: 1, wallSeconds: 4, heldSeconds: 0, releasedSeconds: 4, tasks: [1, 1, 1, 1] });
    assert.ok(Math.abs(predictMode(io, 'threads', 4, free).speedup - 4) < 1e-9, 'released work overlaps in threads');
  });

  it('pickling in the parent is serial, in the workers spread over them', () => {
    const p = profile({ baseline: 'serial', workers: 1, wallSeconds: 4, heldSeconds: 4, chainSeconds: 1, tasks: [1, 1, 1, 1] });
    const slow = predictMode(p, 'processes-spawn', 2, { ...free, parentTransferSeconds: 3 });
    assert.ok(Math.abs(slow.speedup - 4 / 3) < 1e-9, `parent pickling 3 s dominates 2 s of work: ${slow.speedup}`);
    const spread = predictMode(p, 'processes-spawn', 2, { ...free, workerTransferSeconds: 2 });
    assert.ok(Math.abs(spread.speedup - 4 / 3) < 1e-9, `2 s of worker pickling over 2 workers adds 1 s: ${spread.speedup}`);
  });

  it('estimated costs are wider than measured ones', () => {
    const p = profile();
    const est = predictMode(p, 'processes-spawn', 4, estimatedCosts('processes-spawn', 4, 2));
    const meas = predictMode(p, 'processes-spawn', 4, { ...estimatedCosts('processes-spawn', 4, 2), source: 'measured' });
    assert.ok(est.interval[1] - est.interval[0] > meas.interval[1] - meas.interval[0]);
  });

  it('free-threaded: Python code slower by the build\'s overhead (3.13: 1.4×)', () => {
    const p = profile({ chainSeconds: 0 });
    assert.ok(Math.abs(predictMode(p, 'free-threaded', 4, free, '3.13.1').speedup - 2 / 1.4) < 1e-9);
    assert.ok(predictMode(p, 'free-threaded', 4, free, '3.14.0').speedup > predictMode(p, 'free-threaded', 4, free, '3.13.1').speedup);
  });

  it('releasing the GIL in the hot function: Amdahl with f = its held time / W, half of it at worst', () => {
    const p = profile({ hot: { target: site, heldSeconds: 1 }, chainSeconds: 0 });
    const d = predictReleaseGil(p, 4)!;
    assert.ok(Math.abs(d.speedup - amdahl(0.5, 2)) < 1e-9);
    assert.ok(Math.abs(d.interval[0] - amdahl(0.25, 2)) < 1e-9);
  });
});

describe('the ranking', () => {
  it('CPU-bound threads: processes first (cheaper than releasing the GIL, which predicts about the same)', () => {
    const s = suggest(profile({ serialSeconds: 0.02, wallSeconds: 2.02 }));
    assert.equal(s[0]!.kind, 'useProcesses');
    assert.deepEqual(s.map((x) => x.rank), s.map((_, i) => i + 1));
    assert.deepEqual(s[0]!.target, site);
    const gil = s.find((x) => x.kind === 'releaseGil')!;
    assert.ok(gil.predictedSpeedup >= s[0]!.predictedSpeedup * 0.95, 'within the tie');
  });

  it('threads that run without the GIL: keep them', () => {
    const s = suggest(profile({ heldSeconds: 0.01, releasedSeconds: 7.9, gilWaitSeconds: 0, chainSeconds: 1.98, hot: null }));
    assert.equal(s[0]!.kind, 'keepThreads');
    assert.equal(s[0]!.predictedSpeedup, 1);
  });

  it('a lock held most of the run caps the other remedies at W / H, and narrowing it comes first', () => {
    const lock = { name: 'shared_lock', createdAt: site, target: site, holdSeconds: 1.6, waitSeconds: 4, acquisitions: 1000, contended: 900 };
    const s = suggest(profile({ locks: [lock], lockWaitSeconds: 4, gilWaitSeconds: 0.2 }));
    assert.equal(s[0]!.kind, 'narrowLock');
    assert.equal(s[0]!.evidence['lockBound'], 2 / 1.6);
    const processes = s.find((x) => x.kind === 'useProcesses')!;
    assert.ok(processes.predictedSpeedup <= 2 / 1.6 + 1e-9, `capped: ${processes.predictedSpeedup}`);
    assert.match(processes.title, /capped by the lock/);
  });

  it('convoys: lower the switch interval, with the I/O threads\' speedup from their convoy waits', () => {
    const convoy = { threads: 3, count: 300, waitSeconds: 3, lifeSeconds: 4.5, target: site };
    const s = suggest(profile({ convoy, heldSeconds: 1.4, chainSeconds: 1.5, wallSeconds: 1.5, workers: 2 }));
    const c = s.find((x) => x.kind === 'switchInterval')!;
    assert.ok(Math.abs(c.predictedSpeedup - 4.5 / (4.5 - 3 + 300 * 0.0007)) < 1e-3);
    assert.equal(c.evidence['suggestedIntervalSeconds'], 0.0005);
  });

  it('batching: worker processes waiting in multiprocessing for their next task', () => {
    const ipc = { waitSeconds: 1, busySeconds: 4, waits: 400, workers: 2, target: site };
    const s = suggest(profile({ workerProcesses: 2, ipc }));
    const b = s.find((x) => x.kind === 'batchWork')!;
    assert.ok(Math.abs(b.predictedSpeedup - 1 / (1 - 0.25 * (1 - 1 / 8))) < 1e-3);
    assert.ok(Math.abs(b.predictedInterval[1] - 1 / 0.75) < 1e-3, 'at best the whole wait goes');
    assert.match(s.find((x) => x.kind === 'useProcesses')!.title, /Already in processes: 2 worker processes/);
  });

  it('no batching when each worker waited only for its first task and for the end: one idled while the other finished', () => {
    const ipc = { waitSeconds: 1, busySeconds: 4, waits: 4, workers: 2, target: site };
    assert.equal(suggest(profile({ workerProcesses: 2, ipc })).find((x) => x.kind === 'batchWork'), undefined);
    assert.ok(suggest(profile({ workerProcesses: 2, ipc: { ...ipc, waits: 5 } })).some((x) => x.kind === 'batchWork'));
  });

  it('scaling out: only when the best one-machine remedy still leaves minutes of work', () => {
    const big = profile({ baseline: 'serial', workers: 1, wallSeconds: 640, heldSeconds: 640, chainSeconds: 10, tasks: Array<number>(64).fill(10) });
    const s = suggest(big, { workers: 2 });
    const out = s.find((x) => x.kind === 'scaleOut')!;
    assert.equal(out.evidence['machines'], 8);
    assert.ok(Math.abs(out.predictedSpeedup - 640 / (out.evidence['oneMachineSeconds']! / 8 + 5)) < 0.05, JSON.stringify(out.evidence));
    assert.equal(suggest(profile({ baseline: 'serial', workers: 1, tasks: [1, 1, 1, 1] }), { workers: 2 }).find((x) => x.kind === 'scaleOut'), undefined);
  });

  it('a measured speedup is carried beside the prediction', () => {
    const s = suggest(profile({ baseline: 'serial', workers: 1, tasks: [0.5, 0.5, 0.5, 0.5] }), { workers: 2, measured: { useProcesses: 1.8 } });
    assert.equal(s.find((x) => x.kind === 'useProcesses')!.measuredSpeedup, 1.8);
    assert.equal(s.find((x) => x.kind === 'releaseGil')!.measuredSpeedup, null);
  });
});
