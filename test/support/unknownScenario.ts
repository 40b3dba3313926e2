import { GilFlag } from '../../src/core/format/layout';
import { writeRecording } from './recordingFixtures';
import { RecordingWriter } from './recordingWriter';

const ms = (x: number): number => x * 1e6;

/**
 * A sampled recording of an interpreter whose GIL the sampler cannot read (runtime/FORMAT.md,
 * GIL_RELEASE bit 9): a thread that ran without being seen to hold or wait is in a state nobody
 * can know. Its time is its own figure, never released, and every output says so.
 *   worker (slot 2): unknown 0-6, waits 6-8, holds 8-10, unknown 10-14, released (asleep) 14-18, ends at 18.
 */
export function sampledDegraded(): string {
  const w = new RecordingWriter({ gilMode: 3 });
  const main = w.thread(1);
  main.string(1, 'work.py').string(2, 'main').string(3, 'worker');
  main.site(0, 1, 1, 2, 5, 1);
  main.start(0, 100, true).gilRelease(ms(0), 0, GilFlag.toUnknown).gilRelease(ms(1)).end(ms(20));
  const t = w.thread(2);
  t.start(0, 101).name(0, 3).gilRelease(0, 0, GilFlag.toUnknown);
  t.gilWait(ms(6)).gilAcquire(ms(8), 1).gilRelease(ms(10), 0, GilFlag.toUnknown).gilRelease(ms(14)).end(ms(18));
  w.end(1, 0, ms(20));
  return writeRecording([w]);
}

