import { RecordingWriter } from './recordingWriter';
import type { WriterOptions } from './recordingWriter';
import { ms } from './recordingFixtures';

/**
 * Three threads with known answers (ms):
 *   main (slot 1):  start 0, acquires at 0 (site 3, no wait), releases at 2, ends at 20.
 *   T-1 (slot 2):   start 1, waits 1-2, holds 2-3 (site 1), released 3-9, waits 9-15,
 *                   holds 15-18 (site 2), released 18-19, ends 19.
 *   T-2 (slot 3):   start 1, released 1-3, holds 3-15 (site 2, no wait), released 15-16, ends 16.
 * The process exits with code 0 at 20.
 */
export function threeThreads(options: WriterOptions = {}): RecordingWriter {
  const w = new RecordingWriter(options);
  const main = w.thread(1);
  main.string(1, 'work.py').string(2, 'main').string(3, 'worker').string(4, 'T-1').string(5, 'T-2');
  main.site(0, 1, 1, 3, 10, 9).site(0, 2, 1, 3, 12, 9).site(0, 3, 1, 2, 5, 1);
  main.start(0, 100, true).gilAcquire(0, 3, true).gilRelease(ms(2));
  const t1 = w.thread(2);
  t1.start(ms(1), 101).name(ms(1), 4).gilWait(ms(1)).gilAcquire(ms(2), 1).gilRelease(ms(3));
  const t2 = w.thread(3);
  t2.start(ms(1), 102).name(ms(1), 5).gilAcquire(ms(3), 2, true);
  t1.gilWait(ms(9)).gilAcquire(ms(15), 2).gilRelease(ms(18)).end(ms(19));
  t2.gilRelease(ms(15)).end(ms(16));
  main.end(ms(20));
  w.end(1, 0, ms(20));
  return w;
}

/**
 * Lock 1 (Lock) contended by three threads and lock 2 (Condition) waited on (ms):
 *   A (slot 1): holds lock 1 1-5 (site 10) and 6-7 (site 10).
 *   B (slot 2): waits 2-5 (site 11, holder site 10), holds 5-9.
 *   C (slot 3): waits 3-9 (site 12, holder site 10), holds 9-10; Condition wait 11-15 (site 13).
 *   D (slot 4): waits 12-14 (site 14) and gives up.
 */
export function contendedLock(options: WriterOptions = {}): RecordingWriter {
  const w = new RecordingWriter(options);
  const a = w.thread(1);
  a.string(1, 'locks.py').string(2, 'f').string(3, 'the_lock');
  for (const site of [10, 11, 12, 13, 14]) a.site(0, site, 1, 2, site * 10, 1);
  a.start(0, 1, true).lockNew(0, 1, 1, 10, 3).lockNew(0, 2, 3, 13);
  const b = w.thread(2).start(0, 2);
  const c = w.thread(3).start(0, 3);
  const d = w.thread(4).start(0, 4);
  a.lockAcquire(ms(1), 1, 10);
  b.lockWait(ms(2), 1, 0, 11, 1, 10);
  c.lockWait(ms(3), 1, 0, 12, 1, 10);
  a.lockRelease(ms(5), 1);
  b.lockAcquire(ms(5), 1, 11, 1);
  a.lockAcquire(ms(6), 1, 10).lockRelease(ms(7), 1);
  b.lockRelease(ms(9), 1);
  c.lockAcquire(ms(9), 1, 12, 1).lockRelease(ms(10), 1);
  c.lockWait(ms(11), 2, 1, 13).lockWaitEnd(ms(15), 2);
  d.lockWait(ms(12), 1, 0, 14).lockAcquire(ms(14), 1, 14, 2);
  for (const t of [a, b, c, d]) t.end(ms(16));
  w.end(1, 0, ms(16));
  return w;
}

/** A process of `threads` threads taking turns at the GIL and at a lock, for `turns` turns each: hundreds of chunks. */
export function busyProcess(pid: number, threads: number, turns: number, formatVersion: number): RecordingWriter {
  const w = new RecordingWriter({ pid, formatVersion });
  const ts = Array.from({ length: threads }, (_, i) => w.thread(i + 1));
  ts[0]!.string(1, 'work.py').string(2, 'step').string(3, 'the_lock').site(0, 1, 1, 2, 7, 1).site(0, 2, 1, 2, 9, 1);
  ts[0]!.lockNew(0, 1, 1, 3, 3);
  ts.forEach((t, i) => t.start(i * 1000, pid * 100 + i, i === 0));
  let at = 1e6;
  for (let n = 0; n < turns; n++) {
    ts.forEach((t, i) => {
      t.gilWait(at - 20_000).gilAcquire(at, 1 + (n % 2));
      if ((n + i) % 5 === 0) t.lockWait(at + 1000, 1, 0, 2, 0, 1).lockAcquire(at + 9000, 1, 2, 1).lockRelease(at + 15_000, 1);
      t.gilRelease(at + 40_000);
      at += 50_000;
    });
  }
  ts.forEach((t) => t.end(at));
  w.end(1, 0, at);
  return w;
}
