import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { SilentReporter, downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { repoRoot } from '../support/repoRoot';
import { testCacheRoot } from './install';
import { ENV } from './protocol';
import { reportResults, waitForResults } from './results';
import { createRunFolders, removeRunFolders, skipOrFail } from './runFolders';

/**
 * The same suites in desktop VS Code, the usual way: @vscode/test-electron downloads a VS Code
 * build (cached in the test cache, not in the repository) and starts it with
 * --extensionDevelopmentPath and --extensionTestsPath. Where VS Code cannot be downloaded (the
 * machines of this project reach only the npm registry and Debian) or no X display is there to
 * show it, the test is skipped with that reason: runCodeServer.ts is the runner that works there.
 */
const SUITE_INDEX = join(repoRoot, 'out/integration/suite/index.js');

export async function runSuiteInElectron(t: TestContext, { label = 'electron' } = {}): Promise<void> {
  let executable: string;
  try {
    executable = await downloadAndUnzipVSCode({
      version: 'stable',
      cachePath: join(testCacheRoot(), 'vscode-test'),
      timeout: 15_000,
      reporter: new SilentReporter(),
    });
  } catch (error) {
    skipOrFail(t, `VS Code could not be downloaded (${error instanceof Error ? error.message : String(error)}); runCodeServer.ts runs the suites in code-server instead`);
    return;
  }
  if (!process.env.DISPLAY) {
    skipOrFail(t, `VS Code is at ${executable} but there is no X display to start it on (run under xvfb-run)`);
    return;
  }
  if (!existsSync(SUITE_INDEX)) throw new Error(`${SUITE_INDEX} is missing: run the build (npm test does)`);

  const folders = createRunFolders(label);
  try {
    // runTests rejects when VS Code exits non-zero, which the suite index causes when a test
    // fails; the results file says which, so read it either way.
    const run = runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: SUITE_INDEX,
      extensionTestsEnv: {
        [ENV.results]: folders.results,
        [ENV.userDataDir]: folders.userDataDir,
        [ENV.extensionPath]: repoRoot,
        ...(folders.python ? { [ENV.python]: JSON.stringify(folders.python) } : {}),
      },
      launchArgs: [folders.workspace, '--user-data-dir', folders.userDataDir, '--extensions-dir', folders.extensionsDir, '--disable-workspace-trust', '--disable-gpu'],
    });
    const exit = await Promise.race([
      run.catch((error: unknown) => error),
      new Promise((resolve) => setTimeout(() => resolve(new Error('VS Code did not finish within 5 minutes')), 5 * 60_000).unref()),
    ]);
    const results = await waitForResults({
      paths: [folders.results, folders.fallbackResults],
      timeoutMs: 1_000,
      broken: () => `VS Code ended (${exit instanceof Error ? exit.message : `exit ${String(exit)}`})`,
    });
    await reportResults(t, results);
  } finally {
    removeRunFolders(folders);
  }
}
