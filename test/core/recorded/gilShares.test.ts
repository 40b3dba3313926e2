import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { ProcessResult, ThreadResult } from '../../../src/core/analysis/model';
import { analyzeRecording } from '../../../src/core/analysis/recordingSession';
import type { RecordingAnalysis } from '../../../src/core/analysis/recordingSession';
import { recordOnce, TEST_PYTHON } from '../../support/recordWorkload';
import type { Recorded } from '../../support/recordWorkload';

/**
 * GIL accounting on real recordings, against what the workloads measured
 * themselves (test/workloads/README.md). One recording per workload, made
 * with TEST_PYTHON and shared by the tests below.
 */

interface TruthThread {
  readonly name: string;
  readonly native_id: number;
  readonly start: number;
  readonly end: number;
  readonly thread_cpu_seconds: number;
  readonly sleeps?: number;
  readonly sleep_seconds?: number;
}

function processOf(a: RecordingAnalysis, r: Recorded): ProcessResult {
  const p = a.processes.find((x) => x.pid === r.truth.pid);
  assert.ok(p, `the recording has the workload's process ${r.truth.pid}`);
  return p;
}

function threadOf(p: ProcessResult, t: TruthThread): ThreadResult {
  const found = p.threads.find((x) => x.tid === t.native_id);
  assert.ok(found, `thread ${t.name} (tid ${t.native_id}) is in the recording`);
  assert.equal(found.name, t.name);
  return found;
}

function lifetimeAddsUp(t: ThreadResult): void {
  const life = t.endSeconds - t.startSeconds;
  const sum = t.gil.heldSeconds + t.gil.waitSeconds + t.gil.releasedSeconds;
  assert.ok(Math.abs(sum - life) <= 0.01 * life, `${t.name}: held + wait + released ${sum} vs lifetime ${life}`);
}

describe(`cpu_threads recorded with ${TEST_PYTHON}`, () => {
  let r: Recorded;
  let p: ProcessResult;
  let threads: TruthThread[];
  before(async () => {
    r = await recordOnce('cpu_threads');
    p = processOf(analyzeRecording(r.dir), r);
    threads = r.truth['threads'] as TruthThread[];
  });

  it('every thread: held + wait + released = its lifetime (within 1%)', () => {
    for (const t of p.threads) lifetimeAddsUp(t);
  });

  it('each worker holds the GIL for the share it burned CPU (±3 points), and no more than that and the time the OS kept it off a CPU', (t) => {
    const window = r.truth['window_seconds'] as number;
    // A pure-Python thread computes only while it holds the GIL: its CPU share bounds its hold
    // from below. On a busy machine a descheduled holder keeps the GIL but burns no CPU: its
    // run-queue delay (recorded beside its GIL states) bounds that part from above, whichever
    // of its states the delay fell in.
    const foreign = r.truth.machine?.foreign_cpus ?? 0;
    t.diagnostic(`foreign CPUs ${foreign}`);
    for (const x of threads) {
      const th = threadOf(p, x);
      assert.ok(th.cpuWaitSeconds !== null, `${x.name}: no run-queue delay recorded (needs /proc/PID/task/TID/schedstat)`);
      const held = th.gil.heldSeconds / window;
      const offCpu = th.cpuWaitSeconds / window;
      const cpu = x.thread_cpu_seconds / window;
      const said = `${x.name}: held ${held.toFixed(3)}, off a CPU while runnable ${offCpu.toFixed(3)}, CPU ${cpu.toFixed(3)} (shares of the window)`;
      t.diagnostic(said);
      assert.ok(held >= cpu - 0.03, `${said}: held less than the CPU it burned`);
      assert.ok(held <= cpu + offCpu + 0.03, `${said}: held more than the CPU it burned and its time off a CPU`);
    }
  });

  it('the workers wait for the GIL far more than the main thread', () => {
    for (const x of threads) {
      const t = threadOf(p, x);
      assert.ok(t.gil.waitSeconds > t.gil.heldSeconds, `${x.name} waits more than it holds with ${threads.length} CPU-bound threads`);
    }
    const main = p.threads.find((t) => t.isMain)!;
    assert.ok(main.gil.heldSeconds < 0.05 * (main.endSeconds - main.startSeconds), 'main holds little');
  });
});

describe(`sleeping_threads recorded with ${TEST_PYTHON}`, () => {
  let r: Recorded;
  let p: ProcessResult;
  let threads: TruthThread[];
  before(async () => {
    r = await recordOnce('sleeping_threads');
    p = processOf(analyzeRecording(r.dir), r);
    threads = r.truth['threads'] as TruthThread[];
  });

  it('every thread: held + wait + released = its lifetime (within 1%)', () => {
    for (const t of p.threads) lifetimeAddsUp(t);
  });

  it('sleepers run released: at least their measured sleep, ≥ 95% of their run', (c) => {
    // A sleeper descheduled while it holds the GIL holds it longer: the time it was runnable
    // but not running (its run-queue delay, recorded beside its GIL states) may have been
    // held, whichever state the delay's samples fell in, and is allowed for, on any machine.
    c.diagnostic(`foreign CPUs ${r.truth.machine?.foreign_cpus}`);
    for (const x of threads) {
      const t = threadOf(p, x);
      const run = x.end - x.start;
      assert.ok(t.cpuWaitSeconds !== null, `${x.name}: no run-queue delay recorded`);
      const offCpu = t.cpuWaitSeconds;
      assert.ok(t.gil.releasedSeconds >= 0.98 * x.sleep_seconds!, `${x.name} released ${t.gil.releasedSeconds} < slept ${x.sleep_seconds}`);
      assert.ok(t.gil.releasedSeconds >= 0.95 * run - offCpu, `${x.name} released ${t.gil.releasedSeconds} of ${run} (off a CPU ${offCpu.toFixed(4)} s)`);
      assert.ok(t.gil.heldSeconds - offCpu < 0.02 * run, `${x.name} held ${t.gil.heldSeconds} (off a CPU ${offCpu.toFixed(4)} s)`);
      assert.ok(t.acquisitions >= x.sleeps!, `${x.name}: one GIL acquire at least per sleep`);
      assert.equal(t.lockWaitSeconds, 0);
    }
  });
});
