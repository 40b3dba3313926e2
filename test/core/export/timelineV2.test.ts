import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTimeline } from '../../../src/core/export/timeline';
import { SpanKind } from '../../../src/core/export/spanList';
import { RecordingFlag } from '../../../src/core/format/layout';
import { sampledMachine } from '../../support/machineScenario';
import { ms, writeRecording } from '../../support/recordingFixtures';
import { RecordingWriter } from '../../support/recordingWriter';

/** The exports' timeline (Chrome trace, speedscope) of version 2 recordings. */

test('gilscope\'s own thread is not exported', () => {
  const t = buildTimeline(writeRecording([sampledMachine()]));
  assert.deepEqual(t.processes[0]!.threads.map((x) => x.tid).sort(), [500, 501]);
});

test('a GIL_QUIET keeps the hold one span named by its line, less the time released; a capped process ends at the cap', () => {
  const w = new RecordingWriter({ formatVersion: 2, recordingFlags: RecordingFlag.summarised });
  const t = w.thread(1);
  t.string(1, 'io.py').string(2, 'loop').site(0, 1, 1, 2, 10).site(0, 2, 1, 2, 11);
  t.start(0, 7, true).gilAcquire(ms(1), 1, true).gilQuiet(ms(5), 2, 40, ms(1), ms(3.5), ms(0.05)).gilRelease(ms(8));
  w.cap(ms(9));
  const thread = buildTimeline(writeRecording([w])).processes[0]!.threads[0]!;
  const held: [number, number, string][] = [];
  for (let i = 0; i < thread.spans.length; i++) {
    if (thread.spans.kind(i) !== SpanKind.held) continue;
    held.push([thread.time.seconds(thread.spans.start(i)), thread.time.seconds(thread.spans.end(i)), thread.describe(i).site.function + ':' + thread.describe(i).site.line]);
  }
  const r = (x: number): number => Math.round(x * 1e6) / 1e6;
  assert.deepEqual(held.map(([a, b, s]) => [r(a), r(b), s]), [[0.001, 0.004, 'loop:11'], [0.005, 0.008, 'loop:11']]);
  assert.equal(r(thread.endSeconds), 0.009);
});
