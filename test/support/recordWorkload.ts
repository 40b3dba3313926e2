import { delimiter, join } from 'node:path';
import { tempDir } from './recordingFixtures';
import { repoRoot } from './repoRoot';
import { runOk } from './runProcess';
import type { Ran } from './runProcess';

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

/** PYTHONPATH with the runtime's package first, so that `python -m gilscope.run` is this repository's. */
export function runtimePythonPath(): string {
  return [join(repoRoot, 'runtime/python'), process.env['PYTHONPATH']].filter(Boolean).join(delimiter);
}

/**
 * `PYTHON -m gilscope.run --no-fallback -o DIR SCRIPT ARGS`: an exact recording made by the
 * runtime's own launcher, with `env` added to the environment; rejects with the launcher's
 * output when it fails.
 */
export function recordWithRuntime(
  python: string,
  dir: string,
  script: string,
  args: readonly string[],
  options: { env?: Readonly<Record<string, string>>; timeoutMs?: number } = {},
): Promise<Ran> {
  return runOk(python, ['-m', 'gilscope.run', '--no-fallback', '-o', dir, script, ...args], {
    env: { ...process.env, PYTHONPATH: runtimePythonPath(), PYTHONDONTWRITEBYTECODE: '1', ...options.env },
    timeoutMs: options.timeoutMs,
  });
}

/**
 * Records `test/workloads/<name>.py [args]` exactly with the runtime and GILSCOPE_TRUTH=1;
 * resolves to the recording and the truth line, or rejects with the launcher's output.
 */
export async function recordWorkload(name: string, args: readonly string[] = []): Promise<Recorded> {
  const dir = join(tempDir('gilscope-recorded-'), `${name}.gilscope`);
  const script = join(repoRoot, 'test/workloads', `${name}.py`);
  const ran = await recordWithRuntime(TEST_PYTHON, dir, script, args, { env: { GILSCOPE_TRUTH: '1' }, timeoutMs: TIMEOUT_MS });
  const line = ran.stdout.trimEnd().split('\n').pop() ?? '';
  if (!line.startsWith(TRUTH_PREFIX)) throw new Error(`recording ${name} printed no truth line:\n${ran.stderr}\n${ran.stdout.slice(-2000)}`);
  return { dir, truth: JSON.parse(line.slice(TRUTH_PREFIX.length)) as Truth, script, seconds: ran.seconds };
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

/** A marker's line numbers (the `# MARKER` comments of the workload). */
export function markerLines(truth: Truth, marker: string): readonly number[] {
  const lines = truth.markers?.[marker];
  if (!lines || lines.length === 0) throw new Error(`the truth of ${truth.workload} has no marker ${marker}`);
  return lines;
}
