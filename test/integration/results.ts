import { existsSync, readFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import type { SuiteResults } from './protocol';

/** Runner side of ./protocol.ts: waits for the suite's results file and reports it to node:test. */

export interface WaitForResultsOptions {
  /** Files the suite may write (the one it was told, then the workspace fallback). */
  readonly paths: readonly string[];
  readonly timeoutMs: number;
  /** Checked on every poll: a reason to stop waiting (the editor exited, the page crashed), or undefined. */
  readonly broken?: () => string | undefined;
  /** Called on every poll, e.g. to answer the suite's workbench requests. */
  readonly onPoll?: () => Promise<void>;
  readonly intervalMs?: number;
}

/** Polls for a results file; throws with the reason when none comes in time or the editor broke. */
export async function waitForResults({ paths, timeoutMs, broken, onPoll, intervalMs = 250 }: WaitForResultsOptions): Promise<SuiteResults> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const path of paths) {
      if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as SuiteResults;
    }
    await onPoll?.();
    const reason = broken?.();
    if (reason) throw new Error(`the suite wrote no results: ${reason}`);
    if (Date.now() > deadline) throw new Error(`the suite wrote no results within ${timeoutMs / 1000} s (looked for ${paths.join(', ')})`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** One node:test subtest per suite test, passing, failing with the suite's message, or skipped. */
export async function reportResults(t: TestContext, results: SuiteResults): Promise<void> {
  t.diagnostic(`${results.editor.appName} ${results.editor.version} (${results.editor.uiKind})`);
  if (results.tests.length === 0) throw new Error('the suite ran no test');
  for (const test of results.tests) {
    await t.test(`${test.file}: ${test.name}`, (sub) => {
      if (test.status === 'skipped') {
        sub.skip(test.message);
        return;
      }
      if (test.status === 'failed') {
        const error = new Error(test.message ?? 'failed');
        if (test.stack) error.stack = test.stack;
        throw error;
      }
    });
  }
}
