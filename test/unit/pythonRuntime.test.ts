import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, it } from 'node:test';
import { findPythons } from '../support/pythons';
import type { PythonInterpreter } from '../support/pythons';
import { runtimePythonPath } from '../support/recordWorkload';
import { repoRoot } from '../support/repoRoot';
import { runProcess } from '../support/runProcess';
import type { Ran } from '../support/runProcess';
import { atQuietMoment } from '../support/quietMoment';

/**
 * The runtime's own unittest suite (runtime/tests): every module that records, samples or
 * reads an interpreter's internals under each CPython 3.8+ of the list, and the few that test
 * pure Python (runtime/tests/__init__.py, ONCE) under the oldest only.
 *
 * Two interpreters run at a time: each suite keeps one core busy about half of its time (it
 * waits for its workloads' sleeps, pools and process starts). What the machine's load can
 * move, a test judges against the load its recording measured, or records again. A test that
 * still fails an assertion (FAIL, never ERROR: an exception or a crash is not retried) runs once
 * more, alone, at a quieter moment (test/support/quietMoment.ts), and the diagnostic names it
 * with both machines' loads: a defect fails there too, and a retry is never silent.
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

/** Runs the modules GILSCOPE_RUNTIME_TESTS=`which` selects; returns unittest's "Ran N tests in T s" line, and what was retried. */
async function runSuite(python: PythonInterpreter, which: 'per-version' | 'once'): Promise<string> {
  const env = { ...process.env, PYTHONPATH: runtimePythonPath(), PYTHONDONTWRITEBYTECODE: '1', GILSCOPE_RUNTIME_TESTS: which };
  const ran = await runProcess(python.executable, UNITTEST_ARGS, { env, timeoutMs: TIMEOUT_MS });
  const output = outputOf(ran);
  const count = /^Ran (\d+) tests? in .*$/m.exec(output);
  if (ran.code !== 0) {
    const failed = failedAssertions(output);
    const errors = /^ERROR: /m.test(output);
    // only a run that ended with its summary and failed nothing but assertions, three at most
    assert.ok(count && !errors && failed.length > 0 && failed.length <= 3, `unittest failed under ${python.executable} (exit ${ran.code}):\n${output}`);
    const retried = await atQuietMoment(() =>
      runProcess(python.executable, ['-m', 'unittest', '-v', ...failed], { env: { ...env, PYTHONPATH: `${runtimePythonPath()}${delimiter}${join(repoRoot, 'runtime')}` }, timeoutMs: TIMEOUT_MS }),
    );
    const again = outputOf(retried.value);
    assert.equal(retried.value.code, 0, `unittest failed under ${python.executable}, and again when retried alone at a quieter moment (${cpus(retried.busyBefore)}):\n${again}\n\nthe first run:\n${output}`);
    return `${count[0]}; ${failed.join(', ')} failed an assertion (${assertions(output)}) and passed retried alone at a quieter moment (${cpus(retried.busyBefore)})`;
  }
  assert.ok(count && Number(count[1]) > 0, `unittest ran no tests under ${python.executable}:\n${output}`);
  return count[0];
}

function outputOf(ran: Ran): string {
  return `${ran.stdout}${ran.stderr}${ran.signal ? `\n(killed by ${ran.signal} after ${TIMEOUT_MS / 1000} s at most)` : ''}`;
}

function cpus(busy: number | null): string {
  return busy === null ? "the machine's load unknown" : `${busy.toFixed(2)} CPUs busy just before`;
}

/**
 * The ids of the tests that failed an assertion, from unittest's "FAIL: name (id)" lines:
 * `tests.mod.Class.name` from 3.11 on, `tests.mod.Class` before.
 */
function failedAssertions(output: string): string[] {
  const ids = new Set<string>();
  for (const m of output.matchAll(/^FAIL: (\w+) \(([\w.]+)\)/gm)) {
    const [, name, where] = m as unknown as [string, string, string];
    ids.add(where.endsWith(`.${name}`) ? where : `${where}.${name}`);
  }
  return [...ids];
}

/** The failed assertions' messages, for the diagnostic: what a retry that passed leaves to go on. */
function assertions(output: string): string {
  const said = [...output.matchAll(/^AssertionError: (.*)$/gm)].map((m) => m[1]!.slice(0, 300));
  return said.length > 0 ? said.join('; ') : 'no message';
}
