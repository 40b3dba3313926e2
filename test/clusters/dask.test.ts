import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { measureClusterWhatIf } from '../../src/core/compare/clusterWhatIf';
import type { ClusterWhatIf } from '../../src/core/compare/clusterWhatIf';
import { gilscope } from '../support/gilscopeCli';
import { CLUSTERS, python314, recordCluster, reportOf } from './support';
import type { ClusterRun } from './support';

/**
 * Issue 20, Dask distributed on CPython 3.14 (sid's python3-distributed):
 * LocalCluster(n_workers=2, threads_per_worker=2) running pure-Python tasks
 * (test/clusters/dask_local.py), recorded; then `gilscope whatif` runs it again
 * with one thread per worker and measures what the top suggestion predicted.
 * The measurement is judged against the prediction made again for the cores
 * other programs left the what-if run over its tasks' span (its own machine
 * samples). The tasks take a second or so: a span of half a second was half
 * a burst of the other tests' load.
 */
describe('clusters: Dask distributed (3.14)', () => {
  let run: ClusterRun;
  let whatIf: ClusterWhatIf;
  before(async () => {
    run = await recordCluster('dask', [await python314(), join(CLUSTERS, 'dask_local.py'), '16', '4000000']);
    const out = `${run.dir}.whatif`;
    const ran = await gilscope(['whatif', run.dir, '-o', out], { timeoutMs: 300_000 });
    assert.equal(ran.code, 0, `gilscope whatif: ${ran.stderr.slice(-2000)}`);
    whatIf = measureClusterWhatIf(run.analysis, reportOf(out).analysis);
  });

  it('two named workers, each with two task threads beside its event loop', () => {
    const workers = run.report.processes.filter((p) => p.cluster?.engine === 'dask' && p.cluster.role === 'worker');
    assert.equal(workers.length, 2, run.report.processes.map((p) => `${p.pid} ${p.roleName}`).join('; '));
    const names = workers.map((w) => w.cluster!.name).sort();
    const truthNames = (run.truth['workers'] as string[]).sort();
    names.forEach((n, i) => assert.match(n, new RegExp(`^Dask worker ${truthNames[i]} \\(tcp://127\\.0\\.0\\.1:\\d+\\)$`)));
    assert.deepEqual(workers.map((w) => w.role), ['worker', 'worker']);
    assert.deepEqual([...run.report.workers!.processes].sort(), workers.map((w) => w.pid).sort());
    for (const s of run.report.clusterWorkers!) {
      assert.equal(s.tasks.threads.length, 2, s.tasks.threads.join(', '));
      assert.ok(s.eventLoop, 'the event loop');
      assert.ok(s.tasks.waitShare >= 0.15, `${s.name}: task threads waited ${s.tasks.waitShare}`);
    }
  });

  it('the top suggestion speaks of threads_per_worker; never chunksize, never importlib', () => {
    const top = run.report.suggestions[0]!;
    assert.equal(top.kind, 'clusterProcesses', run.report.suggestions.map((s) => s.title).join('\n'));
    assert.match(top.title, /threads_per_worker=1 with 4 worker processes/);
    assert.equal(top.workers, 4);
    assert.ok(top.predictedInterval[0] <= top.predictedSpeedup && top.predictedSpeedup <= top.predictedInterval[1]);
    assert.match(top.target?.file ?? '', /dask_local\.py$/);
    for (const s of run.report.suggestions) {
      assert.doesNotMatch(`${s.title} ${s.detail}`, /chunksize/);
      assert.doesNotMatch(s.target?.file ?? '', /importlib/);
      assert.doesNotMatch(s.title, /already runs in parallel/);
    }
  });

  it('a what-if run with one thread per worker measures the prediction', async (t) => {
    const within = (w: ClusterWhatIf): boolean => {
      const [lo, hi] = w.predictedIntervalForRun;
      // -30%, +25%: the machine samples are 100 ms apart, and the other tests' load comes in bursts
      // shorter than that (on a quiet machine 0.98-1.07 was measured for 1.00-1.03 predicted, and
      // 1.09-1.12 for 1.06-1.17 beside a busy loop)
      return w.suggestion.measuredSpeedup! >= 0.7 * lo && w.suggestion.measuredSpeedup! <= 1.25 * hi;
    };
    const describe = (w: ClusterWhatIf): string => `for the what-if run's cores ${w.predictedForRun} ` +
      `[${w.predictedIntervalForRun.join(', ')}]; measured ${w.suggestion.measuredSpeedup}`;
    t.diagnostic(`predicted ${run.report.suggestions[0]!.predictedSpeedup} ${JSON.stringify(run.report.suggestions[0]!.predictedInterval)}; ${describe(whatIf)}`);
    const after = reportOf(`${run.dir}.whatif`).report;
    const workers = after.processes.filter((p) => p.cluster?.engine === 'dask' && p.cluster.role === 'worker');
    assert.equal(workers.length, 4, 'the what-if ran 4 workers');
    for (const w of after.clusterWorkers!) assert.equal(w.tasks.threads.length, 1);
    let judged = whatIf;
    if (!within(judged)) {
      // The two runs are seconds apart and other tests load the machine in bursts that its
      // samples average over: one more what-if run, said here, before judging.
      const out = `${run.dir}.whatif2`;
      const ran = await gilscope(['whatif', run.dir, '-o', out], { timeoutMs: 300_000 });
      assert.equal(ran.code, 0, `gilscope whatif (again): ${ran.stderr.slice(-2000)}`);
      judged = measureClusterWhatIf(run.analysis, reportOf(out).analysis);
      t.diagnostic(`the first what-if run was outside the interval; run again: ${describe(judged)}`);
    }
    const [lo, hi] = judged.predictedIntervalForRun;
    assert.ok(within(judged), `measured ${judged.suggestion.measuredSpeedup} within [${lo}, ${hi}] (-30%, +25%)`);
  });
});
