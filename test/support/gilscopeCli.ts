import assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot } from './repoRoot';
import { runProcess } from './runProcess';
import type { Ran } from './runProcess';

/** The CLI under test: the one the build made (GILSCOPE_TEST_CLI names another build). */
export const CLI = process.env['GILSCOPE_TEST_CLI'] || join(repoRoot, 'dist/cli.js');

/**
 * Runs `gilscope ARGS` as `npx gilscope` would, to its end: this Node, the repository as the
 * working folder, no colour, no bytecode left in the tree; `env` adds to the environment.
 */
export function gilscope(args: readonly string[], options: { env?: Readonly<Record<string, string>>; timeoutMs?: number } = {}): Promise<Ran> {
  return runProcess(process.execPath, [CLI, ...args], {
    env: { ...process.env, NO_COLOR: '1', PYTHONDONTWRITEBYTECODE: '1', ...options.env },
    timeoutMs: options.timeoutMs,
  });
}

/**
 * The warning a run gets when its threads waited for a CPU, on a busy machine or not
 * (src/core/analysis/busyMachine.ts): true of the machine the tests run on, not of the
 * program, so tests that expect no warning allow it.
 */
export const CPU_WAIT_WARNING = /the machine was busy:|the threads waited \d+% of their lives for a CPU/;
const BUSY_MACHINE = new RegExp(`warning: (process \\S+: )?(${CPU_WAIT_WARNING.source})`);

/** The lines of `text` that warn of anything but a busy machine. */
export function warningsBesidesBusyMachine(text: string): string[] {
  return text.split('\n').filter((l) => /warning:/.test(l) && !BUSY_MACHINE.test(l));
}

/** The CLI's failures are one line on stderr with no stack trace (besides a busy-machine warning): that line. */
export function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n').filter((l) => !BUSY_MACHINE.test(l));
  assert.equal(lines.length, 1, `one line on stderr, got: ${stderr}`);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  return lines[0]!;
}
