import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { tempDir } from '../support/recordingFixtures';
import { CLUSTERS, clusterVenv, recordCluster, reportOf } from './support';
import type { ClusterRun } from './support';

/**
 * Issue 20, Ray (CPython 3.11, from pip's configured index): one recording of
 * test/clusters/ray_actor.py under `gilscope record`, shared by every
 * assertion (Ray takes seconds to start): a threaded actor (max_concurrency=2)
 * whose two threads run pure-Python calls at once, a remote function, and an
 * actor started with gilscope.ray.runtime_env(WORKERS), whose worker also
 * records alone into WORKERS/<host>/. Judged against the run's own figures.
 */
describe('clusters: Ray', () => {
  let run: ClusterRun;
  let workers: string;
  before(async () => {
    const python = await clusterVenv();
    workers = join(tempDir('gilscope-cluster-ray-workers-'), 'workers.gilscope');
    run = await recordCluster('ray', [python, join(CLUSTERS, 'ray_actor.py'), workers]);
  });

  it("the threaded actor's two threads take turns on its GIL, named after the actor", () => {
    const actor = run.report.processes.find((p) => p.cluster?.name === 'Ray actor Cruncher');
    assert.ok(actor, `an actor named Cruncher among ${run.report.processes.map((p) => p.cluster?.name ?? p.roleName).join('; ')}`);
    assert.equal(actor.role, 'worker');
    const threads = actor.threads.filter((t) => t.name === 'Cruncher actor thread');
    assert.equal(threads.length, 2, `two actor threads: ${actor.threads.map((t) => t.name).join(', ')}`);
    for (const t of threads) {
      // each ran its call while the other waited: a share of its GIL time went to waiting for the other
      assert.ok(t.gil.heldSeconds > 0.2, `${t.tid} held ${t.gil.heldSeconds}`);
      assert.ok(t.gil.waitSeconds >= 0.3 * t.gil.heldSeconds, `${t.tid} waited ${t.gil.waitSeconds} s beside ${t.gil.heldSeconds} s held`);
    }
    const top = run.report.suggestions[0]!;
    assert.equal(top.kind, 'clusterProcesses', `top: ${top.title}`);
    assert.match(top.title, /actor Cruncher's 2 concurrent threads take turns/);
    assert.match(top.detail, /max_concurrency/);
  });

  it("Ray's daemons are infrastructure, never counted as workers", () => {
    const daemons = run.report.processes.filter((p) => /ray\/(_private\/(log_monitor|runtime_env\/agent)|dashboard|autoscaler)/.test(p.argv.join(' ')));
    assert.ok(daemons.length >= 3, `daemons recorded: ${daemons.length}`);
    for (const d of daemons) {
      assert.equal(d.role, 'infrastructure', `${d.pid} ${d.argv.slice(1, 2).join(' ')}: ${d.role}`);
      assert.equal(d.cluster?.role, 'infrastructure');
      assert.match(d.roleName, /^Ray /);
      assert.ok(!run.report.workers?.processes.includes(d.pid), `${d.roleName} counted as a worker`);
    }
    const driver = run.report.processes.find((p) => p.parentPid === run.analysis.session?.pid || p.pid === run.analysis.session?.pid);
    assert.equal(driver?.cluster?.role, 'driver');
  });

  it('no fork-then-exec ghosts: every recorded process is a Python of its own, one file a pid', () => {
    const files = readdirSync(run.dir).filter((n) => n.endsWith('.gsr'));
    const pids = files.map((n) => Number(/^p(\d+)-/.exec(n)![1]));
    assert.equal(new Set(pids).size, pids.length, `a pid with two files: ${files.join(' ')}`);
    const driverArgv = run.report.processes.find((p) => p.pid === run.analysis.session?.pid)!.argv.join(' ');
    const ghosts = run.report.processes.filter((p) => p.pid !== run.analysis.session?.pid && p.argv.join(' ') === driverArgv);
    assert.deepEqual(ghosts.map((p) => p.pid), [], "children shown with the driver's command line");
  });

  it('ray.shutdown() ends its processes without kill warnings: said in notes', () => {
    const kills = run.report.warnings.filter((w) => /ended without a word|was ended by signal/.test(w));
    assert.deepEqual(kills, []);
    assert.ok(run.report.notes!.length >= 3, `notes: ${run.report.notes!.join('; ')}`);
    assert.ok(run.report.notes!.every((n) => /was ended by Ray as it stopped/.test(n)));
    assert.ok(run.analysis.warnings.some((w) => /ended without a word|was ended by signal/.test(w)), 'the analysis saw the kills the report says in notes');
  });

  it('the workers-only recording of gilscope.ray.runtime_env reads on its own, per host', () => {
    const hosts = readdirSync(workers);
    assert.equal(hosts.length, 1, `one host folder: ${hosts.join(' ')}`);
    const { report, analysis } = reportOf(workers);
    assert.equal(analysis.hostFolders, true);
    assert.equal(analysis.session, undefined);
    assert.deepEqual(report.processes.map((p) => p.cluster?.name), ['Ray actor Lonely']);
    assert.equal(report.hosts!.length, 1);
    assert.equal(report.hosts![0]!.host, report.processes[0]!.host);
    assert.ok(report.processes[0]!.threads.some((t) => t.gil.heldSeconds > 0.05));
  });
});
