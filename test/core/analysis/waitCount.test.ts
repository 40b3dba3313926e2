import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WaitCount } from '../../../src/core/analysis/snapshotHolders';

/** A small deterministic generator, so a failure repeats. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('WaitCount: the integral of overlapping waits, for queries in any order', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const rnd = random(seed);
    const waits = Array.from({ length: 1 + Math.floor(rnd() * 200) }, () => {
      const a = Math.floor(rnd() * 1000);
      return [a, a + Math.floor(rnd() * 100)] as const;
    });
    const count = new WaitCount(Float64Array.from(waits, (w) => w[0]).sort(), Float64Array.from(waits, (w) => w[1]).sort());
    const brute = (x: number): number => waits.reduce((s, [a, b]) => s + Math.max(0, Math.min(b, x) - a), 0);
    // Mostly increasing queries with jumps back, as holds arrive chunk by chunk.
    let x = -10;
    for (let i = 0; i < 2000; i++) {
      x = rnd() < 0.1 ? Math.floor(rnd() * 1200) - 50 : x + rnd() * 5;
      assert.ok(Math.abs(count.at(x) - brute(x)) < 1e-6, `seed ${seed}, x ${x}: ${count.at(x)} ≠ ${brute(x)}`);
    }
  }
});
