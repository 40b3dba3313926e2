import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProcessResult } from '../../../src/core/analysis/model';
import { analyzeRecording } from '../../../src/core/analysis/recordingSession';
import type { AnalysisOptions } from '../../../src/core/analysis/processAnalyzer';
import { QUIET_ROUNDS, quietRun } from '../../support/quietScenario';
import { writeRecording } from '../../support/recordingFixtures';
import type { RecordingWriter } from '../../support/recordingWriter';

/**
 * GIL_QUIET and LOCK_QUIET (runtime/FORMAT.md) stand for what carried no
 * contention: the analysis of a summarised file must give the totals, the
 * per-line and the per-lock figures of the same run's full log
 * (test/support/quietScenario.ts).
 */

const ROUNDS = QUIET_ROUNDS;
const us = (x: number): number => x * 1000;
const run = quietRun;

function analyse(w: RecordingWriter, options: AnalysisOptions = {}): ProcessResult {
  return analyzeRecording(writeRecording([w]), options).processes[0]!;
}

function near(actual: number, expected: number, what: string, rel = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= rel * Math.max(1e-9, Math.abs(expected)), `${what}: ${actual} ≠ ${expected}`);
}

/** Every total, per-thread, per-line, per-GIL and per-lock figure of `got` is `want`'s; hold percentiles within √2.5. */
function sameFigures(got: ProcessResult, want: ProcessResult, label: string): void {
  assert.equal(got.threads.length, want.threads.length);
  for (const [i, t] of want.threads.entries()) {
    const g = got.threads[i]!;
    const what = `${label} ${t.name}`;
    near(g.gil.heldSeconds, t.gil.heldSeconds, `${what} held`);
    near(g.gil.waitSeconds, t.gil.waitSeconds, `${what} wait`);
    near(g.gil.releasedSeconds, t.gil.releasedSeconds, `${what} released`);
    near(g.endSeconds - g.startSeconds, t.endSeconds - t.startSeconds, `${what} life`);
    assert.equal(g.acquisitions, t.acquisitions, `${what} acquisitions`);
    assert.equal(g.convoy.count, t.convoy.count, `${what} convoys`);
    near(g.lockWaitSeconds, t.lockWaitSeconds, `${what} lock wait`);
  }
  const key = (l: { file: string; line: number; function: string }): string => `${l.file}:${l.line}:${l.function}`;
  const lines = new Map(got.lines.map((l) => [key(l), l]));
  assert.equal(got.lines.length, want.lines.length, `${label} lines`);
  for (const l of want.lines) {
    const g = lines.get(key(l));
    assert.ok(g, `${label} line ${key(l)}`);
    for (const k of ['gilHeldSeconds', 'gilWaitSeconds', 'releasedSeconds', 'lockWaitSeconds', 'acquisitions'] as const) near(g[k], l[k], `${label} ${key(l)} ${k}`);
  }
  for (const [i, g] of want.gils.entries()) {
    near(got.gils[i]!.heldSeconds, g.heldSeconds, `${label} GIL held`);
    near(got.gils[i]!.waitSeconds, g.waitSeconds, `${label} GIL wait`);
    assert.equal(got.gils[i]!.acquisitions, g.acquisitions, `${label} GIL acquisitions`);
  }
  for (const l of want.locks) {
    const g = got.locks.find((x) => x.id === l.id)!;
    assert.equal(g.acquisitions, l.acquisitions, `${label} lock ${l.id} acquisitions`);
    near(g.holdSeconds, l.holdSeconds, `${label} lock ${l.id} hold`);
    near(g.hold.max, l.hold.max, `${label} lock ${l.id} longest hold`);
    for (const p of ['p50', 'p90', 'p99'] as const) {
      assert.ok(g.hold[p] <= l.hold[p] * Math.sqrt(2.5) * 1.0001 && g.hold[p] >= l.hold[p] / Math.sqrt(2.5) / 1.0001, `${label} lock ${l.id} hold ${p}: ${g.hold[p]} vs ${l.hold[p]}`);
    }
    assert.deepEqual(g.holders.map((h) => [h.line, h.holdSeconds.toFixed(12)]), l.holders.map((h) => [h.line, h.holdSeconds.toFixed(12)]), `${label} lock ${l.id} holders`);
  }
}

for (const [label, o] of [
  ['monotonic ns', {}],
  ['TSC ticks', { ticks: true }],
  ['a summary window of 250 µs', { windowNs: us(250) }],
  ['the format\'s first draft: summaries stamped at their span\'s end', { layout: 'draft' }],
  ['the first draft, TSC ticks, a window', { layout: 'draft', ticks: true, windowNs: us(250) }],
  ['format version 3 (8-byte units)', { formatVersion: 3 }],
  ['format version 3, TSC ticks, a window', { formatVersion: 3, ticks: true, windowNs: us(250) }],
] as const) {
  test(`a summarised file gives the full log's totals, lines and locks (${label})`, () => {
    const full = analyse(run('full', o));
    const summarised = run('summarised', o);
    const p = analyse(summarised);
    sameFigures(p, full, label);
    assert.ok(p.records < full.records / 2, `the summaries stand for most records: ${p.records} against ${full.records}`);
    // The work really was summarised: A's 5 × 40 + 1 quiet re-takes are counted at line 21.
    assert.equal(p.lines.find((l) => l.line === 21)!.acquisitions, 3 * ROUNDS + 1);
    assert.equal(p.locks.find((l) => l.id === 5)!.acquisitions, 5 * ROUNDS + 1);
  });
}

test('with the full log kept, `summaries: use` reads the summaries and `ignore` the full log, each as its own file would', () => {
  for (const formatVersion of [2, 3]) {
    const both = run('both', { formatVersion });
    const used = analyse(both, { summaries: 'use' });
    const ignored = analyse(both, { summaries: 'ignore' });
    sameFigures(used, analyse(run('summarised', { formatVersion })), `use (version ${formatVersion})`);
    sameFigures(ignored, analyse(run('full', { formatVersion })), `ignore (version ${formatVersion})`);
    assert.ok(ignored.records > 2 * used.records, `the records of the view analysed: ${ignored.records} against ${used.records}`);
    sameFigures(analyse(both), used, `default (version ${formatVersion})`);
  }
});

test('the heatmap keeps the totals exact, the summaries\' released time spread over their spans', () => {
  for (const mode of ['full', 'summarised'] as const) {
    const w = run(mode);
    const a = analyzeRecording(writeRecording([w]));
    const p = a.processes[0]!;
    // Past the end by a bin or more: a query's cells interpolate within a bin, so only whole bins give whole totals.
    const q = a.heatmap.query({ startSeconds: 0, endSeconds: a.wallSeconds + 0.01, width: 37 });
    const main = q.threads.find((r) => r.label === 'MainThread')!;
    const sum = (x: Float64Array): number => x.reduce((s, v) => s + v, 0);
    near(sum(main.cells.held), p.threads[0]!.gil.heldSeconds, `${mode} held cells`, 1e-6);
    near(sum(main.cells.released), p.threads[0]!.gil.releasedSeconds, `${mode} released cells`, 1e-6);
    assert.ok([...main.cells.held].every((v) => v >= -1e-12), `${mode}: no cell holds less than nothing`);
  }
});
