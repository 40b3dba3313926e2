import { chmodSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';

/** The default recording name: gilscope-YYYYMMDD-HHMMSS.gilscope in the working directory. */
export function defaultRecordingName(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `gilscope-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}.gilscope`;
}

/**
 * Creates the recording directory, private to the user (0700). Refuses one
 * that already holds a recording, so two runs never mix in one directory.
 */
export function createRecordingDir(path: string): string {
  const dir = resolve(path);
  if (existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.gsr') || f === 'session.json')) {
    throw new Error(`${dir} already holds a recording; choose another -o or remove it`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}
