import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { SpawnSyncOptions } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { repoRoot } from './repoRoot';
import { TEST_PYTHON } from './recordWorkload';

/**
 * The two launchers, driven the same way so that a test of what a user (or
 * an attacker) can do to one is run on both: `gilscope record` (Node) and
 * `python -m gilscope.run` (the runtime alone).
 */
export interface Launcher {
  readonly name: string;
  /** The command line that records `python SCRIPT ARGS…` into `out`, with the launcher's `options` (--no-fallback…). */
  argv(out: string, script: readonly string[], options?: readonly string[]): string[];
}

const CLI = join(repoRoot, 'dist/cli.js');

export const LAUNCHERS: readonly Launcher[] = [
  {
    name: 'gilscope record',
    argv: (out, script, options = []) => [process.execPath, CLI, 'record', '-o', out, ...options, '--', TEST_PYTHON, ...script],
  },
  {
    name: 'python -m gilscope.run',
    argv: (out, script, options = []) => [TEST_PYTHON, '-m', 'gilscope.run', '-o', out, ...options, ...script],
  },
];

/** The environment the launchers run in: the runtime importable (for python -m gilscope.run), no colour. */
export function launcherEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const pythonPath = [join(repoRoot, 'runtime/python'), process.env['PYTHONPATH']].filter(Boolean).join(delimiter);
  return { ...process.env, PYTHONPATH: pythonPath, PYTHONDONTWRITEBYTECODE: '1', NO_COLOR: '1', ...extra };
}

export interface Launched {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runLaunched(argv: readonly string[], options: SpawnSyncOptions = {}): Launched {
  const r = spawnSync(argv[0]!, argv.slice(1), {
    encoding: 'utf8',
    timeout: 120_000,
    cwd: repoRoot,
    env: launcherEnv(),
    ...options,
  });
  if (r.error) throw r.error;
  return { code: r.status, signal: r.signal, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/**
 * The probe built for TEST_PYTHON in the default cache, so that no later run prints "building the probe";
 * returns the environment that hands it to a workload's processes (runtime/python/gilscope/probe_handoff.py).
 */
export function prepareTestPython(): Record<string, string> {
  const r = runLaunched([TEST_PYTHON, '-m', 'gilscope.prepare']);
  if (r.code !== 0) throw new Error(`gilscope.prepare failed: ${r.stdout}${r.stderr}`);
  return (JSON.parse(r.stdout) as { handoff?: Record<string, string> }).handoff ?? {};
}

/** Where the probe of TEST_PYTHON lives in the cache `cacheRoot` (runtime/python/gilscope/_build.py). */
export function probePathIn(cacheRoot: string): string {
  const r = runLaunched([TEST_PYTHON, '-c', 'from gilscope import _build; print(_build.probe_path())'], { env: launcherEnv({ GILSCOPE_CACHE: cacheRoot }) });
  if (r.code !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

/** Whether the process is gone: no longer in /proc, or a zombie nobody has reaped yet. */
export function processGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return !existsSync(`/proc/${pid}`);
  }
}

/** The one line a refusal prints; fails on more, or on a stack trace. */
export function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${stderr}`);
  assert.doesNotMatch(stderr, /\n\s+at |Traceback/, 'no stack trace');
  return lines[0]!;
}
