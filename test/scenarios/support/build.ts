import { join } from 'node:path';
import { cachedVenv, TEST_CACHE } from '../../support/cachedVenv';
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

const VENV = join(TEST_CACHE, 'scenario-venv');
// joblib 1.6 or newer: the joblib_backends scenario checks the worker counts of its loky and multiprocessing backends.
const VENV_PACKAGES = ['numpy', 'numba', 'cython', 'joblib>=1.6', 'greenlet', 'setuptools'] as const;

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

/**
 * The scenario virtualenv, created on first use with SCENARIO_PYTHON (3.11)
 * and the packages installed from the machine's configured index (pip's own
 * configuration; no other registry is asked). A second caller waits for the
 * first. Resolves to the venv's python, or rejects saying what failed.
 */
export function scenarioVenv(): Promise<string> {
  return cachedVenv(VENV, SCENARIO_PYTHON, VENV_PACKAGES);
}
