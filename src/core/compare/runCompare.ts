import { buildCompare } from './buildCompare';
import type { CompareResult } from './types';
import { readPlan } from './whatifFile';
import { runWhatIf } from './whatifLaunch';
import type { WhatIfControl, WhatIfRequest } from './whatifLaunch';

/**
 * The orchestration of `gilscope compare`, shared by the CLI
 * (src/cli/commands/compare.ts) and the extension's "Compare Threads vs
 * Processes": the what-if driver makes the runs, then their plan is read
 * back and every run measured, analysed and predicted.
 */
export type CompareOutcome =
  | { readonly kind: 'made'; readonly result: CompareResult }
  /** Nothing to show: `exitCode` is the driver's; the reason was said through `onLine` (or our stderr) unless `message` gives it. */
  | { readonly kind: 'failed'; readonly exitCode: number; readonly message: string | null }
  /** The signal aborted the runs; the driver stopped the one under way. */
  | { readonly kind: 'stopped' };

/** Reads a comparison made before (`gilscope compare --from DIR`); throws an Error saying why in one line. */
export function readCompare(directory: string): CompareResult {
  try {
    return buildCompare(readPlan(directory));
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new Error(e.code === 'ENOENT' ? `no comparison in ${directory} (whatif.json is missing)` : `${directory}: ${e.message.split('\n')[0]}`);
  }
}

/** Makes the runs `request` asks for and builds their result. */
export async function runCompare(request: WhatIfRequest, control: WhatIfControl = {}): Promise<CompareOutcome> {
  const code = await runWhatIf(request, control);
  if (control.signal?.aborted) return { kind: 'stopped' };
  if (code !== 0) return { kind: 'failed', exitCode: code === 127 ? 2 : code, message: null };
  try {
    return { kind: 'made', result: readCompare(request.output) };
  } catch (error) {
    return { kind: 'failed', exitCode: 2, message: (error as Error).message };
  }
}
