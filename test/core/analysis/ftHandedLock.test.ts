import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeRecording } from '../../../src/core/analysis/recordingSession';
import { ATTACH_GIL_INDEX, BuildFlag, LockAcquireFlag, RecordingFlag } from '../../../src/core/format/layout';
import { writeRecording } from '../../support/recordingFixtures';
import { RecordingWriter } from '../../support/recordingWriter';

const ms = (x: number): number => x * 1e6;
const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

/**
 * A free-threaded build (3.13t): a lock handed over to a waiter that the OS runs only later.
 * The waiter's LOCK_ACQUIRE is stamped when the lock was handed to it (3 ms) and written
 * after the attach that shows it running again (5 ms). Its lock wait ends at 3 ms for the
 * lock and for the thread alike; 3-5 ms it had the lock and was not running: detached.
 *   holder (slot 1): attached 0-10, takes the lock at 0, lets it go at 3.
 *   waiter (slot 2): attached 0-1, waits for the lock 1-3 (detached from 1), attached from 5.
 */
test('a lock handed to a waiter not yet running: its wait ends when the lock was handed over, for the thread and the lock alike', () => {
  const w = new RecordingWriter({ formatVersion: 2, buildFlags: BuildFlag.freeThreaded | BuildFlag.gilDisabled, recordingFlags: RecordingFlag.detachSeen });
  const holder = w.thread(1);
  holder.string(1, 'ft.py').string(2, 'f').string(3, 'the_lock');
  holder.site(0, 1, 1, 2, 10, 1).site(0, 2, 1, 2, 20, 1);
  holder.start(0, 100, true).gilAcquire(0, 1, true, ATTACH_GIL_INDEX).lockNew(0, 1, 1, 1, 3).lockAcquire(0, 1, 1);
  const waiter = w.thread(2);
  waiter.start(0, 101).gilAcquire(0, 2, true, ATTACH_GIL_INDEX);
  waiter.lockWait(ms(1), 1, 0, 2, 1, 1).gilRelease(ms(1), ATTACH_GIL_INDEX);
  holder.lockRelease(ms(3), 1);
  waiter.gilAcquire(ms(5), 2, true, ATTACH_GIL_INDEX).lockAcquire(ms(3), 1, 2, LockAcquireFlag.contended);
  waiter.lockRelease(ms(6), 1).end(ms(10));
  holder.end(ms(10));
  w.end(1, 0, ms(10));
  const p = analyzeRecording(writeRecording([w])).processes[0]!;
  const lock = p.locks.find((l) => l.id === 1)!;
  close(lock.waitSeconds, 0.002, 'the lock\'s wait');
  const t = p.threads.find((x) => x.slot === 2)!;
  close(t.states!.lockWaitSeconds, 0.002, 'the thread\'s lock wait');
  close(t.states!.detachedSeconds, 0.002, 'the thread detached while it had the lock, not yet running');
  // and its lines say the same: the detached time goes to the line of the attach that ended it
  const detached = p.threads.reduce((s, x) => s + (x.states?.detachedSeconds ?? 0), 0);
  close(p.lines.reduce((s, l) => s + l.detachedSeconds, 0), detached, 'the lines\' detached time');
  close(p.lines.find((l) => l.line === 20)!.detachedSeconds, 0.002, 'line 20, where the waiter attached again');
});
