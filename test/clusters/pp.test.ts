import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { CLI } from '../support/gilscopeCli';
import { tempDir } from '../support/recordingFixtures';
import { runtimePythonPath } from '../support/recordWorkload';
import { repoRoot } from '../support/repoRoot';
import { runOk } from '../support/runProcess';
import { CLUSTERS, clusterVenv, reportOf } from './support';
import type { ClusterRun } from './support';
import { connect, createServer } from 'node:net';

/** A free loopback port. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/**
 * Resolves once something listens on the loopback port: a pp client that connects before its
 * server listens marks the server unreachable and, having no local workers, waits for ever.
 */
async function listening(port: number, timeoutMs: number, stderr: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (up) return;
    if (Date.now() > deadline) throw new Error(`ppserver did not listen on 127.0.0.1:${port} within ${timeoutMs / 1000} s:\n${stderr().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Issue 20, Parallel Python (ppft): `gilscope record -- ppserver -w 2` on
 * loopback, and a client (not recorded) that submits CPU jobs to it; the
 * server leaves by its own idle timeout (-t), so the recording ends as the
 * server does.
 */
describe('clusters: Parallel Python', () => {
  let run: Omit<ClusterRun, 'stdout' | 'truth'>;
  before(async () => {
    const python = await clusterVenv();
    const port = await freePort();
    const dir = join(tempDir('gilscope-cluster-pp-'), 'pp.gilscope');
    const server = spawn(process.execPath, [CLI, 'record', '-o', dir, '--no-fallback', '--',
      join(python, '..', 'ppserver'), '-w', '2', '-i', '127.0.0.1', '-p', String(port), '-s', 'gilscope-test', '-t', '4'],
      { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    server.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const ended = new Promise<number | null>((resolve) => server.on('close', (code) => resolve(code)));
    await listening(port, 60_000, () => stderr);
    await runOk(python, [join(CLUSTERS, 'pp_client.py'), `127.0.0.1:${port}`, 'gilscope-test'], {
      env: { ...process.env, PYTHONPATH: runtimePythonPath() },
      timeoutMs: 120_000,
    });
    const code = await ended;
    assert.equal(code, 0, `gilscope record -- ppserver ended with ${code}:\n${stderr.slice(-2000)}`);
    run = { dir, stderr, ...reportOf(dir) };
  });

  it("both of the server's workers are recorded as its workers; the server is infrastructure", () => {
    const server = run.report.processes.find((p) => p.cluster?.engine === 'pp' && p.cluster.role === 'infrastructure');
    assert.ok(server, `ppserver among ${run.report.processes.map((p) => `${p.pid} ${p.argv.slice(0, 3).join(' ')}`).join('; ')}`);
    assert.equal(server.role, 'infrastructure');
    const workers = run.report.processes.filter((p) => p.parentPid === server.pid && p.cluster?.role === 'worker');
    assert.equal(workers.length, 2, `ppserver's workers: ${workers.map((p) => p.pid).join(', ')}`);
    for (const w of workers) {
      assert.equal(w.role, 'worker', `${w.pid}: ${w.roleName}`);
      assert.match(w.cluster!.name, /^ppserver 127\.0\.0\.1:\d+ worker$/);
      assert.ok(w.threads.some((t) => t.gil.heldSeconds > 0.1), `${w.pid} ran the jobs`);
    }
    assert.deepEqual([...run.report.workers!.processes].sort(), workers.map((w) => w.pid).sort(), 'the workers are what the report counts');
  });
});
