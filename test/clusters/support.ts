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
import { cachedVenv, TEST_CACHE } from '../support/cachedVenv';

/**
 * What the cluster tests need (docs/clusters.md): Ray and ppft in a CPython
 * 3.11 venv (Ray has cp311 wheels only) from pip's configured index, made
 * once in a per-user cache outside the clone and reused; Dask distributed
 * from the CPython 3.14 that `npm run pythons` installs (sid's
 * python3-distributed). Nothing is skipped: a missing piece fails the test
 * that needs it, saying what to do.
 */

export const CLUSTERS = join(repoRoot, 'test/clusters');
const VENV = join(TEST_CACHE, 'venvs', 'clusters-311');
const PACKAGES = ['ray==2.58.0', 'ppft==1.7.8'] as const;
const PYTHON_311 = process.env['GILSCOPE_TEST_PYTHON311'] || 'python3.11';

/** The 3.11 venv with Ray and ppft: made on first use (a lock folder keeps two test processes from making it at once). */
export function clusterVenv(): Promise<string> {
  return cachedVenv(VENV, PYTHON_311, PACKAGES);
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
