import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CompareResult } from '../../src/core/compare/types';
import { tempDir } from '../support/recordingFixtures';
import { TEST_PYTHON } from '../support/recordWorkload';
import { repoRoot } from '../support/repoRoot';

/** The CLI under test: the one `npm test` builds (GILSCOPE_TEST_CLI names another build). */
export const CLI = process.env['GILSCOPE_TEST_CLI'] || join(repoRoot, 'dist/cli.js');
export const KERNEL = join(repoRoot, 'test/workloads/whatif_kernel.py');
export const POOLS = join(repoRoot, 'test/compare/fixtures/pools.py');

export interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** Runs `gilscope ARGS` to its end (asynchronously, so that tests of other files are not held up). */
export function gilscope(args: readonly string[], timeoutMs = 120_000): Promise<Ran> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '1', PYTHONDONTWRITEBYTECODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: timeoutMs,
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), seconds: (performance.now() - started) / 1e3 }),
    );
  });
}

/** A JSON list of `count` loop lengths for whatif_kernel.work, in a fresh file. */
export function inputsFile(count: number, n: number): string {
  const path = join(tempDir('gilscope-compare-'), 'inputs.json');
  writeFileSync(path, JSON.stringify(Array.from({ length: count }, () => n)));
  return path;
}

/** `gilscope compare --json ARGS`, parsed; rejects with the CLI's output when it fails. */
export async function compare(args: readonly string[], python = TEST_PYTHON): Promise<{ result: CompareResult; ran: Ran }> {
  const output = join(tempDir('gilscope-compare-'), 'runs');
  const ran = await gilscope(['compare', '--json', '--python', python, '-o', output, ...args]);
  if (ran.code !== 0) throw new Error(`gilscope compare failed (exit ${ran.code}):\n${ran.stderr}\n${ran.stdout.slice(-2000)}`);
  return { result: JSON.parse(ran.stdout) as CompareResult, ran };
}
