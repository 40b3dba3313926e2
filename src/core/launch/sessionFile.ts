import { replaceFile } from './safeFiles';

/**
 * session.json as the launchers write it (runtime/FORMAT.md; the Python
 * launcher is runtime/python/gilscope/session.py). Read back by
 * src/core/format/session.ts.
 */
export interface SessionRecord {
  readonly command: readonly string[];
  readonly cwd: string;
  readonly startedAt: number;
  readonly launcher: string;
  readonly pid?: number;
  readonly endedAt?: number;
  readonly exitCode?: number | null;
  readonly signal?: number | null;
  readonly python?: { readonly executable: string; readonly version: string; readonly build: string };
  /** Present when the workload was sampled instead of recorded exactly: the rate, why, and the sampler's account. */
  readonly sampled?: Readonly<Record<string, unknown>>;
}

/** Writes session.json atomically, private to the user, never through a planted link (safeFiles.ts). */
export function writeSessionFile(recordingDir: string, session: SessionRecord): void {
  replaceFile(recordingDir, 'session.json', `${JSON.stringify(session, null, 2)}\n`);
}
