import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeRecording } from '../../../src/core/analysis/recordingSession';
import type { ProcessResult, ThreadResult } from '../../../src/core/analysis/model';
import { ms, tempDir, writeRecording } from '../../support/recordingFixtures';
import { RecordingWriter } from '../../support/recordingWriter';

const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

function thread(p: ProcessResult, tid: number): ThreadResult {
  const t = p.threads.find((x) => x.tid === tid);
  assert.ok(t, `thread ${tid}`);
  return t;
}

/**
 * A contended acquire as the runtime writes it (ms), with a hand-over and
 * the holder switched out inside its critical section:
 *   A (tid 1): holds the GIL 0-4 (no wait), takes lock 1 at 1 (line 20); at 4 it
 *              is forced off: hand-over 4-4.5, waits 4.5-6, gets it back at
 *              line 25; forced off again 7-7.5, back at line 26; releases the
 *              lock at 8 and the GIL at 9; ends at 12.
 *   B (tid 2): waits for the GIL 2-4 (line 30), blocks on lock 1 at 5
 *              (GIL_RELEASE + LOCK_WAIT), obtains it at 8, waits for the GIL
 *              8-9 (the LOCK_ACQUIRE comes after the GIL_ACQUIRE, stamped 8),
 *              releases the lock at 10 and the GIL at 11; ends at 12.
 */
function runtimeShapedAcquire(file = 'locks.py'): RecordingWriter {
  const w = new RecordingWriter();
  const a = w.thread(1);
  a.string(1, file).string(2, 'f');
  for (const [site, line] of [[1, 10], [2, 20], [3, 30], [4, 25], [5, 5], [6, 26]] as const) a.site(0, site, 1, 2, line, 1);
  a.start(0, 1, true).gilAcquire(0, 1, true).lockNew(0, 1, 1, 5).lockAcquire(ms(1), 1, 2).gilRelease(ms(4));
  const b = w.thread(2);
  b.start(0, 2).gilWait(ms(2)).gilAcquire(ms(4), 3).gilRelease(ms(5)).lockWait(ms(5), 1, 0, 3);
  a.gilHandoff(ms(4.5)).gilWait(ms(4.5)).gilAcquire(ms(6), 4).gilRelease(ms(7)).gilWait(ms(7)).gilAcquire(ms(7.5), 6);
  a.lockRelease(ms(8), 1).gilRelease(ms(9)).end(ms(12));
  b.gilWait(ms(8)).gilAcquire(ms(9), 3).lockAcquire(ms(8), 1, 3, 1).lockRelease(ms(10), 1).gilRelease(ms(11)).end(ms(12));
  w.end(1, 0, ms(12));
  return w;
}

test('GIL_HANDOFF: the time from the release to the hand-over is waiting, then released', () => {
  const p = analyzeRecording(writeRecording([runtimeShapedAcquire()])).processes[0]!;
  const a = thread(p, 1);
  close(a.gil.heldSeconds, 0.0065, 'A held');
  close(a.gil.waitSeconds, 0.0025, 'A wait (hand-over included)');
  close(a.gil.releasedSeconds, 0.003, 'A released');
  close(p.lines.find((l) => l.line === 25)!.gilWaitSeconds, 0.002, 'the hand-over is named by the next acquire');
});

test('a GIL_HANDOFF that does not follow a release changes nothing', () => {
  const w = new RecordingWriter();
  w.thread(1).start(0, 1, true).gilWait(ms(1)).gilHandoff(ms(2)).gilAcquire(ms(3), 0).gilHandoff(ms(4)).end(ms(5));
  w.end(1, 0, ms(5));
  const th = thread(analyzeRecording(writeRecording([w])).processes[0]!, 1);
  close(th.gil.waitSeconds, 0.002, 'wait');
  close(th.gil.heldSeconds, 0.002, 'held');
  close(th.gil.releasedSeconds, 0.001, 'released');
});

test('contended acquire: the lock wait is the released time, the GIL wait after it is counted apart', () => {
  const a = analyzeRecording(writeRecording([runtimeShapedAcquire()]));
  const p = a.processes[0]!;
  const b = thread(p, 2);
  close(b.gil.heldSeconds, 0.003, 'B held');
  close(b.gil.waitSeconds, 0.003, 'B wait');
  close(b.gil.releasedSeconds, 0.006, 'B released');
  close(b.lockWaitSeconds, 0.003, 'B lock wait');
  const lock = p.locks.find((l) => l.id === 1)!;
  close(lock.waitSeconds, 0.003, 'lock wait');
  close(lock.gilWaitSeconds, 0.001, 'GIL wait after obtaining the lock');
  assert.equal(lock.contended, 1);
  assert.equal(lock.acquisitions, 2);
  close(lock.holdSeconds, 0.009, 'holds from the moment the lock was obtained: A 1-8, B 8-10');
  assert.deepEqual(lock.waiters.map((w) => [w.line, w.waitSeconds]), [[30, lock.waitSeconds]]);
  // The heatmap's four states are exclusive and add up to the lifetime.
  for (const width of [1, 7, 12, 100]) {
    const h = a.heatmap.query({ startSeconds: 0, endSeconds: 0.012, width });
    const row = h.threads.find((r) => r.label === b.name)!;
    const sum = (x: Float64Array): number => x.reduce((s, v) => s + v, 0);
    close(sum(row.cells.lockWait), 0.003, `lock wait w=${width}`);
    close(sum(row.cells.released), 0.003, `released without the lock wait w=${width}`);
    for (let i = 0; i < width; i++) {
      const total = row.cells.held[i]! + row.cells.wait[i]! + row.cells.lockWait[i]! + row.cells.released[i]!;
      close(total, h.cellSeconds, `cell ${i} of ${width}`);
    }
  }
});

test('holders: the lines the holder stood on while others waited, from its own GIL acquires', () => {
  const p = analyzeRecording(writeRecording([runtimeShapedAcquire()])).processes[0]!;
  const lock = p.locks.find((l) => l.id === 1)!;
  // B waited 5-8. A's hold 1-8 is cut by its acquires at 6 (line 25) and 7.5 (line 26):
  // 1-6 is line 25's, 6-8 line 26's.
  const by = new Map(lock.holders.map((h) => [h.line, h]));
  close(by.get(26)!.blockingSeconds, 0.002, 'line 26');
  close(by.get(25)!.blockingSeconds, 0.001, 'line 25');
  close(by.get(20)!.blockingSeconds, 0, 'the acquiring line');
  close(by.get(20)!.holdSeconds, 0.007, 'hold by acquiring line');
  assert.equal(lock.holders[0]!.line, 26);
});

test('a Lock released by another thread: its holder acquiring again starts a new hold', () => {
  const w = new RecordingWriter();
  const a = w.thread(1).start(0, 1, true);
  a.string(1, 'x.py').string(2, 'f').site(0, 1, 1, 2, 10, 1).lockNew(0, 1, 1, 1);
  a.lockAcquire(ms(1), 1, 1).lockAcquire(ms(3), 1, 1).lockRelease(ms(4), 1).end(ms(6));
  w.thread(2).start(0, 2).lockRelease(ms(2), 1).end(ms(6));
  w.end(1, 0, ms(6));
  const lock = analyzeRecording(writeRecording([w])).processes[0]!.locks.find((l) => l.id === 1)!;
  assert.equal(lock.acquisitions, 2);
  close(lock.holdSeconds, 0.002, 'holds 1-2 and 3-4');
  close(lock.hold.max, 0.001, 'longest hold');
});

test('a lock is named by the assignment on the line that created it', () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'pkg'));
  const source = ['import threading', 'shared_lock = threading.Lock()  # made here', '        self._mutex: threading.RLock = threading.RLock()', 'items = [threading.Lock() for _ in range(3)]', 'if x == Lock(): pass'];
  writeFileSync(join(dir, 'pkg', 'mod.py'), `${source.join('\n')}\n`);
  const names = (file: string, cwd?: string): (string | null)[] => {
    const w = new RecordingWriter();
    const t = w.thread(1).start(0, 1, true).string(1, file).string(2, 'f');
    for (let line = 2; line <= 5; line++) t.site(0, line, 1, 2, line, 1).lockNew(0, line, 1, line);
    t.end(ms(1));
    w.end(1, 0, ms(1));
    const p = analyzeRecording(writeRecording([w], cwd ? { cwd } : undefined)).processes[0]!;
    return [2, 3, 4, 5].map((id) => p.locks.find((l) => l.id === id)!.name);
  };
  assert.deepEqual(names(join(dir, 'pkg', 'mod.py')), ['shared_lock', 'self._mutex', null, null]);
  assert.deepEqual(names('pkg/mod.py', dir), ['shared_lock', 'self._mutex', null, null], 'relative to the session cwd');
  assert.deepEqual(names('<frozen importlib._bootstrap>'), [null, null, null, null]);
  assert.deepEqual(names(join(dir, 'gone.py')), [null, null, null, null]);
});
