import { test } from 'node:test';
import { runSuiteInCodeServer } from './runCodeServer';

/**
 * The integration suites (test/integration/suite/*.itest.ts) against the extension under
 * development (this repository's build), in code-server driven by headless Chromium.
 * Fails, with the reason, where code-server cannot be installed.
 */
test('in code-server, with gilscope as the extension under development', { timeout: 35 * 60_000 }, async (t) => {
  await runSuiteInCodeServer(t, { label: 'code-server-dev' });
});
