import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Report } from '../../src/core/report/schema';
import { CLI, gilscope } from '../support/gilscopeCli';
import { tempDir } from '../support/recordingFixtures';
import { runtimePythonPath } from '../support/recordWorkload';
import { runOk } from '../support/runProcess';
import { CLUSTERS, python314 } from './support';
import { CPU_WAIT_WARNING } from '../support/gilscopeCli';

/**
 * Issue 20, recording the workers of a running Dask cluster (docs/clusters.md)
 * on CPython 3.14 (sid's python3-distributed): a scheduler and `dask worker
 * --preload-nanny gilscope.dask --nworkers 2 --nthreads 2` that the test
 * starts, with gilscope's runtime on their PYTHONPATH and nothing recorded
 * else (no GILSCOPE_DIR: the nannies and the scheduler are not recorded). The
 * client (test/clusters/dask_workers.py) runs tasks before, inside and after
 * `gilscope.dask.record(client, OUT)`, reports the worker pids of each phase,
 * then shuts the cluster down. One run serves every assertion.
 */
interface Worker {
  readonly pid: number;
  readonly address: string;
}
interface Truth {
  readonly before: readonly Worker[];
  readonly inside: readonly Worker[];
  readonly after: readonly Worker[];
  readonly out: string;
}

const WORKERS = 2;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('clusters: the workers of a running Dask cluster (3.14)', () => {
  let base: string;
  let clusterDir: string;
  let truth: Truth;
  let preloaded: Report;
  let recorded: Report;
  let recordedText: string;
  const daemons: ChildProcess[] = [];

  before(async () => {
    const python = await python314();
    base = tempDir('gilscope-cluster-daskworkers-');
    clusterDir = join(base, 'workers');
    mkdirSync(clusterDir, { mode: 0o700 });
    const schedulerFile = join(base, 'scheduler.json');
    const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: runtimePythonPath(), PYTHONDONTWRITEBYTECODE: '1', GILSCOPE_CLUSTER_DIR: clusterDir };
    delete env['GILSCOPE_DIR'];
    const start = (args: string[]) => {
      const child = spawn(python, args, { cwd: base, env, stdio: 'ignore', detached: true });
      daemons.push(child);
      return child;
    };
    start(['-m', 'distributed.cli.dask_scheduler', '--scheduler-file', schedulerFile, '--host', '127.0.0.1', '--port', '0', '--no-dashboard']);
    start(['-m', 'distributed.cli.dask_worker', '--scheduler-file', schedulerFile, '--host', '127.0.0.1', '--no-dashboard',
      '--preload-nanny', 'gilscope.dask', '--nworkers', String(WORKERS), '--nthreads', '2']);
    const out = join(base, 'record.gilscope');
    const ran = await runOk(python, [join(CLUSTERS, 'dask_workers.py'), schedulerFile, out, String(WORKERS)], { cwd: base, env, timeoutMs: 400_000 });
    const line = ran.stdout.split('\n').find((l) => l.startsWith('GILSCOPE-TRUTH '));
    assert.ok(line, `no truth line:\n${ran.stdout.slice(-2000)}\n${ran.stderr.slice(-3000)}`);
    truth = JSON.parse(line.slice('GILSCOPE-TRUTH '.length)) as Truth;
    // client.shutdown() ended the scheduler and the nannies, each nanny its worker first
    for (const d of daemons) {
      for (let i = 0; i < 600 && d.exitCode === null && d.signalCode === null; i++) await sleep(100);
    }
    preloaded = JSON.parse((await runOk(process.execPath, [CLI, 'report', clusterDir, '--json'])).stdout) as Report;
    recorded = JSON.parse((await runOk(process.execPath, [CLI, 'report', out, '--json'])).stdout) as Report;
    recordedText = (await gilscope(['report', out])).stdout;
  });

  after(() => {
    for (const d of daemons) {
      if (d.exitCode === null && d.signalCode === null && d.pid) {
        try {
          process.kill(-d.pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
    }
  });

  const pids = (ws: readonly Worker[]) => ws.map((w) => w.pid).sort((a, b) => a - b);
  /** Warnings other than a busy machine's: a worker killed or lost that the engine's stop does not explain. */
  const unexplained = (r: Report) => r.warnings.filter((w) => !CPU_WAIT_WARNING.test(w));
  const daskWorkers = (r: Report) => r.processes.filter((p) => p.cluster?.engine === 'dask' && p.cluster.role === 'worker');

  it('the cluster ended when the client shut it down', () => {
    for (const d of daemons) assert.ok(d.exitCode !== null || d.signalCode !== null, `process ${d.pid} (${d.spawnargs.slice(1, 3).join(' ')}) still runs`);
  });

  it('--preload-nanny: every worker its nannies started records into $GILSCOPE_CLUSTER_DIR/<host>/, the nannies not', () => {
    assert.deepEqual(preloaded.hosts!.map((h) => h.host), [hostname()]);
    assert.deepEqual(readdirSync(clusterDir), [hostname()], 'only the host folder is left in the cluster folder');
    // before record() and after it: the nannies' own recording is back once record() ends
    assert.deepEqual(preloaded.processes.map((p) => p.pid).sort((a, b) => a - b), pids([...truth.before, ...truth.after]));
    assert.equal(daskWorkers(preloaded).length, 2 * WORKERS, preloaded.processes.map((p) => `${p.pid} ${p.roleName}`).join('; '));
    for (const w of [...truth.before, ...truth.after]) {
      const p = preloaded.processes.find((q) => q.pid === w.pid)!;
      assert.equal(p.cluster!.name, `Dask worker (${w.address})`);
    }
    // each ended by its nanny: by itself, or (a slow close on a busy machine) a kill that the report says was Dask's
    assert.deepEqual(unexplained(preloaded), []);
  });

  it('record(): the workers restart recorded, and their files are collected into OUT/<host>/', () => {
    assert.equal(truth.out, join(base, 'record.gilscope'));
    assert.deepEqual(readdirSync(truth.out), [hostname()]);
    assert.deepEqual(recorded.hosts!.map((h) => h.host), [hostname()]);
    // exactly the workers that ran inside the block: new processes, none of those before or after
    assert.deepEqual(recorded.processes.map((p) => p.pid).sort((a, b) => a - b), pids(truth.inside));
    for (const w of truth.inside) assert.ok(!pids([...truth.before, ...truth.after]).includes(w.pid), `worker ${w.pid} was restarted`);
    for (const w of truth.inside) {
      const p = recorded.processes.find((q) => q.pid === w.pid)!;
      assert.equal(p.role, 'worker');
      assert.equal(p.cluster!.name, `Dask worker (${w.address})`);
    }
    assert.deepEqual(unexplained(recorded), []);
    // each worker with its task threads beside its event loop; the tasks ran in the recorded workers
    assert.equal(recorded.clusterWorkers!.length, WORKERS);
    const taskThreads = recorded.clusterWorkers!.flatMap((w) => w.tasks.threads);
    assert.ok(taskThreads.length >= WORKERS && taskThreads.every((t) => /^Dask-Default-Threads-/.test(t)), taskThreads.join(', '));
    assert.ok(recorded.clusterWorkers!.reduce((s, w) => s + w.tasks.heldSeconds, 0) > 0, 'the task threads held the GIL');
    assert.ok(recorded.clusterWorkers!.every((w) => w.eventLoop?.threads[0] === 'MainThread'));
    assert.match(recordedText, new RegExp(`^Cluster workers`, 'm'));
    for (const w of truth.inside) assert.match(recordedText, new RegExp(`^  ${hostname()} ${w.pid} Dask worker \\(${w.address.replace(/\./g, '\\.')}\\)`, 'm'));
  });

  it('record() leaves nothing on the worker machine: each nanny\'s folder is removed once collected', () => {
    assert.ok(existsSync(clusterDir));
    assert.deepEqual(readdirSync(clusterDir).filter((n) => n.startsWith('run-')), []);
  });
});
