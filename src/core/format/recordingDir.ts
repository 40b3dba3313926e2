import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readRecorderNotes } from './recorderNotes';
import { RecordingError } from './recordingError';
import { readSessionFile } from './session';
import type { SessionInfo } from './session';

/** The files that make up one recording directory (FORMAT.md, "A recording"). */
export interface RecordingFiles {
  readonly dir: string;
  /** Paths of the `p<pid>-<ns>.gsr` files, sorted by name. */
  readonly gsrFiles: readonly string[];
  readonly session: SessionInfo | undefined;
  /** Why session.json, present, could not be used (session.ts); undefined when it was read or is absent. */
  readonly sessionDamaged?: string;
}

const GSR_NAME = /^p\d+-\d+\.gsr$/;

/** Lists a recording directory, or accepts a single `.gsr` file. */
export function listRecording(path: string): RecordingFiles {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new RecordingError('missing', path, undefined, 'no such file or directory', 'pass the recording directory that `gilscope record` wrote');
  }
  if (!isDir) {
    return { dir: dirname(path), gsrFiles: [path], session: undefined };
  }
  const names = readdirSync(path).filter((n) => GSR_NAME.test(n) || n.endsWith('.gsr')).sort();
  if (names.length === 0) {
    const failed = readRecorderNotes(path).find((n) => !n.recorded);
    if (failed) {
      // The runtime said why, in the folder: say it rather than "no files".
      throw new RecordingError('missing', basename(path) || path, undefined, `nothing was recorded: process ${failed.pid} could not record itself (${failed.text})`, `see ${failed.file}`);
    }
    throw new RecordingError(
      'missing',
      basename(path) || path,
      undefined,
      'no p<pid>-<ns>.gsr files in this directory',
      'pass the recording directory that `gilscope record` wrote',
    );
  }
  const { session, damaged } = readSessionFile(join(path, 'session.json'));
  return { dir: path, gsrFiles: names.map((n) => join(path, n)), session, ...(damaged ? { sessionDamaged: damaged } : {}) };
}
