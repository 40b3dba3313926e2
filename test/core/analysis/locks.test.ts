import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeRecording } from '../../../src/core/analysis/recordingSession';
import { writeRecording } from '../../support/recordingFixtures';
import { contendedLock } from '../../support/scenarios';

const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

test('lock statistics: acquisitions, contention, wait and hold totals and percentiles', () => {
  const p = analyzeRecording(writeRecording([contendedLock()])).processes[0]!;
  const lock = p.locks.find((l) => l.id === 1)!;
  assert.equal(lock.kind, 'Lock');
  assert.equal(lock.name, 'the_lock');
  assert.equal(lock.createdAt?.line, 100);
  assert.equal(lock.acquisitions, 4);
  assert.equal(lock.contended, 2);
  assert.equal(lock.gaveUp, 1);
  close(lock.waitSeconds, 0.011, 'wait');
  close(lock.holdSeconds, 0.01, 'hold');
  close(lock.maxWaitSeconds, 0.006, 'max wait');
  close(lock.wait.p50, 0.003, 'wait p50');
  close(lock.wait.p90, 0.006, 'wait p90');
  close(lock.wait.p99, 0.006, 'wait p99');
  close(lock.hold.p50, 0.001, 'hold p50');
  close(lock.hold.max, 0.004, 'hold max');
  assert.deepEqual(lock.waiters.map((w) => w.line), [120, 110, 140]);
  // Blocking comes from the holds that overlapped each wait: B waited 2-5 under
  // A's hold 1-5; C waited 3-9 under A (3-5, and 6-7) and B (5-9).
  const top = lock.holders[0]!;
  assert.equal(top.line, 100);
  close(top.blockingSeconds, 0.006, 'blocking');
  close(top.holdSeconds, 0.005, 'holder hold');
  const b = lock.holders.find((h) => h.line === 110)!;
  close(b.blockingSeconds, 0.004, 'B blocking');
});

test('past the log budget, holders fall back to the holder site LOCK_WAIT named', () => {
  const p = analyzeRecording(writeRecording([contendedLock()]), { logNumbers: 0 }).processes[0]!;
  const lock = p.locks.find((l) => l.id === 1)!;
  const top = lock.holders[0]!;
  assert.equal(top.line, 100);
  close(top.blockingSeconds, 0.009, 'blocking by the runtime-named holder site');
  close(lock.waitSeconds, 0.011, 'the waits themselves do not depend on the logs');
});

test('a Condition wait-until-notified is not lock contention', () => {
  const p = analyzeRecording(writeRecording([contendedLock()])).processes[0]!;
  const cond = p.locks.find((l) => l.id === 2)!;
  assert.equal(cond.kind, 'Condition');
  close(cond.waitSeconds, 0, 'condition contention');
  assert.deepEqual(cond.waitKinds.map((k) => [k.kind, k.count]), [['conditionWait', 1]]);
  close(cond.waitKinds[0]!.seconds, 0.004, 'condition wait');
  assert.deepEqual(cond.waitKinds[0]!.sites.map((w) => [w.line, w.count]), [[130, 1]]);
  const c = p.threads.find((t) => t.tid === 3)!;
  close(c.lockWaitSeconds, 0.006, 'C lock wait');
  close(c.blockedSeconds, 0.004, 'C blocked');
  const line130 = p.lines.find((l) => l.line === 130)!;
  close(line130.lockWaitSeconds, 0, 'line 130 lock wait');
  close(line130.blockedSeconds, 0.004, 'line 130 blocked');
  close(p.lines.find((l) => l.line === 120)!.lockWaitSeconds, 0.006, 'line 120 lock wait');
});
