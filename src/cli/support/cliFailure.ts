import { isOsError, osErrorWords } from '../../core/files/osErrorWords';
import { RecordingError } from '../../core/format/recordingError';

/** A mistake in the command line: exit code 2 with the command's name. */
export class UsageError extends Error {}

/**
 * Runs a command body; any failure becomes ONE line on stderr, no stack
 * trace: exit 2 for bad input, a path that cannot be used, or usage; 1 for
 * anything unexpected.
 */
export async function withFailures(command: string, body: () => Promise<number> | number): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof RecordingError) {
      process.stderr.write(`gilscope: ${e.message}\n`);
      return 2;
    }
    const code = (e as { code?: unknown }).code;
    if (e instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`gilscope ${command}: ${(e as Error).message}; run 'gilscope ${command} --help'\n`);
      return 2;
    }
    if (isOsError(e)) {
      // A path the user gave that cannot be used: said in words, never as "ENOTDIR: not a directory, scandir '…'".
      process.stderr.write(`gilscope ${command}: ${e.path ? `${e.path}: ` : ''}${osErrorWords(e)}\n`);
      return 2;
    }
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`gilscope ${command}: ${message.split('\n')[0]}\n`);
    return 1;
  }
}
