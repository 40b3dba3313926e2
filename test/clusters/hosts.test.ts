import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { analyzeRecording } from '../../src/core/analysis/recordingSession';
import type { RecordingAnalysis } from '../../src/core/analysis/recordingSession';
import { CellSites } from '../../src/core/report/cellSites';
import { overviewHeatmaps } from '../../src/core/report/heatmapMessage';
import type { Report } from '../../src/core/report/schema';
import { loadRecording as loadServerRecording, recordingSignature } from '../../src/server/recordings/loadRecording';
import { CLI, gilscope } from '../support/gilscopeCli';
import { tempDir } from '../support/recordingFixtures';
import { repoRoot } from '../support/repoRoot';
import { runOk } from '../support/runProcess';
import { runtimePythonPath, TEST_PYTHON } from '../support/recordWorkload';

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

/**
 * Two machines holding the same pid (issue 20): two runs, each in a host
 * (UTS) and pid namespace of its own, where the recorded Python is pid 1,
 * recording itself into DIR/<host>/ (GILSCOPE_DIR with GILSCOPE_PER_HOST=1,
 * as a cluster's workers do). Every front end's reading of DIR keeps the two
 * processes apart: the report and its analysis (keys, hosts, workers, heatmap
 * rows), `gilscope export`, the heatmaps' lines (the report page's), and the
 * language server's figures by file.
 */
const SAME_PID_HOSTS = ['gilscope-pid-a', 'gilscope-pid-b'] as const;

describe('clusters: two hosts holding the same pid', () => {
  let dir: string;
  let analysis: RecordingAnalysis;
  let report: Report;
  before(async () => {
    assert.equal(process.getuid?.(), 0, 'a host and pid namespace of its own needs root (unshare -upf)');
    dir = join(tempDir('gilscope-cluster-samepid-'), 'cluster.gilscope');
    mkdirSync(dir, { mode: 0o700 });
    for (const host of SAME_PID_HOSTS) {
      await runOk('unshare', ['-u', '-p', '-f', '--mount-proc', 'sh', '-c', `hostname ${host} && exec "$0" "$@"`,
        TEST_PYTHON, join(repoRoot, 'test/workloads/cpu_threads.py'), '--threads', '2', '--seconds', '0.3'], {
        env: { ...process.env, GILSCOPE_DIR: dir, GILSCOPE_PER_HOST: '1', PYTHONPATH: runtimePythonPath(), PYTHONDONTWRITEBYTECODE: '1' },
        timeoutMs: 120_000,
      });
    }
    analysis = analyzeRecording(dir);
    report = JSON.parse((await runOk(process.execPath, [CLI, 'report', dir, '--json'])).stdout) as Report;
  });

  const keys = SAME_PID_HOSTS.map((h) => `${h}:1`);

  it('each host folder holds its pid 1, and the report keys each by its host', () => {
    assert.deepEqual(readdirSync(dir).sort(), [...SAME_PID_HOSTS]);
    assert.deepEqual(report.processes.map((p) => p.pid), [1, 1]);
    assert.deepEqual(report.processes.map((p) => p.key).sort(), keys);
    for (const p of report.processes) assert.equal(p.key, `${p.host}:1`);
    assert.deepEqual(report.hosts!.map((h) => [h.host, h.pids, h.keys]).sort(), SAME_PID_HOSTS.map((h) => [h, [1], [`${h}:1`]]));
    // both did the work, each with its own GIL: two processes, not one counted twice
    assert.equal(report.workers?.in, 'processes');
    assert.deepEqual([...report.workers!.processKeys].sort(), keys);
    for (const w of report.warnings) assert.doesNotMatch(w, /^process 1\b/, 'a warning names the process by its key');
  });

  it('the heatmaps keep each process\'s threads in rows of their own', () => {
    const rows = analysis.heatmap.threadRows.map((r) => r.key);
    assert.equal(new Set(rows).size, rows.length, rows.join(', '));
    assert.equal(rows.length, analysis.processes.reduce((n, p) => n + p.threads.length, 0));
    const overview = overviewHeatmaps(analysis, CellSites.forRecording(dir, analysis));
    const ids = overview.threads.rows.map((r) => r.key);
    for (const k of keys) assert.ok(ids.some((id) => id.startsWith(`${k}/`)), `${k}'s rows: ${ids.join(', ')}`);
    // each row's lines: the workers' loop in each process's cpu threads
    const sites = Buffer.from(overview.threads.sites!, 'base64');
    const cells = new Uint16Array(sites.buffer, sites.byteOffset, sites.length / 2);
    const columns = overview.threads.columns;
    for (const [r, row] of overview.threads.rows.entries()) {
      if (!row.label.startsWith('cpu-')) continue;
      const named = [...cells.subarray(r * columns, (r + 1) * columns)].filter((k) => k > 0).map((k) => overview.threads.siteTable[k - 1]!.file);
      assert.ok(named.some((f) => f.endsWith('cpu_threads.py')), `${row.key} ${row.label}: its cells name the workload's lines`);
    }
  });

  it('gilscope export reads the host folders: one track per process, both clocks on one', async () => {
    const out = join(dirname(dir), 'trace.json');
    await runOk(process.execPath, [CLI, 'export', dir, '--format', 'chrome', '-o', out]);
    const trace = JSON.parse(readFileSync(out, 'utf8')) as { traceEvents: { ph: string; name: string; pid: number; tid: number; args?: { name?: string } }[] };
    const named = trace.traceEvents.filter((e) => e.name === 'process_name');
    assert.equal(new Set(named.map((e) => e.pid)).size, 2, 'two process tracks');
    assert.deepEqual(named.map((e) => e.args!.name!.split(':')[0]).sort(), [...SAME_PID_HOSTS]);
    for (const e of named) {
      const spans = trace.traceEvents.filter((x) => x.ph === 'X' && x.pid === e.pid);
      assert.ok(spans.some((x) => x.name === 'GIL held'), `${e.args!.name} has its own spans`);
    }
    const speedscope = join(dirname(dir), 'profile.speedscope.json');
    await runOk(process.execPath, [CLI, 'export', dir, '--format', 'speedscope', '-o', speedscope]);
    const names = (JSON.parse(readFileSync(speedscope, 'utf8')) as { profiles: { name: string }[] }).profiles.map((p) => p.name);
    for (const k of keys) assert.ok(names.some((n) => n.includes(`pid ${k},`)), names.join('; '));
  });

  it('the language server reads them, each process\'s threads counted once', () => {
    const loaded = loadServerRecording(dir);
    const file = [...loaded.files.entries()].find(([path]) => path.endsWith('cpu_threads.py'));
    assert.ok(file, [...loaded.files.keys()].join(', '));
    const workers = file[1].threads.filter((t) => t.name.startsWith('cpu-'));
    assert.equal(workers.length, 4, 'two cpu threads of each process');
    assert.notEqual(recordingSignature(dir).slice(0, 6), 'error:');
  });
});
