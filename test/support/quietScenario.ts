import { RecordingFlag } from '../../src/core/format/layout';
import { FoldingThread } from './foldingThread';
import type { FoldMode, SummaryLayout } from './foldingThread';
import { RecordingWriter } from './recordingWriter';

/**
 * A run for the summaries (runtime/FORMAT.md, GIL_QUIET and LOCK_QUIET),
 * written as the full log, summarised, or both (test/support/foldingThread.ts).
 *
 * The run (µs): thread A (main) loops `with lock: os.read()` uncontended,
 * 5 times a round (lock 5 taken at line 20, the GIL let go inside and taken
 * back at line 21 without waiting), then lets the GIL go to B, which was
 * waiting for it, and waits for it in turn; B holds it 200 µs, taking lock
 * 6 uncontended, then lets it go. A's last release (at its end) is never
 * folded: the summary pending is written after it, before A waits for the
 * GIL and takes it at line 22.
 */
export const QUIET_ROUNDS = 40;
const us = (x: number): number => x * 1000;

export function quietRun(mode: FoldMode, o: { windowNs?: number; ticks?: boolean; layout?: SummaryLayout; formatVersion?: number } = {}): RecordingWriter {
  const flags = mode === 'full' ? 0 : RecordingFlag.summarised | (mode === 'both' ? RecordingFlag.fullLogKept : 0);
  const clock = o.ticks ? { clockKind: 1, ticksPerNs: 3, startTicks: 2n ** 50n } : {};
  const w = new RecordingWriter({ formatVersion: o.formatVersion ?? 2, recordingFlags: flags, foldWindowNs: us(100), summaryWindowNs: o.windowNs ?? 0, ...clock });
  const main = w.thread(1);
  main.string(1, 'io.py').string(2, 'loop').string(3, 'worker');
  for (const [id, line] of [[20, 20], [21, 21], [22, 22], [30, 30], [31, 31], [32, 32]] as const) main.site(0, id, 1, id < 30 ? 2 : 3, line, 19);
  main.lockNew(0, 5, 1, 20).lockNew(0, 6, 1, 30);
  const a = new FoldingThread(main, mode, o.windowNs ?? Infinity, o.layout);
  const b = new FoldingThread(w.thread(2), mode, o.windowNs ?? Infinity, o.layout);
  a.firm((t) => t.start(0, 100, true).gilAcquire(us(1), 22, true));
  b.firm((t) => t.start(us(2), 101).gilWait(us(3)));
  for (let k = 0; k < QUIET_ROUNDS; k++) {
    const r = us(10 + k * 1000);
    for (let i = 0; i < 5; i++) {
      const t0 = r + us(i * 100);
      // Holds of varied length, so the histogram has more than one bucket: I/O inside the lock (40-52 µs), or not (0.1-20 µs).
      if (i % 2 === 0) a.acquire(t0, 5, 20).release(t0 + us(10)).retake(t0 + us(30 + (i % 3) * 7), 21).releaseLock(t0 + us(40 + i * 3), 5);
      else a.acquire(t0, 5, 20).releaseLock(t0 + 100 + ((k * 7919 + i * 104729) % 20000), 5);
    }
    a.firm((t) => t.gilRelease(r + us(600)).gilWait(r + us(610)));
    b.firm((t) => t.gilAcquire(r + us(600), 30));
    b.acquire(r + us(650), 6, 31).releaseLock(r + us(700 + (k % 4) * 10), 6);
    b.firm((t) => t.gilRelease(r + us(800)).gilWait(r + us(805)));
    a.firm((t) => t.gilAcquire(r + us(800), 22));
  }
  const endA = us(10 + QUIET_ROUNDS * 1000);
  a.acquire(endA, 5, 20).release(endA + us(10)).retake(endA + us(30), 21).releaseLock(endA + us(40), 5);
  // Never taken back without waiting: the release stays, with the summary written after it, and the
  // hold after the summary's last re-take goes with the next acquire's line (22), not the summary's (21).
  a.release(endA + us(50), false);
  a.firm((t) => t.gilWait(endA + us(52)).gilAcquire(endA + us(55), 22).end(endA + us(60)));
  b.firm((t) => t.gilAcquire(endA + us(60), 32).gilRelease(endA + us(70)).end(endA + us(80)));
  w.end(1, 0, endA + us(90));
  return w;
}

