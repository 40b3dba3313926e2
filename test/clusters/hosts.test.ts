import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { CLI, gilscope } from '../support/gilscopeCli';
import { tempDir } from '../support/recordingFixtures';
import { repoRoot } from '../support/repoRoot';
import { runOk } from '../support/runProcess';
import { TEST_PYTHON } from '../support/recordWorkload';
import type { Report } from '../../src/core/report/schema';

/**
 * Issue 20, one report across hosts: two recordings made under different
 * host names (a UTS namespace of their own: `unshare -u`, as root), each in
 * its host's folder of one DIR, read by `gilscope report DIR` as one
 * recording with its processes grouped by host.
 */
const HOSTS = ['gilscope-host-a', 'gilscope-host-b'] as const;

describe('clusters: two hosts, one report', () => {
  let dir: string;
  let report: Report;
  let terminal: string;
  before(async () => {
    assert.equal(process.getuid?.(), 0, 'a UTS namespace of its own needs root (unshare -u)');
    dir = join(tempDir('gilscope-cluster-hosts-'), 'cluster.gilscope');
    mkdirSync(dir, { mode: 0o700 });
    for (const host of HOSTS) {
      const script = `hostname ${host} && exec "$0" "$@"`;
      await runOk('unshare', ['-u', 'sh', '-c', script, process.execPath, CLI, 'record', '-o', join(dir, host), '--no-fallback', '--',
        TEST_PYTHON, join(repoRoot, 'test/workloads/cpu_threads.py'), '--threads', '2', '--seconds', '0.3'], {
        env: { ...process.env, NO_COLOR: '1', PYTHONDONTWRITEBYTECODE: '1' },
        timeoutMs: 120_000,
      });
    }
    report = JSON.parse((await runOk(process.execPath, [CLI, 'report', dir, '--json'])).stdout) as Report;
    terminal = (await gilscope(['report', dir])).stdout;
  });

  it('reads both hosts as one recording, its processes grouped by host', () => {
    assert.deepEqual(report.hosts!.map((h) => h.host).sort(), [...HOSTS]);
    for (const h of report.hosts!) {
      assert.ok(h.pids.length >= 1);
      for (const pid of h.pids) assert.equal(report.processes.find((p) => p.pid === pid)!.host, h.host);
    }
    assert.equal(report.processes.length, report.hosts!.reduce((n, h) => n + h.pids.length, 0));
    // both runs' mains, one after the other on one clock
    const mains = report.processes.filter((p) => p.role === 'main').sort((a, b) => a.startSeconds - b.startSeconds);
    assert.equal(mains.length, 2);
    assert.ok(mains[1]!.startSeconds >= mains[0]!.endSeconds - 0.05, `the second host's run starts after the first's ends: ${mains.map((m) => [m.startSeconds, m.endSeconds])}`);
  });

  it('the terminal report lists the processes by host', () => {
    assert.match(terminal, /^Hosts: 2$/m);
    for (const h of report.hosts!) assert.match(terminal, new RegExp(`^  ${h.host}: ${h.pids[0]} `, 'm'));
  });
});
