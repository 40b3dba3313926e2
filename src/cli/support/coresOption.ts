import { UsageError } from './cliFailure';

/**
 * `--cores N`: predict the suggestions for a machine of N cores (the one the program
 * will run on), instead of the cores the recorded run had (its machine's, less what
 * other programs used meanwhile). Undefined when not given.
 */
export const CORES_OPTION = {
  type: 'string',
  value: 'N',
  description: "predict for N cores (default: the cores the run had: its machine's less what other programs used)",
} as const;

export function parseCores(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const cores = Number(text);
  if (!Number.isInteger(cores) || cores < 1 || cores > 4096) throw new UsageError(`--cores takes a whole number of cores from 1, not '${text}'`);
  return cores;
}
