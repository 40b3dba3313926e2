import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeRecording, RecordingSession } from '../../../src/core/analysis/recordingSession';
import { buildReport } from '../../../src/core/report/buildReport';
import { writeRecording } from '../../support/recordingFixtures';
import { busyProcess } from '../../support/scenarios';

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
          // It ends where the reading is, not at the process's written end: its figures are of the part read.
          assert.ok(part.wallSeconds < all.wallSeconds / 2, `five slices in, ${part.wallSeconds} s of ${all.wallSeconds} s`);
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
