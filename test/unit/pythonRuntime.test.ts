import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findPythons } from '../support/pythons';
import type { PythonInterpreter } from '../support/pythons';
import { runtimePythonPath } from '../support/recordWorkload';
import { repoRoot } from '../support/repoRoot';
import { runProcess } from '../support/runProcess';

/**
 * The runtime's own unittest suite (runtime/tests): every module that records, samples or
 * reads an interpreter's internals under each CPython 3.8+ of the list, and the few that test
 * pure Python (runtime/tests/__init__.py, ONCE) under the oldest only.
 *
 * Two interpreters run at a time: each suite keeps one core busy about half of its time (it
 * waits for its workloads' sleeps, pools and process starts). What the machine's load can
 * move, a test judges against the load its recording measured, or records again.
 */
const testsDir = join(repoRoot, 'runtime/tests');
const UNITTEST_ARGS = ['-m', 'unittest', 'discover', '-s', 'runtime/tests', '-t', 'runtime', '-v'];
const TIMEOUT_MS = 10 * 60_000;
const CONCURRENCY = 2;

// A suite, not a test: with no runtime tests yet, every interpreter shows as skipped and nothing passes.
describe('runtime unittest suite', { concurrency: CONCURRENCY }, async () => {
  const pythons = await findPythons();
  const hasTestFiles = containsTestFile(testsDir);
  if (pythons.length === 0) {
    it('finds a CPython 3.8 or newer', () => {
      assert.fail("none found in the list of 'npm run pythons' (pyenv's, Debian's python3)");
    });
  }
  for (const python of pythons) {
    it(`python ${python.versionText} (${python.executable})`, async (t) => {
      if (!hasTestFiles) {
        t.skip('runtime/tests has no test*.py files yet');
        return;
      }
      t.diagnostic(await runSuite(python, 'per-version'));
    });
  }
  const oldest = pythons[0];
  if (oldest) {
    it(`the version-independent modules, once: python ${oldest.versionText} (${oldest.executable})`, async (t) => {
      if (!hasTestFiles) {
        t.skip('runtime/tests has no test*.py files yet');
        return;
      }
      t.diagnostic(await runSuite(oldest, 'once'));
    });
  }
});

/** unittest's default discovery pattern is test*.py, searched recursively. */
function containsTestFile(dir: string): boolean {
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).some((p) => /(^|[\\/])test[^\\/]*\.py$/.test(p));
}

/** Runs the modules GILSCOPE_RUNTIME_TESTS=`which` selects; returns unittest's "Ran N tests in T s" line. */
async function runSuite(python: PythonInterpreter, which: 'per-version' | 'once'): Promise<string> {
  const ran = await runProcess(python.executable, UNITTEST_ARGS, {
    env: { ...process.env, PYTHONPATH: runtimePythonPath(), PYTHONDONTWRITEBYTECODE: '1', GILSCOPE_RUNTIME_TESTS: which },
    timeoutMs: TIMEOUT_MS,
  });
  const output = `${ran.stdout}${ran.stderr}${ran.signal ? `\n(killed by ${ran.signal} after ${TIMEOUT_MS / 1000} s at most)` : ''}`;
  assert.equal(ran.code, 0, `unittest failed under ${python.executable} (exit ${ran.code}):\n${output}`);
  const count = /^Ran (\d+) tests? in .*$/m.exec(output);
  assert.ok(count && Number(count[1]) > 0, `unittest ran no tests under ${python.executable}:\n${output}`);
  return count[0];
}
