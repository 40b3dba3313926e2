import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MachineLoad } from '../../src/core/analysis/model';
import { machineBusyNsIn, processNsIn } from '../../src/core/analysis/snapshotCpu';
import { predictSpan } from '../../src/core/suggest/clusterRemedies';
import type { TaskSpan } from '../../src/core/suggest/clusterRemedies';
import { groupConcurrency } from '../../src/core/suggest/concurrency';
import { randomThreadLives, runnableAt, threadLife } from '../support/threadLives';

/**
 * The prediction for a cluster's task threads (docs/suggestions.md, "Cluster
 * engines"): the runnable count of the task threads by worker, and the
 * cores of the run, worked out by hand.
 */

/** Two workers of two task threads: all four runnable for 1 s, then one thread of one worker for 0.2 s (the tail). */
function span(cores: number, online: number, runnable: number[][] | null = [[0, 0, 0, 0, 0], [0, 0.2, 0, 0, 0], [0, 0, 0, 0, 1]]): TaskSpan {
  return { fromSeconds: 0, toSeconds: 1.2, heldSeconds: 1.2, cpuSeconds: 2.2, cores, online, runnable };
}

describe('a cluster\'s task threads: the span predicted', () => {
  it('the runnable count by worker agrees with counting at each moment', () => {
    const workers = [0, 1, 2].map((w) => randomThreadLives(11 + w, 3, w * 3));
    const [from, to] = [2, 35];
    const expected = Array.from({ length: 4 }, () => new Array<number>(10).fill(0));
    for (let x = from; x < to; x++) {
      const m = x + 0.5;
      const counts = workers.map((ts) => ts.filter((t) => runnableAt(t, m)).length);
      expected[counts.filter((c) => c > 0).length]![counts.reduce((a, b) => a + b, 0)]! += 1;
    }
    assert.deepEqual(groupConcurrency(workers, from, to), expected);
    assert.ok(expected.slice(2).some((row) => row.some((x) => x > 0)), 'moments with two workers busy');
    assert.equal(groupConcurrency([[threadLife(0, 0, 4, [])], [threadLife(1, 0, 4, null)]], 0, 4), null);
  });

  it('on as many cores as workers, one thread per worker gains nothing; on more cores, the threads run side by side; the tail never shrinks', () => {
    // 2 cores: the two workers already ran on both; 1.2 s either way.
    const two = predictSpan(span(2, 2), 4);
    assert.equal(two.spanAfter, 1.2);
    assert.equal(two.speedup, 1);
    assert.ok(two.interval[0] < 1 && two.interval[1] >= 1, `${two.interval}`);
    // 4 cores: the second of all four runnable shrinks twice; the tail's 0.2 s stays.
    const four = predictSpan(span(4, 4), 4);
    assert.ok(Math.abs(four.spanAfter - 0.7) < 1e-12, `${four.spanAfter}`);
    assert.ok(Math.abs(four.speedup - 1.2 / 0.7) < 1e-12);
    assert.ok(four.interval[0] < four.speedup && four.speedup <= four.interval[1]);
  });

  it('a what-if run that other programs left fewer cores is predicted slower', () => {
    // The recording had 2 cores; the run judged had 1 left: all four runnable for 1 s took 1 s on 2, would take 2 s on 1.
    const fewer = predictSpan(span(2, 2), 4, 1, 2);
    assert.ok(Math.abs(fewer.spanAfter - 2.2) < 1e-12, `${fewer.spanAfter}`);
    assert.ok(fewer.speedup < 0.6);
    assert.ok(fewer.interval[0] < fewer.speedup && Math.abs(fewer.interval[0] - 1.2 / (1.1 * 2.2)) < 1e-12, `${fewer.interval}`);
  });

  it('without the runnable count, the work stands in: T / (W / min(c, n\'))', () => {
    const p = predictSpan(span(2, 2, null), 4);
    assert.ok(Math.abs(p.spanAfter - 1.1) < 1e-12, `${p.spanAfter}`);
  });

  it('the machine\'s busy time over a window is read between the samples around it', () => {
    // Samples at 0, 1, 2 s: the machine busy 1.5 CPUs, then 0.5; this process 0.5 CPU throughout.
    const m: MachineLoad = {
      onlineCpus: 2, foreignCpus: 0.5, freeCpus: 1.5, processCpus: 0.5, sampledSeconds: 2,
      samples: { seconds: Float64Array.of(0, 1, 2), busyNs: Float64Array.of(0, 1.5e9, 2e9), processNs: Float64Array.of(0, 0.5e9, 1e9) },
    };
    assert.equal(machineBusyNsIn(m, 0.5, 1.5), 0.75e9 + 0.25e9);
    assert.equal(processNsIn(m, 0.5, 1.5), 0.5e9);
    assert.equal(machineBusyNsIn(m, 1.5, 2.5), null, 'a window past the samples is not covered');
    assert.equal(processNsIn(m, 1.5, 2.5), 0.25e9, 'a process counts the part its samples cover');
  });
});
