/**
 * The suite index: the module that VS Code's extension host loads as `extensionTestsPath` and
 * whose `run()` it awaits (given by code-server's `payload`, as desktop VS Code takes `--extensionTestsPath`).
 *
 * Built by build.mjs to out/integration/suite/index.js (one bundle, `vscode` external) together
 * with every test/integration/suite/**\/*.itest.ts, which the build lists in the virtual module
 * `itest:all`: adding a suite is adding one *.itest.ts file.
 *
 * It runs the suites one test at a time and writes a `SuiteResults` file (see ../protocol.ts)
 * that the runner reads. It rejects when a test failed, so that VS Code too reports the run failed.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { suiteFiles } from 'itest:all';
import * as vscode from 'vscode';
import { ENV, FALLBACK_RESULTS, type SuiteResults, type TestResult } from '../protocol';
import { type Block, DEFAULT_TIMEOUT_MS, type DeclaredTest, type TestFunction, declarations } from './test';

export async function run(): Promise<void> {
  const startedAt = new Date().toISOString();
  const grep = process.env[ENV.grep] ? new RegExp(process.env[ENV.grep] as string) : undefined;
  const files = process.env[ENV.files] ? new RegExp(process.env[ENV.files] as string) : undefined;
  const tests: TestResult[] = [];
  for (const file of suiteFiles) {
    let root: Block;
    try {
      root = declarations.collect(file.load);
    } catch (error) {
      tests.push({ file: file.name, name: '(loading the file)', status: 'failed', durationMs: 0, ...describeError(error) });
      continue;
    }
    if (files && !files.test(file.name)) {
      const why = `this runner runs only the suite files matching ${ENV.files}=${files.source}`;
      for (const test of testsOf(root)) tests.push({ file: file.name, name: fullName(test), status: 'skipped', durationMs: 0, message: why });
      continue;
    }
    await runBlock(root, { file: file.name, grep, results: tests });
  }
  const results: SuiteResults = {
    editor: { version: vscode.version, appName: vscode.env.appName, uiKind: vscode.UIKind[vscode.env.uiKind] },
    startedAt,
    finishedAt: new Date().toISOString(),
    tests,
  };
  writeResults(results);
  const failed = tests.filter((t) => t.status === 'failed').length;
  if (failed > 0) throw new Error(`${failed} of ${tests.length} integration test(s) failed`);
}

interface RunContext {
  readonly file: string;
  readonly grep: RegExp | undefined;
  readonly results: TestResult[];
}

function fullName(test: DeclaredTest): string {
  return [...test.path, test.name].join(' › ');
}

function testsOf(block: Block): DeclaredTest[] {
  return block.children.flatMap((child) => ('children' in child ? testsOf(child) : [child]));
}

async function runBlock(block: Block, context: RunContext): Promise<void> {
  const wanted = testsOf(block).filter((t) => !context.grep || context.grep.test(fullName(t)));
  const setupError = wanted.length > 0 ? await runHooks(block.before) : undefined;
  for (const child of block.children) {
    if ('children' in child) {
      await runBlock(child, context);
    } else {
      context.results.push(await runTest(child, context, setupError));
    }
  }
  if (wanted.length > 0) {
    const teardownError = await runHooks(block.after);
    if (teardownError) {
      const name = [...block.path, '(after hook)'].join(' › ');
      context.results.push({ file: context.file, name, status: 'failed', durationMs: 0, ...describeError(teardownError) });
    }
  }
}

async function runHooks(hooks: readonly TestFunction[]): Promise<unknown> {
  for (const hook of hooks) {
    try {
      await withTimeout(hook, DEFAULT_TIMEOUT_MS);
    } catch (error) {
      return error;
    }
  }
  return undefined;
}

async function runTest(test: DeclaredTest, context: RunContext, setupError: unknown): Promise<TestResult> {
  const base = { file: context.file, name: fullName(test) };
  if (test.options.skip) return { ...base, status: 'skipped', durationMs: 0, message: test.options.skip };
  if (context.grep && !context.grep.test(base.name)) {
    return { ...base, status: 'skipped', durationMs: 0, message: `does not match ${ENV.grep}` };
  }
  if (setupError) return { ...base, status: 'failed', durationMs: 0, ...describeError(setupError, 'before hook failed: ') };
  const started = Date.now();
  try {
    await withTimeout(test.fn, test.options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    return { ...base, status: 'passed', durationMs: Date.now() - started };
  } catch (error) {
    return { ...base, status: 'failed', durationMs: Date.now() - started, ...describeError(error) };
  }
}

async function withTimeout(fn: TestFunction, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(fn), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describeError(error: unknown, prefix = ''): { message: string; stack?: string } {
  if (error instanceof Error) return { message: prefix + error.message, stack: error.stack };
  return { message: prefix + String(error) };
}

function resultsPath(): string {
  const fromEnv = process.env[ENV.results];
  if (fromEnv) return fromEnv;
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder || folder.uri.scheme !== 'file') throw new Error(`${ENV.results} is not set and there is no local workspace folder to write results in`);
  return join(folder.uri.fsPath, FALLBACK_RESULTS);
}

function writeResults(results: SuiteResults): void {
  const path = resultsPath();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}
