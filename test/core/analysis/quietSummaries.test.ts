import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProcessResult } from '../../../src/core/analysis/model';
import { analyzeRecording } from '../../../src/core/analysis/recordingSession';
import type { AnalysisOptions } from '../../../src/core/analysis/processAnalyzer';
import { RecordingFlag } from '../../../src/core/format/layout';
import { FoldingThread } from '../../support/foldingThread';
import type { FoldMode } from '../../support/foldingThread';
import { writeRecording } from '../../support/recordingFixtures';
import { RecordingWriter } from '../../support/recordingWriter';

/**
 * GIL_QUIET and LOCK_QUIET (runtime/FORMAT.md) stand for what carried no
 * contention: the analysis of a summarised file must give the totals, the
 * per-line and the per-lock figures of the same run's full log.
 *
 * The run (µs): thread A (main) loops `with lock: os.read()` uncontended,
 * 5 times a round (lock 5 taken at line 20, the GIL let go inside and taken
 * back at line 21 without waiting), then lets the GIL go to B, which was
 * waiting for it, and waits for it in turn; B holds it 200 µs, taking lock
 * 6 uncontended, then lets it go. A's last release (at its end) is never
 * folded: the summary pending is written after it, before A waits for the
 * GIL and takes it at line 22.
 */

const ROUNDS = 40;
const us = (x: number): number => x * 1000;

function run(mode: FoldMode, o: { windowNs?: number; ticks?: boolean } = {}): RecordingWriter {
  const flags = mode === 'full' ? 0 : RecordingFlag.summarised | (mode === 'both' ? RecordingFlag.fullLogKept : 0);
  const clock = o.ticks ? { clockKind: 1, ticksPerNs: 3, startTicks: 2n ** 50n } : {};
  const w = new RecordingWriter({ formatVersion: 2, recordingFlags: flags, foldWindowNs: us(100), summaryWindowNs: o.windowNs ?? 0, ...clock });
  const main = w.thread(1);
  main.string(1, 'io.py').string(2, 'loop').string(3, 'worker');
  for (const [id, line] of [[20, 20], [21, 21], [22, 22], [30, 30], [31, 31], [32, 32]] as const) main.site(0, id, 1, id < 30 ? 2 : 3, line, 19);
  main.lockNew(0, 5, 1, 20).lockNew(0, 6, 1, 30);
  const a = new FoldingThread(main, mode, o.windowNs ?? Infinity);
  const b = new FoldingThread(w.thread(2), mode, o.windowNs ?? Infinity);
  a.firm((t) => t.start(0, 100, true).gilAcquire(us(1), 22, true));
  b.firm((t) => t.start(us(2), 101).gilWait(us(3)));
  for (let k = 0; k < ROUNDS; k++) {
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
  const endA = us(10 + ROUNDS * 1000);
  a.acquire(endA, 5, 20).release(endA + us(10)).retake(endA + us(30), 21).releaseLock(endA + us(40), 5);
  // Never taken back without waiting: the release stays, with the summary written after it, and the
  // hold after the summary's last re-take goes with the next acquire's line (22), not the summary's (21).
  a.release(endA + us(50), false);
  a.firm((t) => t.gilWait(endA + us(52)).gilAcquire(endA + us(55), 22).end(endA + us(60)));
  b.firm((t) => t.gilAcquire(endA + us(60), 32).gilRelease(endA + us(70)).end(endA + us(80)));
  w.end(1, 0, endA + us(90));
  return w;
}

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

for (const [label, o] of [['monotonic ns', {}], ['TSC ticks', { ticks: true }], ['a summary window of 250 µs', { windowNs: us(250) }]] as const) {
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
  const both = run('both');
  const used = analyse(both, { summaries: 'use' });
  const ignored = analyse(both, { summaries: 'ignore' });
  sameFigures(used, analyse(run('summarised')), 'use');
  sameFigures(ignored, analyse(run('full')), 'ignore');
  assert.ok(ignored.records > 2 * used.records, `the records of the view analysed: ${ignored.records} against ${used.records}`);
  sameFigures(analyse(both), used, 'default');
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
