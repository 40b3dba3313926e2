import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeRecording } from '../../../src/core/analysis/recordingSession';
import { writeRecording } from '../../support/recordingFixtures';
import { contendedLock, threeThreads } from '../../support/scenarios';

const sum = (a: Float64Array): number => a.reduce((s, x) => s + x, 0);
const near = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} ≠ ${b}`);

test('heatmap cells sum to the thread totals at every zoom and width', () => {
  const a = analyzeRecording(writeRecording([threeThreads()]));
  const p = a.processes[0]!;
  for (const width of [1, 3, 7, 20, 333, 2000]) {
    for (const [from, to] of [[0, 0.02], [-0.01, 0.05], [-1, 1]] as const) {
      const h = a.heatmap.query({ startSeconds: from, endSeconds: to, width });
      assert.equal(h.threads.length, 3);
      for (const row of h.threads) {
        const t = p.threads.find((x) => `${p.pid}/${x.slot}` === row.key)!;
        near(sum(row.cells.held), t.gil.heldSeconds, `${t.name} held w=${width}`);
        near(sum(row.cells.wait), t.gil.waitSeconds, `${t.name} wait w=${width}`);
        near(sum(row.cells.released), t.gil.releasedSeconds, `${t.name} released w=${width}`);
      }
    }
  }
});

test('heatmap: a window sees only its share, and cells never hold more than their width per thread', () => {
  const a = analyzeRecording(writeRecording([threeThreads()]));
  const h = a.heatmap.query({ startSeconds: 0.003, endSeconds: 0.015, width: 12 });
  const t2 = h.threads.find((r) => r.label === 'T-2')!;
  near(sum(t2.cells.held), 0.012, 'T-2 held within 3-15 ms');
  for (const row of h.threads) {
    for (let i = 0; i < 12; i++) {
      assert.ok(row.cells.held[i]! + row.cells.wait[i]! <= h.cellSeconds + 1e-12);
    }
  }
});

test('lock rows: wait and hold per bin sum to the lock totals', () => {
  const a = analyzeRecording(writeRecording([contendedLock()]));
  const lock = a.processes[0]!.locks.find((l) => l.id === 1)!;
  for (const width of [1, 16, 500]) {
    const row = a.heatmap.query({ startSeconds: 0, endSeconds: 0.016, width }).locks.find((r) => r.key.endsWith('/lock/1'))!;
    near(sum(row.cells.wait), lock.waitSeconds, `wait w=${width}`);
    near(sum(row.cells.hold), lock.holdSeconds, `hold w=${width}`);
  }
});
