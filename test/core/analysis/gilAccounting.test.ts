import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeRecording } from '../../../src/core/analysis/recordingSession';
import type { ProcessResult, ThreadResult } from '../../../src/core/analysis/model';
import { writeRecording } from '../../support/recordingFixtures';
import { threeThreads } from '../../support/scenarios';

const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

function thread(p: ProcessResult, name: string): ThreadResult {
  const t = p.threads.find((x) => x.name === name);
  assert.ok(t, `thread ${name}`);
  return t;
}

function check(t: ThreadResult, held: number, wait: number, released: number, life: number): void {
  close(t.gil.heldSeconds, held / 1e3, `${t.name} held`);
  close(t.gil.waitSeconds, wait / 1e3, `${t.name} wait`);
  close(t.gil.releasedSeconds, released / 1e3, `${t.name} released`);
  close(t.endSeconds - t.startSeconds, life / 1e3, `${t.name} lifetime`);
  close(t.gil.heldSeconds + t.gil.waitSeconds + t.gil.releasedSeconds, t.endSeconds - t.startSeconds, `${t.name} sum`);
}

for (const [label, options] of [
  ['monotonic clock', {}],
  ['TSC ticks beyond 2^53', { clockKind: 1, ticksPerNs: 2.5, startTicks: 2n ** 60n }],
] as const) {
  test(`GIL held + wait + released = lifetime per thread (${label})`, () => {
    const a = analyzeRecording(writeRecording([threeThreads(options)]));
    assert.equal(a.processes.length, 1);
    const p = a.processes[0]!;
    check(thread(p, 'MainThread'), 2, 0, 18, 20);
    check(thread(p, 'T-1'), 4, 7, 7, 18);
    check(thread(p, 'T-2'), 12, 0, 3, 15);
    close(a.wallSeconds, 0.02, 'wall');
    assert.equal(p.endKind, 'exit');
    assert.equal(p.exitCode, 0);
    assert.equal(thread(p, 'T-1').acquisitions, 2);
    assert.equal(thread(p, 'T-1').tid, 101);
    assert.ok(thread(p, 'MainThread').isMain);
  });
}

test('per-line attribution: an acquire names the hold before it, the released time and the wait', () => {
  const p = analyzeRecording(writeRecording([threeThreads()])).processes[0]!;
  const line = (n: number) => p.lines.find((l) => l.line === n)!;
  close(line(10).gilWaitSeconds, 0.001, 'line 10 wait');
  close(line(10).gilHeldSeconds, 0, 'line 10 held');
  close(line(12).gilHeldSeconds, 0.016, 'line 12 held');
  close(line(12).releasedSeconds, 0.01, 'line 12 released');
  close(line(12).gilWaitSeconds, 0.006, 'line 12 wait');
  close(line(5).gilHeldSeconds, 0.002, 'line 5 held');
  close(line(5).releasedSeconds, 0.018, 'line 5 released');
  assert.equal(line(12).function, 'worker');
  assert.equal(line(12).file, 'work.py');
  const worker = p.functions.find((f) => f.function === 'worker')!;
  close(worker.gilWaitSeconds, 0.007, 'worker wait');
  assert.equal(worker.firstLine, 9);
  const sum = (k: 'gilHeldSeconds' | 'gilWaitSeconds' | 'releasedSeconds') => p.lines.reduce((s, l) => s + l[k], 0);
  const threads = (k: 'heldSeconds' | 'waitSeconds' | 'releasedSeconds') => p.threads.reduce((s, t) => s + t.gil[k], 0);
  close(sum('gilHeldSeconds'), threads('heldSeconds'), 'lines held = threads held');
  close(sum('gilWaitSeconds'), threads('waitSeconds'), 'lines wait = threads wait');
  close(sum('releasedSeconds'), threads('releasedSeconds'), 'lines released = threads released');
});

test('convoy: a wait of a switch interval after a short voluntary hold, per thread and per line', () => {
  const p = analyzeRecording(writeRecording([threeThreads()])).processes[0]!;
  const t1 = thread(p, 'T-1');
  assert.equal(t1.convoy.count, 1);
  close(t1.convoy.waitSeconds, 0.006, 'convoy wait');
  assert.equal(p.lines.find((l) => l.line === 12)!.convoyCount, 1);
  assert.equal(thread(p, 'T-2').convoy.count, 0);
  close(t1.longestWaits[0]!.seconds, 0.006, 'longest wait');
  close(t1.longestWaits[0]!.atSeconds, 0.009, 'longest wait start');
  assert.equal(t1.longestWaits[0]!.site.line, 12);
  assert.equal(t1.longestWaits.length, 2);
});

test('per GIL: held and wait totals and acquisitions', () => {
  const p = analyzeRecording(writeRecording([threeThreads()])).processes[0]!;
  assert.equal(p.gils.length, 1);
  close(p.gils[0]!.heldSeconds, 0.018, 'gil held');
  close(p.gils[0]!.waitSeconds, 0.007, 'gil wait');
  assert.equal(p.gils[0]!.acquisitions, 4);
});

test('processes share one time origin: the earliest start', () => {
  const a = threeThreads({ pid: 10, startMonoNs: 5_000_000_000n });
  const b = threeThreads({ pid: 11, ppid: 10, startMonoNs: 5_500_000_000n, startRealtimeNs: 2n });
  const r = analyzeRecording(writeRecording([a, b]));
  assert.deepEqual(r.processes.map((p) => p.pid), [10, 11]);
  close(r.processes[1]!.startSeconds, 0.5, 'child start');
  close(r.processes[1]!.threads[0]!.startSeconds, 0.5, 'child main thread start');
  close(r.wallSeconds, 0.52, 'wall');
  assert.equal(r.processes[1]!.parentPid, 10);
});

test('a thread without THREAD_END runs to the process end; an open hold is closed there', () => {
  const w = threeThreads();
  w.thread(4).start(1e6, 200).gilWait(2e6); // waits until the end, never acquires
  const p = analyzeRecording(writeRecording([w])).processes[0]!;
  const t = p.threads.find((x) => x.tid === 200)!;
  assert.equal(t.ended, false);
  close(t.endSeconds, 0.02, 'end');
  close(t.gil.waitSeconds, 0.018, 'open wait');
  close(t.gil.releasedSeconds, 0.001, 'released');
});
