import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeRecording, RecordingSession } from '../../../src/core/analysis/recordingSession';
import { buildReport } from '../../../src/core/report/buildReport';
import { writeRecording } from '../../support/recordingFixtures';
import { RecordingWriter } from '../../support/recordingWriter';

/** A process of `threads` threads taking turns at the GIL and at a lock, for `turns` turns each: hundreds of chunks. */
function busyProcess(pid: number, threads: number, turns: number, formatVersion: number): RecordingWriter {
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

test('a recording read in slices of a few chunks gives the same report as read at once, and its progress reaches its size', () => {
  for (const formatVersion of [2, 3]) {
    const dir = writeRecording([busyProcess(101, 4, 3000, formatVersion), busyProcess(102, 3, 2000, formatVersion)]);
    const all = analyzeRecording(dir);
    const whole = buildReport(all);
    const s = new RecordingSession(dir);
    try {
      let polls = 0;
      let last = -1;
      do {
        s.poll(7);
        polls++;
        const { readBytes, totalBytes } = s.progress();
        assert.ok(readBytes >= last && readBytes <= totalBytes, `version ${formatVersion}, poll ${polls}: read ${readBytes} of ${totalBytes}, after ${last}`);
        last = readBytes;
        // A partial result is an analysis too, of what was read so far.
        if (polls === 5) {
          const part = s.result();
          assert.ok(part.records > 0 && part.records < all.records / 4, `five slices in, ${part.records} of ${all.records} records`);
          buildReport(part);
        }
      } while (!s.caughtUp);
      const { readBytes, totalBytes } = s.progress();
      assert.equal(readBytes, totalBytes, 'every byte read at the end');
      assert.ok(polls > 20, `read in many slices (${polls})`);
      assert.deepEqual(buildReport(s.result()), whole);
    } finally {
      s.close();
    }
  }
});
