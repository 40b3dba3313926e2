import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordingWriter } from './recordingWriter';

/** A fresh private temporary directory. */
export function tempDir(prefix = 'gilscope-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes the recordings into a new recording directory; returns its path. */
export function writeRecording(writers: readonly RecordingWriter[], session?: object): string {
  const dir = tempDir();
  for (const w of writers) writeFileSync(join(dir, w.fileName), w.bytes(), { mode: 0o600 });
  if (session) writeFileSync(join(dir, 'session.json'), JSON.stringify(session));
  return dir;
}

/** ms → ns, so tests read in milliseconds. */
export const ms = (x: number): number => x * 1e6;
