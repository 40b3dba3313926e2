import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findPythons } from '../support/pythons';
import { runtimePythonPath } from '../support/recordWorkload';
import { runProcess } from '../support/runProcess';

/**
 * runtime/tests/test_attach.py (the attached recording's accuracy: four threads named,
 * a quarter each, nothing left behind) on each CPython 3.14+ that the runtime's own
 * suite (pythonRuntime.test.ts) leaves out while findPythons() lists the new
 * interpreters only on request. Once it lists them by default, this adds nothing.
 */
describe('runtime attach tests on CPython 3.14+', async () => {
  const listed = new Set((await findPythons()).map((p) => p.executable));
  const attachable = (await findPythons({ include: ['3.14', '3.15'] })).filter((p) => p.version[1] >= 14 && !listed.has(p.executable));
  for (const python of attachable) {
    it(`python ${python.versionText} (${python.executable})`, async () => {
      const ran = await runProcess(python.executable, ['-m', 'unittest', 'runtime.tests.test_attach', '-v'], {
        env: { ...process.env, PYTHONPATH: runtimePythonPath(), PYTHONDONTWRITEBYTECODE: '1' },
        timeoutMs: 5 * 60_000,
      });
      const output = `${ran.stdout}${ran.stderr}`;
      assert.equal(ran.code, 0, output);
      assert.match(output, /^Ran \d+ tests? in/m);
      assert.doesNotMatch(output, /skipped '/, 'none skipped on 3.14+');
    });
  }
});
