import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BinGrid, PAGE } from '../../../src/core/analysis/binGrid';
import { freezeSeries } from '../../../src/core/analysis/prefixSeries';
import { analyzeRecording } from '../../../src/core/analysis/recordingSession';
import { writeRecording } from '../../support/recordingFixtures';
import { RecordingWriter } from '../../support/recordingWriter';

/** A small deterministic generator, so a failure reads the same every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const close = (a: number, b: number, what: string): void =>
  assert.ok(Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(a), Math.abs(b)), `${what}: ${a} ≠ ${b}`);

describe('the heatmap bins (BinGrid)', () => {
  it('a coarsening merges each run of neighbouring bins into their sum, in place', () => {
    const grid = new BinGrid(1, 1 << 14);
    const rows = [grid.newSeries(), grid.newSeries(), grid.newSeries()];
    const next = random(7);
    for (const s of rows) {
      for (let k = 0; k < 400; k++) {
        const t0 = Math.floor(next() * 15_000);
        s.add(t0, t0 + next() * 300);
      }
    }
    // A gap of whole pages in one row: they stay absent.
    rows[0]!.add(3 * PAGE * 4 + 5, 3 * PAGE * 4 + 9);
    const before = rows.map((s) => Array.from({ length: 1 << 14 }, (_, b) => s.at(b)));
    const pages = grid.pages.inUse;
    grid.fit(1 << 15); // a time 2^15 bins out: the width goes up 4 times
    assert.equal(grid.width, 4);
    rows.forEach((s, r) => {
      for (let b = 0; b < 1 << 12; b++) {
        const merged = before[r]!.slice(4 * b, 4 * b + 4).reduce((x, y) => x + y, 0);
        close(s.at(b), merged, `row ${r} bin ${b}`);
      }
      close(before[r]!.reduce((x, y) => x + y, 0), Array.from({ length: 1 << 12 }, (_, b) => s.at(b)).reduce((x, y) => x + y, 0), `row ${r} total`);
    });
    assert.ok(grid.pages.inUse <= Math.ceil(pages / 4) + rows.length, `${grid.pages.inUse} pages in use after merging ${pages} by four`);
  });

  it('keepWithin widens the bins until their pages fit, and the pages it frees are used again', () => {
    const grid = new BinGrid(1, 1 << 16);
    const rows = Array.from({ length: 10 }, () => grid.newSeries());
    for (const s of rows) s.add(0, (1 << 16) - 1); // every bin of every row: 64 pages each
    assert.equal(grid.pages.inUse, 640);
    const made = grid.pages.made;
    grid.keepWithin(100);
    assert.equal(grid.width, 8, '640 pages → 320 → 160 → 80');
    assert.equal(grid.pages.inUse, 80);
    for (const s of rows) close(Array.from({ length: 1 << 13 }, (_, b) => s.at(b)).reduce((x, y) => x + y, 0), (1 << 16) - 1, 'a row keeps its total');
    // Later time fills the pages given back before any new one is made.
    for (const s of rows) s.add(1 << 16, (1 << 19) - 8);
    assert.equal(grid.pages.inUse, 640);
    assert.equal(grid.pages.made, made, 'no page made while freed ones were there');
    // A budget below one page a row stops at one page a row.
    grid.keepWithin(1);
    assert.equal(grid.pages.inUse, rows.length);
  });

  it('a live row frozen again copies only the pages written since; what an earlier freeze saw stays as it was', () => {
    const grid = new BinGrid(1, 1 << 16);
    const row = grid.newSeries();
    row.add(0, 5 * PAGE); // pages 0-4
    const first = freezeSeries(row, 1);
    const firstPages = row.frozenPages(5 * PAGE - 1);
    row.add(5 * PAGE - 10, 5 * PAGE - 4); // page 4 again, by the fast path after a freeze
    row.add(7 * PAGE, 7 * PAGE + 3); // page 7
    const second = row.frozenPages(8 * PAGE);
    for (const p of [0, 1, 2, 3]) assert.equal(second[p], firstPages[p], `page ${p}, unchanged, is shared`);
    assert.notEqual(second[4], firstPages[4], 'page 4 was written: copied again');
    assert.equal(second[4]![PAGE - 10], 2);
    assert.equal(firstPages[4]![PAGE - 10], 1, 'the earlier copy is as it was');
    assert.deepEqual([...second[7]!.subarray(0, 4)], [1, 1, 1, 0]);
    assert.equal(first.total, 5 * PAGE, 'the earlier frozen row is as it was');
    const again = freezeSeries(row, 1);
    assert.equal(again.total, 5 * PAGE + 6 + 3);
  });

  it('a recording whose bins pass their budget: the heatmap still sums to each thread\'s totals', () => {
    // 40 threads taking turns at the GIL for 60 s: 120 rows of 59 pages at the 1 ms base bins,
    // 28 MiB, past the budget of so few records (8 MiB).
    const w = new RecordingWriter();
    const threads = Array.from({ length: 40 }, (_, i) => w.thread(i + 1));
    threads[0]!.string(1, 'work.py').string(2, 'turns').site(0, 1, 1, 2, 3, 1);
    threads.forEach((t, i) => t.start(i * 1000, 200 + i, i === 0));
    const turn = 250_000; // ns
    let at = 1e6;
    for (let round = 0; at < 60e9; round++) {
      for (const t of threads) {
        t.gilWait(at - turn).gilAcquire(at, 1).gilRelease(at + turn - 1000);
        at += turn * 6;
      }
    }
    threads.forEach((t) => t.end(at));
    w.end(1, 0, at);
    const a = analyzeRecording(writeRecording([w]));
    const p = a.processes[0]!;
    const h = a.heatmap.query({ startSeconds: 0, endSeconds: a.wallSeconds, width: 997 });
    assert.equal(h.threads.length, 40);
    for (const row of h.threads) {
      const t = p.threads.find((x) => `${p.pid}/${x.slot}` === row.key)!;
      close(row.cells.held.reduce((x, y) => x + y, 0), t.gil.heldSeconds, `${t.name} held`);
      close(row.cells.wait.reduce((x, y) => x + y, 0), t.gil.waitSeconds, `${t.name} waited`);
    }
  });
});
