import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { LockResult, ProcessResult } from '../../../src/core/analysis/model';
import { analyzeRecording } from '../../../src/core/analysis/recordingSession';
import type { RecordingAnalysis } from '../../../src/core/analysis/recordingSession';
import { foreignCpus, markerLines, recordOnce, TEST_PYTHON } from '../../support/recordWorkload';
import type { Recorded } from '../../support/recordWorkload';

/**
 * Lock, queue and Condition waits on real recordings, against the
 * workloads' own measurements and their `# MARKER` lines
 * (test/workloads/README.md). One recording per workload, shared.
 */

function processOf(a: RecordingAnalysis, r: Recorded): ProcessResult {
  const p = a.processes.find((x) => x.pid === r.truth.pid);
  assert.ok(p, `the recording has the workload's process ${r.truth.pid}`);
  return p;
}

/** The object created on the workload's `marker` line. */
function createdAt(p: ProcessResult, r: Recorded, marker: string): LockResult {
  const line = markerLines(r.truth, marker)[0]!;
  const lock = p.locks.find((l) => l.createdAt?.file === r.script && l.createdAt.line === line);
  assert.ok(lock, `an object created at ${marker} (line ${line}); have ${p.locks.map((l) => `${l.kind}@${l.createdAt?.line}`).join(', ')}`);
  return lock;
}

const within = (got: number, want: number, share: number, what: string): void =>
  assert.ok(Math.abs(got - want) <= share * want, `${what}: ${got.toFixed(4)} s vs truth ${want.toFixed(4)} s (±${share * 100}%)`);

// Holds of 6 ms with 6 ms of work outside: the thread that let the lock go and the
// one that took it compete for the GIL, so holders are switched out inside their
// critical sections and their lines there show (with the defaults, 1 ms holds
// and 0.1 ms outside, a holder runs its critical section without giving up the
// GIL, so no record names a line inside it).
const CONVOY_ARGS = ['--threads', '3', '--iterations', '50', '--hold-ms', '6', '--outside-ms', '6'];

describe(`lock_convoy recorded with ${TEST_PYTHON}`, () => {
  let r: Recorded;
  let a: RecordingAnalysis;
  let p: ProcessResult;
  let lock: LockResult;
  before(async () => {
    r = await recordOnce('lock_convoy', CONVOY_ARGS);
    a = analyzeRecording(r.dir);
    p = processOf(a, r);
    lock = createdAt(p, r, 'LOCK-CREATE');
  });

  it('the most contended lock is the one at LOCK-CREATE, named by its line', () => {
    assert.equal(lock.kind, 'Lock');
    assert.equal(lock.name, 'shared_lock');
    assert.equal(p.locks[0]!.id, lock.id);
    assert.equal(lock.acquisitions, r.truth['acquisitions']);
    assert.ok(lock.contended > 0 && lock.contended <= lock.acquisitions);
  });

  it('lock wait + the GIL wait after each contended acquire = the time in acquire() (±2%)', () => {
    // 2% with a CPU to spare; the workload's own timing takes in preemptions when every attempt was loaded
    within(lock.waitSeconds + lock.gilWaitSeconds, r.truth['lock_wait_seconds'] as number, foreignCpus(r) <= 0.3 ? 0.02 : 0.05, 'lock wait + GIL wait after');
    assert.ok(lock.gilWaitSeconds > 0, 'the GIL wait after a contended acquire is reported apart');
    const threadsLockWait = p.threads.reduce((s, t) => s + t.lockWaitSeconds, 0);
    assert.ok(Math.abs(threadsLockWait - lock.waitSeconds) < 1e-9, 'threads and lock agree');
  });

  it('waits are at LOCK-WAIT; holders while others waited at LOCK-WAIT and inside the critical section', () => {
    const waitLine = markerLines(r.truth, 'LOCK-WAIT');
    const holdLines = markerLines(r.truth, 'LOCK-HOLD');
    assert.deepEqual(lock.waiters.map((w) => w.line), [...waitLine]);
    assert.ok(lock.waiters.every((w) => w.file === r.script));
    const critical = [Math.min(...waitLine), Math.max(...markerLines(r.truth, 'LOCK-RELEASE'))];
    const blocking = lock.holders.filter((h) => h.blockingSeconds > 0);
    for (const h of blocking) {
      assert.ok(h.file === r.script && h.line >= critical[0]! && h.line <= critical[1]!, `holder line ${h.line} is not inside the critical section ${critical}`);
    }
    const inside = blocking.filter((h) => !waitLine.includes(h.line));
    assert.ok(inside.length > 0, 'some blocking is named by a line inside the critical section');
    assert.ok(holdLines.includes(inside[0]!.line), `the top line inside the critical section is a LOCK-HOLD line, got ${inside[0]!.line}`);
    const total = blocking.reduce((s, h) => s + h.blockingSeconds, 0);
    assert.ok(total <= lock.waitSeconds * (1 + 1e-9) && total >= 0.5 * lock.waitSeconds, `blocking ${total} vs wait ${lock.waitSeconds}`);
  });

  it('a thread blocked on the lock is released for the GIL and "waiting for a lock" in the heatmap', () => {
    const h = a.heatmap.query({ startSeconds: p.startSeconds, endSeconds: p.endSeconds, width: 400 });
    const sum = (x: Float64Array): number => x.reduce((s, v) => s + v, 0);
    for (const t of p.threads.filter((x) => x.name.startsWith('convoy-'))) {
      // part of released: all of it, when the thread did nothing else without the GIL (sums in another order: 1e-9)
      assert.ok(t.lockWaitSeconds > 0 && t.lockWaitSeconds <= t.gil.releasedSeconds * (1 + 1e-9), `${t.name}: lock wait ${t.lockWaitSeconds} is part of released ${t.gil.releasedSeconds}`);
      const row = h.threads.find((x) => x.key === `${p.pid}/${t.slot}`)!;
      assert.ok(Math.abs(sum(row.cells.lockWait) - t.lockWaitSeconds) < 1e-6, `${t.name} heatmap lock wait`);
      assert.ok(Math.abs(sum(row.cells.released) - (t.gil.releasedSeconds - t.lockWaitSeconds)) < 1e-6, `${t.name} heatmap released excludes the lock wait`);
    }
  });
});

describe(`queue_slow_consumer recorded with ${TEST_PYTHON}`, () => {
  let r: Recorded;
  let p: ProcessResult;
  let q: LockResult;
  before(async () => {
    r = await recordOnce('queue_slow_consumer');
    p = processOf(analyzeRecording(r.dir), r);
    q = createdAt(p, r, 'QUEUE-CREATE');
  });

  it('put waits are queue puts at QUEUE-PUT, on the queue, and not lock contention', () => {
    assert.equal(q.kind, 'Queue');
    assert.equal(q.name, 'q');
    assert.equal(q.waitSeconds, 0);
    const put = q.waitKinds.find((k) => k.kind === 'queuePut');
    assert.ok(put, `queue put waits; have ${q.waitKinds.map((k) => k.kind)}`);
    assert.deepEqual(put.sites.map((s) => s.line), [...markerLines(r.truth, 'QUEUE-PUT')]);
    within(put.seconds, r.truth['producer_put_seconds'] as number, 0.03, 'put waits');
    const producer = p.threads.find((t) => t.name === 'producer')!;
    assert.ok(Math.abs(producer.blockedSeconds - put.seconds) < 0.01 * put.seconds + 1e-3, 'the producer is blocked in put');
    assert.equal(producer.lockWaitSeconds, 0);
  });

  it('get waits, if any, are queue gets at QUEUE-GET', () => {
    const get = q.waitKinds.find((k) => k.kind === 'queueGet');
    if (get) assert.deepEqual(get.sites.map((s) => s.line), [...markerLines(r.truth, 'QUEUE-GET')]);
    const kinds = new Set(q.waitKinds.map((k) => k.kind));
    for (const k of kinds) assert.ok(k === 'queuePut' || k === 'queueGet', `unexpected wait kind ${k} on the queue`);
  });
});

describe(`condition_wait recorded with ${TEST_PYTHON}`, () => {
  let r: Recorded;
  let p: ProcessResult;
  let cond: LockResult;
  before(async () => {
    r = await recordOnce('condition_wait');
    p = processOf(analyzeRecording(r.dir), r);
    cond = createdAt(p, r, 'COND-CREATE');
  });

  it('cond.wait() is a Condition wait at COND-WAIT, counted per call, not lock contention', () => {
    assert.equal(cond.kind, 'Condition');
    assert.equal(cond.name, 'cond');
    const w = cond.waitKinds.find((k) => k.kind === 'conditionWait');
    assert.ok(w, `condition waits; have ${cond.waitKinds.map((k) => k.kind)}`);
    assert.equal(w.count, r.truth['wait_calls']);
    assert.deepEqual(w.sites.map((s) => s.line), [...markerLines(r.truth, 'COND-WAIT')]);
    within(w.seconds, r.truth['cond_wait_seconds'] as number, 0.03, 'condition waits');
    assert.ok(cond.waitSeconds < 0.05 * w.seconds, `contention ${cond.waitSeconds} is small next to the waits`);
    for (const t of p.threads.filter((x) => x.name.startsWith('waiter-'))) {
      assert.ok(t.blockedSeconds >= 0.8 * (t.endSeconds - t.startSeconds), `${t.name} blocked ${t.blockedSeconds}`);
      assert.ok(t.lockWaitSeconds < 0.05 * t.blockedSeconds, `${t.name}: lock wait ${t.lockWaitSeconds} is not the condition wait`);
    }
  });
});
