/**
 * What passes between a runner (node:test side, outside the editor) and the suite index
 * (inside VS Code's extension host). Imported by both sides; nothing here imports `vscode`.
 *
 * The runner sets these environment variables on the editor's process; the extension host
 * inherits them. The suite writes its results as one JSON file, atomically (write, then
 * rename), so a runner polling for the file never reads half of it.
 */
export const ENV = {
  /** Absolute path of the results file the suite writes (a `SuiteResults`). */
  results: 'GILSCOPE_ITEST_RESULTS',
  /** Optional: the folder the gilscope extension must be loaded from (its `extensionPath`), to prove which copy ran. */
  extensionPath: 'GILSCOPE_ITEST_EXTENSION_PATH',
  /** Optional: the editor's user data folder, where the extension host writes its logs. */
  userDataDir: 'GILSCOPE_ITEST_USER_DATA_DIR',
  /** Optional: a regular expression; only tests whose full name matches run (the others are reported skipped). */
  grep: 'GILSCOPE_ITEST_GREP',
  /**
   * Optional: a folder through which a suite asks the runner to act on the workbench page
   * (see `WorkbenchRequest`). Set only by runners that drive a browser.
   */
  requests: 'GILSCOPE_ITEST_REQUESTS',
  /**
   * Optional: a regular expression over suite file names (`profile.itest.ts`); the tests of the
   * other files are reported skipped. A runner that needs only some suites sets it (the .vsix run).
   */
  files: 'GILSCOPE_ITEST_FILES',
  /**
   * Optional: the interpreter the runner set as `gilscope.pythonPath` in the user settings, as JSON
   * `{ executable, version }` (`sys.executable`, `platform.python_version()`), for the suites to
   * check that runs used it.
   */
  python: 'GILSCOPE_ITEST_PYTHON',
} as const;

/** ENV.python's value. */
export interface ExpectedPython {
  readonly executable: string;
  readonly version: string;
}

/**
 * What a suite can ask the runner to do in the workbench UI, which the extension host cannot
 * reach itself. The suite writes `<id>.request.json` into the requests folder and waits for
 * `<id>.response.json`; the runner polls for requests while it waits for the results.
 * A new kind is added here and in the runner's table (../workbenchDriver.ts).
 */
export type WorkbenchAction =
  /** Saves a PNG of the page as test-results/integration/<run>/<name>.png. */
  | { readonly kind: 'screenshot'; readonly name: string }
  /** Runs "Output: Show Output Channels..." and picks `channel`; fails if the picker does not list it. */
  | { readonly kind: 'showOutputChannel'; readonly channel: string }
  /**
   * The text (`innerText`) of every element matching the CSS `selector`, as a JSON array of
   * strings: in the workbench page, or with `frames: 'all'` in every frame too (webviews are
   * iframes). Answers at once, whatever is there; the suite polls it with waitFor.
   */
  | { readonly kind: 'readText'; readonly selector: string; readonly frames?: 'page' | 'all' };

export interface WorkbenchRequest {
  readonly id: string;
  readonly action: WorkbenchAction;
}

export type WorkbenchResponse = { readonly ok: true; readonly detail?: string } | { readonly ok: false; readonly error: string };

/**
 * Where the suite writes its results when `GILSCOPE_ITEST_RESULTS` did not reach it:
 * this path under the first workspace folder.
 */
export const FALLBACK_RESULTS = '.gilscope-itest/results.json';

export type TestStatus = 'passed' | 'failed' | 'skipped';

export interface TestResult {
  /** The suite file it was declared in, e.g. `activation.itest.ts`. */
  readonly file: string;
  /** `describe` names and the `it` name, joined by ' › '. */
  readonly name: string;
  readonly status: TestStatus;
  readonly durationMs: number;
  /** For a failed test, its error's message (and stack, for the log); for a skipped one, why. */
  readonly message?: string;
  readonly stack?: string;
}

export interface SuiteResults {
  /** The editor's version (`vscode.version`) and application name, to tell runs apart in logs. */
  readonly editor: { readonly version: string; readonly appName: string; readonly uiKind: string };
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly tests: readonly TestResult[];
}
