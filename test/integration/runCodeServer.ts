import { copyFileSync, cpSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { TestContext } from 'node:test';
import { repoRoot } from '../support/repoRoot';
import { HeadlessChromium } from './browser';
import { CodeServerProcess, codeServerCommand } from './codeServerProcess';
import { ensureCodeServer } from './install';
import { ENV } from './protocol';
import { reportResults, waitForResults } from './results';
import { type RunFolders, createRunFolders, removeRunFolders } from './runFolders';
import { WorkbenchDriver } from './workbenchDriver';

/**
 * Runs the integration suites (out/integration/suite/index.js) inside a real VS Code: code-server
 * serving the workbench to headless Chromium, the suites running in its Node extension host.
 *
 * The workbench URL's `payload` query parameter is how VS Code for the web receives what the
 * desktop gets as command-line flags: `extensionDevelopmentPath` (loaded as in F5),
 * `extensionTestsPath` (the suite index, whose `run()` the extension host awaits once the
 * extensions are up) and `extensionEnvironment` (variables for the extension host). A built
 * workbench honours them only with the smoke-test driver on, which code-server passes through
 * to VS Code (`--vscode-option enable-smoke-test-driver`, codeServerProcess.ts). The extension
 * host refuses `extensionTestsPath` without an `extensionDevelopmentPath` ("Cannot load test
 * runner"), so a run of an installed .vsix gives the small test-host extension of
 * fixtures/testHost as the development path.
 */
export interface CodeServerRunOptions {
  /** Names the run; its screenshots and logs go to test-results/integration/LABEL/. */
  readonly label: string;
  /** Folder of the extension loaded in development mode. Default: the repository (gilscope itself). */
  readonly extensionDevelopmentPath?: string;
  /** .vsix files installed into the run's fresh extensions folder before the editor starts. */
  readonly vsixFiles?: readonly string[];
  /** Extra variables for the extension host (the suites see them in process.env). */
  readonly extensionEnv?: Readonly<Record<string, string>>;
  /** Only the suite files whose name matches (ENV.files); the tests of the others are reported skipped. Default: all. */
  readonly suiteFiles?: RegExp;
  /** How long the suites may take once the workbench is up. Default 300 s. */
  readonly suiteTimeoutMs?: number;
}

/** The fixture extension used as development path when gilscope itself comes from a .vsix. */
export const TEST_HOST_EXTENSION = join(repoRoot, 'test/integration/fixtures/testHost');

const SUITE_INDEX = join(repoRoot, 'out/integration/suite/index.js');

export async function runSuiteInCodeServer(t: TestContext, options: CodeServerRunOptions): Promise<void> {
  const install = await ensureCodeServer();
  // Never a skip: the README promises these suites, and a skipped test reads as nothing wrong.
  if (!install.ok) throw new Error(`the integration suites cannot run: ${install.reason}`);
  const { installed } = install;
  t.diagnostic(`code-server ${installed.codeServer.version} on Node ${installed.node.version}, ${installed.chromium.version} (install check ${install.seconds.toFixed(1)} s)`);
  if (!existsSync(SUITE_INDEX)) throw new Error(`${SUITE_INDEX} is missing: run the build (npm test does)`);

  const folders = createRunFolders(options.label);
  const artifact = (name: string) => join(folders.artifacts, name);
  let server: CodeServerProcess | undefined;
  let browser: HeadlessChromium | undefined;
  const phases: string[] = [];
  let phaseStart = Date.now();
  const phase = (name: string) => {
    phases.push(`${name} ${((Date.now() - phaseStart) / 1000).toFixed(1)} s`);
    phaseStart = Date.now();
  };
  try {
    for (const vsix of options.vsixFiles ?? []) {
      const args = ['--install-extension', vsix, '--extensions-dir', folders.extensionsDir, '--user-data-dir', folders.userDataDir];
      const output = await codeServerCommand(installed, args, 120_000);
      t.diagnostic(`installed ${basename(vsix)}: ${output.trim().split('\n').pop()}`);
    }

    server = await CodeServerProcess.start(installed, folders, { logPath: artifact('code-server.log') });
    await server.waitUntilServing(60_000);
    phase('code-server up');

    browser = await HeadlessChromium.launch(installed.chromium.executable, join(folders.temp, 'chromium-profile'), artifact('browser-console.log'));
    await browser.page.goto(workbenchUrl(server, folders, options), { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await browser.page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    phase('workbench shown');

    const running = server;
    const page = browser;
    const driver = new WorkbenchDriver(browser.page, requestsDir(folders), folders.artifacts);
    const results = await waitForResults({
      paths: [folders.results, folders.fallbackResults],
      timeoutMs: options.suiteTimeoutMs ?? 300_000,
      broken: () => running.exited() ?? page.broken(),
      onPoll: () => driver.serve(),
    });
    phase('suites run');
    copyFileSync(existsSync(folders.results) ? folders.results : folders.fallbackResults, artifact('results.json'));
    const shot = await browser.screenshot(artifact('after-suite.png'));
    if (shot) t.diagnostic(`screenshot: ${shot}`);
    await reportResults(t, results);
  } catch (error) {
    const shot = await browser?.screenshot(artifact('failure.png'));
    if (error instanceof Error) {
      error.message += `\n  (code-server log: ${artifact('code-server.log')}; browser console: ${artifact('browser-console.log')}${shot ? `; screenshot: ${shot}` : ''})`;
    }
    throw error;
  } finally {
    await browser?.close();
    await server?.stop();
    keepEditorLogs(folders.userDataDir, artifact('logs'));
    removeRunFolders(folders);
    phase('stopped');
    t.diagnostic(`times: ${phases.join(', ')}`);
  }
}

/**
 * Copies the editor's logs (extension host, every output channel, the language server's) to
 * test-results for a person to read; never throws (a failed copy must not hide the run's failure).
 */
function keepEditorLogs(userDataDir: string, to: string): void {
  const from = join(userDataDir, 'logs');
  try {
    if (existsSync(from)) cpSync(from, to, { recursive: true });
  } catch {
    // the run's own outcome matters more than its logs
  }
}

function requestsDir(folders: RunFolders): string {
  return join(folders.temp, 'requests');
}

/** The workbench URL: the test workspace as folder, and the payload described above. */
function workbenchUrl(server: CodeServerProcess, folders: RunFolders, options: CodeServerRunOptions): string {
  // Paths on the server, as URIs of the remote the page is connected to.
  const remote = (path: string) => `vscode-remote://127.0.0.1:${server.port}${path}`;
  // Which copy of gilscope the suites must find: the installed one when a .vsix was given.
  const gilscopeFolder = options.vsixFiles?.length ? folders.extensionsDir : (options.extensionDevelopmentPath ?? repoRoot);
  const environment = {
    [ENV.results]: folders.results,
    [ENV.extensionPath]: gilscopeFolder,
    [ENV.userDataDir]: folders.userDataDir,
    [ENV.requests]: requestsDir(folders),
    ...(folders.python ? { [ENV.python]: JSON.stringify(folders.python) } : {}),
    ...(options.suiteFiles ? { [ENV.files]: options.suiteFiles.source } : {}),
    ...(process.env[ENV.grep] ? { [ENV.grep]: process.env[ENV.grep] } : {}),
    ...options.extensionEnv,
  };
  const payload = [
    ['extensionDevelopmentPath', remote(options.extensionDevelopmentPath ?? repoRoot)],
    ['extensionTestsPath', remote(SUITE_INDEX)],
    ['extensionEnvironment', JSON.stringify(environment)],
  ];
  const query = new URLSearchParams({ folder: folders.workspace, payload: JSON.stringify(payload) });
  return `${server.url}/?${query}`;
}
