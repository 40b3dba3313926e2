import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeRecording } from '../../../src/core/analysis/recordingSession';
import { HEADER_SIZE } from '../../../src/core/format/layout';
import { RecordingError } from '../../../src/core/format/recordingError';
import { tempDir } from '../../support/recordingFixtures';
import { sampledMachine } from '../../support/machineScenario';
import { quietRun } from '../../support/quietScenario';
import { contendedLock, threeThreads } from '../../support/scenarios';

/** A small deterministic PRNG (mulberry32), so a failure can be replayed by its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(original: Uint8Array, r: () => number): Uint8Array {
  let b = original.slice();
  const kind = Math.floor(r() * 6);
  const at = (n: number) => Math.floor(r() * n);
  if (kind === 0) {
    for (let i = 0, n = 1 + at(8); i < n; i++) b[at(b.length)]! ^= 1 << at(8);
  } else if (kind === 1) {
    b = b.subarray(0, at(b.length));
  } else if (kind === 2) {
    const chunk = at(Math.max(1, (b.length - HEADER_SIZE) / 4096));
    const start = HEADER_SIZE + chunk * 4096 + (r() < 0.5 ? 32 : 0);
    for (let i = start; i < Math.min(b.length, HEADER_SIZE + (chunk + 1) * 4096); i++) b[i] = at(256);
  } else if (kind === 3) {
    for (let i = 0, n = 1 + at(4); i < n; i++) b[HEADER_SIZE + at(b.length - HEADER_SIZE)] = at(256);
  } else if (kind === 4) {
    for (let i = 0, n = 1 + at(3); i < n; i++) b[at(HEADER_SIZE)] = at(256); // header fields
  } else {
    const slot = HEADER_SIZE + 32 + 8 * at((b.length - HEADER_SIZE) / 8);
    if (slot < b.length) b[slot + 1] = at(256); // extra (version 3's short records: the compact flags)
  }
  return b;
}

test('fuzz: thousands of mutations give a RecordingError or a result, never another exception or a hang', () => {
  const originals = [
    threeThreads().bytes(), contendedLock().bytes(), threeThreads({ clockKind: 1, ticksPerNs: 3, startTicks: 2n ** 62n }).bytes(),
    // Version 2: summaries and the full log beside them, tentative records, CPU and machine samples.
    quietRun('both').bytes(), sampledMachine().bytes(),
    // Version 3: records in 8-byte units, short and long.
    threeThreads({ formatVersion: 3 }).bytes(), contendedLock({ formatVersion: 3, clockKind: 1, ticksPerNs: 3, startTicks: 2n ** 40n }).bytes(),
    quietRun('both', { formatVersion: 3 }).bytes(), quietRun('summarised', { formatVersion: 3, ticks: true }).bytes(),
  ];
  const dir = tempDir();
  const path = join(dir, 'p1-1.gsr');
  const r = rng(20240521);
  const runs = 3000;
  let errors = 0;
  let worst = 0;
  for (let i = 0; i < runs; i++) {
    writeFileSync(path, mutate(originals[i % originals.length]!, r));
    const started = performance.now();
    try {
      const a = analyzeRecording(dir);
      a.heatmap.query({ startSeconds: 0, endSeconds: Math.max(1e-3, a.wallSeconds), width: 50 });
      JSON.stringify(a.processes.map((p) => ({ ...p, heatmap: undefined })));
    } catch (e) {
      if (!(e instanceof RecordingError)) assert.fail(`mutation ${i}: ${e instanceof Error ? e.stack : String(e)}`);
      errors++;
    }
    const took = performance.now() - started;
    worst = Math.max(worst, took);
  }
  assert.ok(errors > 0 && errors < runs, `${errors} errors of ${runs}`);
  assert.ok(worst < 2000, `slowest decode took ${worst.toFixed(0)} ms`);
});
