import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeRecording } from '../../../src/core/analysis/recordingSession';
import { buildReport } from '../../../src/core/report/buildReport';
import { renderTerminalReport } from '../../../src/cli/support/terminalReport';
import { PLAIN } from '../../../src/cli/support/terminalStyle';
import { writeRecording } from '../../support/recordingFixtures';
import { RecordingWriter } from '../../support/recordingWriter';
import { sampledDegraded } from '../../support/unknownScenario';

const ms = (x: number): number => x * 1e6;
const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

test('a sampled thread whose state cannot be known is unknown, not released, and adds up to its life', () => {
  const a = analyzeRecording(sampledDegraded());
  const p = a.processes[0]!;
  const worker = p.threads.find((x) => x.name === 'worker')!;
  close(worker.gil.unknownSeconds ?? 0, 0.01, 'unknown');
  close(worker.gil.waitSeconds, 0.002, 'wait');
  close(worker.gil.heldSeconds, 0.002, 'held');
  close(worker.gil.releasedSeconds, 0.004, 'released');
  close(worker.gil.heldSeconds + worker.gil.waitSeconds + worker.gil.releasedSeconds + (worker.gil.unknownSeconds ?? 0), 0.018, 'life');
  const main = p.threads.find((x) => x.isMain)!;
  close(main.gil.unknownSeconds ?? 0, 0.001, 'main unknown');
  assert.ok(a.warnings.some((w) => /could not read this Python's GIL: 29% of its threads' time .* shown as unknown, not as released/.test(w)), a.warnings.join('\n'));

  const report = buildReport(a);
  const shares = report.processes[0]!.threads.find((x) => x.name === 'worker')!.gilShares;
  close(shares.unknown ?? 0, 10 / 18, 'unknown share');
  close(shares.held + shares.wait + shares.released + (shares.unknown ?? 0), 1, 'shares');
  const text = renderTerminalReport(report, PLAIN);
  assert.match(text, /thread\s+tid\s+held\s+wait\s+(CPU wait\s+)?lock wait\s+released\s+unknown/);
});

test('predictions count a sampled thread\'s unknown time as its work, and the evidence names it apart', () => {
  const report = buildReport(analyzeRecording(sampledDegraded()));
  // The worker's own time is 16 ms of its 18 (unknown 10, held 2, released 4; 2 waiting for the GIL) in a
  // 20 ms run: no remedy can make the run more than 20 / (20 - 2) = 1.11× faster. Left out, the unknown
  // time made free-threading look 2.25× faster.
  for (const s of report.suggestions) {
    assert.ok(s.predictedSpeedup <= 20 / 18 + 1e-6, `${s.kind}: ${s.predictedSpeedup}×: ${s.model}`);
    if (s.evidence['gilHeldSeconds'] !== undefined) {
      close(s.evidence['gilHeldSeconds'], 0.002, `${s.kind} GIL held`);
      close(s.evidence['unknownTakenAsHeldSeconds'] ?? 0, 0.01, `${s.kind} unknown`);
    }
  }
  assert.ok(report.suggestions.some((s) => s.kind === 'freeThreaded'), report.suggestions.map((s) => s.kind).join());
});

test('the timeline heatmap draws a sampled thread\'s unknown time as a state of its own, never as released', () => {
  const a = analyzeRecording(sampledDegraded());
  // 1 ms cells over the recording's 20 ms
  const answer = a.heatmap.query({ startSeconds: 0, endSeconds: 0.02, width: 20 });
  const worker = answer.threads.find((r) => r.label === 'worker')!;
  const sum = (xs: Float64Array): number => xs.reduce((x, y) => x + y, 0);
  const near = (actual: number, expected: number, what: string): void =>
    assert.ok(Math.abs(actual - expected) < 1e-6, `${what}: ${actual} ≠ ${expected}`);
  // worker: unknown 0-6 and 10-14 ms, waits 6-8, holds 8-10, released 14-18 (test/support/unknownScenario.ts)
  near(sum(worker.cells.unknown), 0.01, 'unknown');
  near(sum(worker.cells.released), 0.004, 'released');
  near(sum(worker.cells.held), 0.002, 'held');
  near(sum(worker.cells.wait), 0.002, 'wait');
  for (const c of [2, 3, 11, 12]) {
    near(worker.cells.unknown[c]!, 0.001, `unknown in cell ${c}`);
    near(worker.cells.released[c]!, 0, `released in cell ${c}`);
  }
  near(worker.cells.released[16]!, 0.001, 'released in cell 16');
  near(worker.cells.unknown[16]!, 0, 'unknown in cell 16');
});

test('an exact recording has no unknown time and no unknown column', () => {
  const w = new RecordingWriter();
  const main = w.thread(1);
  main.string(1, 'work.py').string(2, 'main');
  main.site(0, 1, 1, 2, 5, 1);
  main.start(0, 100, true).gilAcquire(0, 1, true).gilRelease(ms(2)).end(ms(4));
  w.end(1, 0, ms(4));
  const a = analyzeRecording(writeRecording([w]));
  assert.equal(a.processes[0]!.threads[0]!.gil.unknownSeconds, undefined);
  const report = buildReport(a);
  assert.equal(report.processes[0]!.threads[0]!.gilShares.unknown, undefined);
  assert.doesNotMatch(renderTerminalReport(report, PLAIN), /unknown/);
  const answer = a.heatmap.query({ startSeconds: 0, endSeconds: 0.004, width: 4 });
  assert.deepEqual([...answer.threads[0]!.cells.unknown], [0, 0, 0, 0]);
});
