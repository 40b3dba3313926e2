import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CompareResult } from '../../src/core/compare/types';
import { gilscope } from '../support/gilscopeCli';
import { tempDir } from '../support/recordingFixtures';
import { TEST_PYTHON } from '../support/recordWorkload';
import { repoRoot } from '../support/repoRoot';
import type { Ran } from '../support/runProcess';

export const KERNEL = join(repoRoot, 'test/workloads/whatif_kernel.py');
export const POOLS = join(repoRoot, 'test/compare/fixtures/pools.py');

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
