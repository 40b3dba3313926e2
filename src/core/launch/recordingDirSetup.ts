import { makeRecordingFolder } from './safeFiles';

/** The default recording name: gilscope-YYYYMMDD-HHMMSS.gilscope in the working directory. */
export function defaultRecordingName(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `gilscope-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}.gilscope`;
}

/**
 * Creates the recording directory, private to the user (0700), or accepts an
 * empty one of the user's; refuses a link, another user's or a shared folder,
 * and one that already holds a recording, so two runs never mix (safeFiles.ts).
 * Throws UnsafePathError, whose message is one sentence.
 */
export function createRecordingDir(path: string): string {
  return makeRecordingFolder(path);
}
