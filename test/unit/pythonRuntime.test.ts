import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findPythons } from '../support/pythons';
import type { PythonInterpreter } from '../support/pythons';
import { runtimePythonPath } from '../support/recordWorkload';
import { repoRoot } from '../support/repoRoot';
import { runProcess } from '../support/runProcess';

/** The runtime's own unittest suite, run once under every CPython 3.8+ on the machine. */
const testsDir = join(repoRoot, 'runtime/tests');
const UNITTEST_ARGS = ['-m', 'unittest', 'discover', '-s', 'runtime/tests', '-t', 'runtime', '-v'];
const TIMEOUT_MS = 10 * 60_000;

// A suite, not a test: with no runtime tests yet, every interpreter shows as skipped and nothing passes.
describe('runtime unittest suite', async () => {
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
      const { code, output } = await runUnittest(python);
      assert.equal(code, 0, `unittest failed under ${python.executable} (exit ${code}):\n${output}`);
      const ran = /^Ran (\d+) tests? in .*$/m.exec(output);
      assert.ok(ran && Number(ran[1]) > 0, `unittest ran no tests under ${python.executable}:\n${output}`);
      t.diagnostic(ran[0]);
    });
  }
});

/** unittest's default discovery pattern is test*.py, searched recursively. */
function containsTestFile(dir: string): boolean {
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).some((p) => /(^|[\\/])test[^\\/]*\.py$/.test(p));
}

async function runUnittest(python: PythonInterpreter): Promise<{ code: number | null; output: string }> {
  const ran = await runProcess(python.executable, UNITTEST_ARGS, {
    env: { ...process.env, PYTHONPATH: runtimePythonPath(), PYTHONDONTWRITEBYTECODE: '1' },
    timeoutMs: TIMEOUT_MS,
  });
  const output = `${ran.stdout}${ran.stderr}`;
  return { code: ran.code, output: ran.signal ? `${output}\n(killed by ${ran.signal} after ${TIMEOUT_MS / 1000} s at most)` : output };
}
