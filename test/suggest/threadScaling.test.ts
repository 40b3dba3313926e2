import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FreeThreadedPressure, WorkProfile } from '../../src/core/suggest/profile';
import { suggest } from '../../src/core/suggest/suggest';

/**
 * Threads that hardly wait on a free-threaded build (docs/suggestions.md,
 * `threadScaling`), from a run that other programs left less than a core:
 * predicted for the cores it had, and for more cores given (`--cores`).
 */

const site = { file: '/src/integrate.py', line: 50, function: 'main' };

/** Two workers running 1.9 s of a 1.0 s span, 0.9 s of it off a CPU (the machine was busy), in a 1.1 s run. */
const ft: FreeThreadedPressure = {
  objects: [], pauses: 0, pauseSeconds: 0, gcPauses: 0, gcPauseSeconds: 0, stoppedSeconds: 0, stoppedAt: null,
  gilEnabledAt: null, gilWaitAfterSeconds: 0, runningSeconds: 1.9, cpuWaitSeconds: 0.9, spanSeconds: 1, idleSeconds: 0,
};

function profile(over: Partial<WorkProfile>): WorkProfile {
  return {
    baseline: 'recording', pid: 1, wallSeconds: 1.1, serialSeconds: 0.1, workers: 2, cores: 1, heldSeconds: 0, releasedSeconds: 1.9,
    gilWaitSeconds: 0, lockWaitSeconds: 0.1, chainSeconds: 0.95, tasks: null, hot: { target: site, heldSeconds: 0 }, released: { target: site, releasedSeconds: 1.9 },
    locks: [], convoy: null, workerProcesses: 0, ipc: null, python: { version: '3.13.15', gilEnabled: false }, freeThreaded: ft,
    runCores: { cores: 1, onlineCpus: 2, foreignCpus: 1.1 }, ...over,
  } as WorkProfile;
}

describe('threads that hardly wait, without a GIL', () => {
  it('for the cores the run had: threads are fine, no change predicted, and first', () => {
    const [top] = suggest(profile({}));
    assert.equal(top!.kind, 'threadScaling');
    assert.equal(top!.predictedSpeedup, 1);
  });

  it('for more cores given: the threads run as many at once as those allow, and stay first', () => {
    const all = suggest(profile({ cores: 2, coresGiven: true }));
    const s = all.find((x) => x.kind === 'threadScaling')!;
    // 1.0 on a CPU at once → 2 × (1 − 0.1 / 2.0) = 1.9 on 2 cores, over the 1.0 s span of a 1.1 s run.
    const expected = 1.1 / (0.1 + 1 * 1.0 / 1.9);
    assert.ok(Math.abs(s.predictedSpeedup - expected) < 0.01, `${s.predictedSpeedup} for ${expected}`);
    assert.match(s.title, /on 2 cores they would run 1\.90 at once/);
    assert.equal(all[0]!.kind, 'threadScaling', all.map((x) => `${x.kind} ${x.predictedSpeedup}`).join('; '));
  });
});
