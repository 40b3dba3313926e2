import { test } from 'node:test';
import { runSuiteInElectron } from './runElectron';

/** The integration suites in desktop VS Code via @vscode/test-electron; skipped where VS Code cannot be downloaded. */
test('in desktop VS Code (@vscode/test-electron)', { timeout: 10 * 60_000 }, async (t) => {
  await runSuiteInElectron(t);
});
