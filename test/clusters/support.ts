import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { analyzeRecording } from '../../src/core/analysis/recordingSession';
import type { RecordingAnalysis } from '../../src/core/analysis/recordingSession';
import { buildReport } from '../../src/core/report/buildReport';
import type { Report } from '../../src/core/report/schema';
import { gilscope } from '../support/gilscopeCli';
import { findPythons } from '../support/pythons';
import { tempDir } from '../support/recordingFixtures';
import { runtimePythonPath } from '../support/recordWorkload';
import { repoRoot } from '../support/repoRoot';
import { runOk } from '../support/runProcess';

/**
 * What the cluster tests need (docs/clusters.md): Ray and ppft in a CPython
 * 3.11 venv (Ray has cp311 wheels only) from pip's configured index, made
 * once in a per-user cache outside the clone and reused; Dask distributed
 * from the CPython 3.14 that `npm run pythons` installs (sid's
 * python3-distributed). Nothing is skipped: a missing piece fails the test
 * that needs it, saying what to do.
 */

export const CLUSTERS = join(repoRoot, 'test/clusters');
const CACHE = join(process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'gilscope-test', 'venvs');
const VENV = join(CACHE, 'clusters-311');
const PACKAGES = ['ray==2.58.0', 'ppft==1.7.8'] as const;
const PYTHON_311 = process.env['GILSCOPE_TEST_PYTHON311'] || 'python3.11';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The 3.11 venv with Ray and ppft: made on first use (a lock folder keeps two test processes from making it at once). */
export async function clusterVenv(): Promise<string> {
  const python = join(VENV, 'bin', 'python');
  const marker = join(VENV, '.gilscope-ready');
  const want = createHash('sha256').update(PACKAGES.join(' ')).digest('hex').slice(0, 16);
  const ready = () => existsSync(marker) && readFileSync(marker, 'utf8').trim() === want;
  if (ready()) return python;
  mkdirSync(CACHE, { recursive: true });
  const lock = `${VENV}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0) > 20 * 60_000) rmSync(lock, { recursive: true, force: true });
      await sleep(1000);
      if (ready()) return python;
    }
  }
  try {
    if (ready()) return python;
    rmSync(VENV, { recursive: true, force: true });
    await runOk(PYTHON_311, ['-m', 'venv', VENV], { timeoutMs: 300_000 });
    await runOk(python, ['-m', 'pip', 'install', '--retries', '0', '--timeout', '15', '--quiet', ...PACKAGES], {
      env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' },
      timeoutMs: 15 * 60_000,
    });
    writeFileSync(marker, `${want}\n`);
    return python;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** CPython 3.14 from `npm run pythons`, with sid's dask and distributed. */
export async function python314(): Promise<string> {
  const found = (await findPythons({ include: ['3.14'] })).find((p) => p.tag === '3.14');
  if (!found) throw new Error('CPython 3.14 is missing: run `npm run pythons` (it installs 3.14 with dask and distributed)');
  return found.executable;
}

export interface ClusterRun {
  readonly dir: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly truth: Record<string, unknown>;
  readonly analysis: RecordingAnalysis;
  readonly report: Report;
}

export function reportOf(dir: string): { analysis: RecordingAnalysis; report: Report } {
  const analysis = analyzeRecording(dir);
  return { analysis, report: buildReport(analysis) };
}

function truthOf(stdout: string): Record<string, unknown> {
  const line = stdout.split('\n').find((l) => l.startsWith('GILSCOPE-TRUTH '));
  return line ? JSON.parse(line.slice('GILSCOPE-TRUTH '.length)) as Record<string, unknown> : {};
}

/** `gilscope record -o DIR --no-fallback -- COMMAND`, with the runtime on PYTHONPATH (for `import gilscope.ray`). */
export async function recordCluster(name: string, command: readonly string[], timeoutMs = 300_000): Promise<ClusterRun> {
  const dir = join(tempDir(`gilscope-cluster-${name}-`), `${name}.gilscope`);
  const ran = await gilscope(['record', '-o', dir, '--no-fallback', '--', ...command], {
    env: { GILSCOPE_TRUTH: '1', PYTHONPATH: runtimePythonPath() },
    timeoutMs,
  });
  if (ran.code !== 0) throw new Error(`gilscope record ${command.join(' ')} ended with ${ran.code ?? ran.signal}:\n${ran.stderr.slice(-3000)}`);
  return { dir, stdout: ran.stdout, stderr: ran.stderr, truth: truthOf(ran.stdout), ...reportOf(dir) };
}
