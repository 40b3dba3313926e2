import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { tempDir } from '../../support/recordingFixtures';
import { runOk } from '../../support/runProcess';
import { SCENARIO_PYTHON } from './record';

/**
 * What the scenarios build before they run: C code with gcc into a temp
 * dir, and a virtualenv with numpy, numba, Cython, joblib and greenlet from
 * the machine's configured package index, in a cache folder outside the
 * repository, made once (idempotent, and safe when two test processes ask
 * at once).
 */

export const CACHE = join(process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'gilscope-test');
export const VENV = join(CACHE, 'scenario-venv');
// joblib 1.6 or newer: the joblib_backends scenario checks the worker counts of its loky and multiprocessing backends.
export const VENV_PACKAGES = ['numpy', 'numba', 'cython', 'joblib>=1.6', 'greenlet', 'setuptools'] as const;
export const VENV_PYTHON = join(VENV, 'bin', 'python');
const VENV_READY = join(VENV, '.gilscope-ready');

/** `gcc args...` in a fresh temp dir; resolves to that dir. */
export async function gcc(args: readonly string[], prefix = 'gilscope-scenario-c-'): Promise<string> {
  const dir = tempDir(prefix);
  await runOk('gcc', args, { cwd: dir });
  return dir;
}

/** The include folder, extension suffix and library folder of an interpreter. */
export async function pythonBuildInfo(python: string): Promise<{ include: string; extSuffix: string; libdir: string; ldlibrary: string; version: string }> {
  const { stdout } = await runOk(python, ['-c',
    'import json, sysconfig; v = sysconfig.get_config_var; print(json.dumps({"include": sysconfig.get_paths()["include"], ' +
    '"extSuffix": v("EXT_SUFFIX"), "libdir": v("LIBDIR"), "ldlibrary": v("LDLIBRARY"), "version": v("VERSION")}))']);
  return JSON.parse(stdout) as { include: string; extSuffix: string; libdir: string; ldlibrary: string; version: string };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * The scenario virtualenv, created on first use with SCENARIO_PYTHON (3.11)
 * and the packages installed from the machine's configured index (pip's own
 * configuration; no other registry is asked). A second caller waits for the
 * first. Resolves to the venv's python, or rejects saying what failed.
 */
export async function scenarioVenv(): Promise<string> {
  const want = createHash('sha256').update(VENV_PACKAGES.join(' ')).digest('hex').slice(0, 16);
  const ready = () => existsSync(VENV_READY) && readFileSync(VENV_READY, 'utf8').trim() === want;
  if (ready()) return VENV_PYTHON;
  mkdirSync(CACHE, { recursive: true });
  const lock = `${VENV}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test process is building it; a lock older than 20 minutes is stale.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 20 * 60_000) rmSync(lock, { recursive: true, force: true });
      await sleep(1000);
      if (ready()) return VENV_PYTHON;
    }
  }
  try {
    if (ready()) return VENV_PYTHON;
    rmSync(VENV, { recursive: true, force: true });
    await runOk(SCENARIO_PYTHON, ['-m', 'venv', VENV], { timeoutMs: 300_000 });
    // pip's configured indexes (the machine's local wheel index); an unreachable default index fails fast.
    await runOk(VENV_PYTHON, ['-m', 'pip', 'install', '--retries', '0', '--timeout', '15', '--quiet', ...VENV_PACKAGES], {
      env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' },
      timeoutMs: 15 * 60_000,
    });
    writeFileSync(VENV_READY, `${want}\n`);
    return VENV_PYTHON;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
