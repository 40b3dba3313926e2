import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/repoRoot';
import { TEST_HOST_EXTENSION, runSuiteInCodeServer } from './runCodeServer';

/**
 * The .vsix a user installs: packaged from this build exactly as `npm run package` does after
 * its build (vsce on the dist/ that `npm test` just built; running `npm run package` here would
 * rebuild out/ under the running tests), installed with `code-server --install-extension`, and
 * the activation suite and the whole profile flow (profile.itest.ts: record, report, lenses,
 * diagnostics, a quick fix) run against it. The runner tells the suites to expect gilscope's
 * `extensionPath` in the run's extensions folder, so a pass proves the installed copy ran.
 * The reliability suite tests the session, which is the same code in both: it runs only on the
 * development path (codeServer.test.ts), to keep the integration layer within its time.
 */
test('in code-server, with gilscope installed from its .vsix', { timeout: 35 * 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gilscope-itest-vsix-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const vsix = join(dir, 'gilscope.vsix');
  const packaged = spawnSync(process.execPath, [join(repoRoot, 'scripts/packageVsix.mjs'), vsix], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 110_000,
  });
  assert.equal(packaged.status, 0, `vsce package failed:\n${packaged.stdout}\n${packaged.stderr}`);

  await runSuiteInCodeServer(t, {
    label: 'code-server-vsix',
    vsixFiles: [vsix],
    extensionDevelopmentPath: TEST_HOST_EXTENSION,
    suiteFiles: /^(activation|profile)\.itest\.ts$/,
  });
});
