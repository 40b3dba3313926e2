import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeRecording } from '../../../src/core/analysis/recordingSession';
import { buildReport } from '../../../src/core/report/buildReport';
import { ms, writeRecording } from '../../support/recordingFixtures';
import { RecordingWriter } from '../../support/recordingWriter';

/** The recording flags of version 2: a process stopped at the size cap, and an attached recording. */

const close = (actual: number | null, expected: number, what: string): void =>
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

/** main holds 0-10 ms then sleeps; a worker starts at 5, waits 10-20 and holds from 20 on, past the cap at 30. */
function capped(): RecordingWriter {
  const w = new RecordingWriter({ formatVersion: 2, capBytes: 100e6, pid: 2_147_483_000 }); // a pid no process has: not 'still running'
  w.thread(1).start(0, 1, true).gilAcquire(0, 0, true).gilRelease(ms(10));
  w.thread(2).start(ms(5), 2).gilWait(ms(10)).gilAcquire(ms(20), 0);
  w.cap(ms(30));
  return w;
}

test('a capped process ends every thread at the cap, and the report says where and why recording stopped', () => {
  const a = analyzeRecording(writeRecording([capped()]));
  const p = a.processes[0]!;
  close(p.cappedAtSeconds, 0.03, 'capped at');
  close(p.endSeconds, 0.03, 'the process ends at the cap');
  const worker = p.threads.find((t) => t.tid === 2)!;
  close(worker.endSeconds, 0.03, 'the worker ends at the cap');
  close(worker.gil.heldSeconds, 0.01, 'the worker holds from 20 ms to the cap');
  close(worker.gil.waitSeconds, 0.01, 'the worker waited 10-20 ms');
  const main = p.threads.find((t) => t.isMain)!;
  close(main.endSeconds, 0.03, 'main ends at the cap');
  close(main.gil.releasedSeconds, 0.02, 'main released from 10 ms to the cap');
  assert.deepEqual(a.warnings, ['recording stopped at the size cap (100 MB) at 0.03 s in process 2147483000; what came after is not recorded']);
  assert.equal(buildReport(a, 'gilscope', 2).processes[0]!.cappedAtSeconds, p.cappedAtSeconds);
});

test('a capped process that then exited keeps its exit code, and still ends at the cap', () => {
  const w = capped().end(1, 3, ms(90));
  const p = analyzeRecording(writeRecording([w])).processes[0]!;
  assert.equal(p.exitCode, 3);
  close(p.endSeconds, 0.03, 'end');
});

test('an attached recording says when it began, and warns of nothing for it', () => {
  const w = new RecordingWriter({ formatVersion: 2, attachNs: 0, host: 'db-2', bootId: 'b00t' });
  w.thread(1).start(0, 1, true).gilAcquire(0, 0, true).gilRelease(ms(10)).end(ms(20));
  w.end(1, 0, ms(20));
  const a = analyzeRecording(writeRecording([w]));
  const report = buildReport(a, 'gilscope', 2);
  assert.equal(report.attached, true);
  close(report.processes[0]!.attachedAtSeconds, 0, 'attached at');
  assert.deepEqual(report.warnings, []);
  assert.equal(report.processes[0]!.host, 'db-2');
  assert.equal(report.processes[0]!.bootId, 'b00t');
});

test('version 1: not attached, not capped, no host', () => {
  const w = new RecordingWriter();
  w.thread(1).start(0, 1, true).end(ms(1));
  w.end(1, 0, ms(1));
  const report = buildReport(analyzeRecording(writeRecording([w])), 'gilscope', 2);
  assert.equal(report.attached, false);
  const p = report.processes[0]!;
  assert.equal(p.attachedAtSeconds, null);
  assert.equal(p.cappedAtSeconds, null);
  assert.equal(p.host, null);
  assert.equal(p.bootId, null);
});
