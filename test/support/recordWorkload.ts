import { spawn } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { tempDir } from './recordingFixtures';
import { repoRoot } from './repoRoot';

/** The interpreter the recorded tests use: one, so the suite stays short (GILSCOPE_TEST_PYTHON overrides). */
export const TEST_PYTHON = process.env['GILSCOPE_TEST_PYTHON'] || 'python3';

const TRUTH_PREFIX = 'GILSCOPE-TRUTH ';
const TIMEOUT_MS = 120_000;

/** The workload's own measurement (test/workloads/README.md, "Truth line"). */
export interface Truth {
  readonly workload: string;
  readonly pid: number;
  readonly markers?: Readonly<Record<string, readonly number[]>>;
  readonly machine?: { readonly foreign_cpus: number | null };
  readonly [key: string]: unknown;
}

export interface Recorded {
  /** The recording directory. */
  readonly dir: string;
  readonly truth: Truth;
  /** The workload's file, as the recording names it. */
  readonly script: string;
  /** Seconds the recording took, launcher included. */
  readonly seconds: number;
}

/**
 * Records `test/workloads/<name>.py [args]` exactly with the runtime
 * (`python -m gilscope.run --no-fallback`) and GILSCOPE_TRUTH=1; resolves to
 * the recording and the truth line, or rejects with the launcher's output.
 */
export function recordWorkload(name: string, args: readonly string[] = []): Promise<Recorded> {
  const dir = join(tempDir('gilscope-recorded-'), `${name}.gilscope`);
  const script = join(repoRoot, 'test/workloads', `${name}.py`);
  const pythonPath = [join(repoRoot, 'runtime/python'), process.env['PYTHONPATH']].filter(Boolean).join(delimiter);
  const started = performance.now();
  const child = spawn(TEST_PYTHON, ['-m', 'gilscope.run', '--no-fallback', '-o', dir, script, ...args], {
    cwd: repoRoot,
    env: { ...process.env, PYTHONPATH: pythonPath, GILSCOPE_TRUTH: '1', PYTHONDONTWRITEBYTECODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: TIMEOUT_MS,
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const line = stdout.trimEnd().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith(TRUTH_PREFIX)) {
        reject(new Error(`recording ${name} failed (exit ${code ?? signal}):\n${stderr}\n${stdout.slice(-2000)}`));
        return;
      }
      resolve({ dir, truth: JSON.parse(line.slice(TRUTH_PREFIX.length)) as Truth, script, seconds: (performance.now() - started) / 1e3 });
    });
  });
}

/** Recordings made once per test file (per process) and shared by its tests. */
const made = new Map<string, Promise<Recorded>>();

export function recordOnce(name: string, args: readonly string[] = []): Promise<Recorded> {
  const key = [name, ...args].join('\0');
  let r = made.get(key);
  if (!r) {
    r = recordQuietly(name, args);
    made.set(key, r);
  }
  return r;
}

/** CPUs other programs used while the workload ran (0 when its truth line does not say). */
export function foreignCpus(r: Recorded): number {
  return r.truth.machine?.foreign_cpus ?? 0;
}

/**
 * The answers the workloads state are CPython's on a machine with a CPU to spare: a
 * recording made while other programs used a third of a CPU or more is made again, at
 * most twice, and the quietest kept.
 */
async function recordQuietly(name: string, args: readonly string[]): Promise<Recorded> {
  const runs = [await recordWorkload(name, args)];
  while (runs.length < 3 && foreignCpus(runs[runs.length - 1]!) > 0.3) runs.push(await recordWorkload(name, args));
  return runs.reduce((a, b) => (foreignCpus(b) < foreignCpus(a) ? b : a));
}

/** The machine was busy with other processes during the run: shares measured by CPU time cannot be trusted. */
export function machineBusy(truth: Truth): boolean {
  const foreign = truth.machine?.foreign_cpus;
  return typeof foreign === 'number' && foreign > 0.1;
}

/** A marker's line numbers (the `# MARKER` comments of the workload). */
export function markerLines(truth: Truth, marker: string): readonly number[] {
  const lines = truth.markers?.[marker];
  if (!lines || lines.length === 0) throw new Error(`the truth of ${truth.workload} has no marker ${marker}`);
  return lines;
}
