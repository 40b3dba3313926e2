import { osErrorWords } from '../files/osErrorWords';
import { readSmallTextFile } from '../files/smallTextFile';

/**
 * What the launcher wrote in `session.json`. Every field is optional: the
 * file may be absent (a recording made by attaching) or from another version.
 */
export interface SessionInfo {
  readonly command?: readonly string[];
  readonly cwd?: string;
  readonly pid?: number;
  readonly exitCode?: number | null;
  readonly signal?: number | string | null;
  /** The whole object, for fields this reader does not know. */
  readonly raw: Readonly<Record<string, unknown>>;
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** session.json as read: the session, or why the file that is there cannot be used (`damaged`). */
export interface SessionRead {
  readonly session: SessionInfo | undefined;
  /** Set when session.json exists but is not a readable JSON object: what is wrong with it, in words. */
  readonly damaged?: string;
}

/**
 * Reads session.json without blocking on whatever is planted at its name
 * (smallTextFile.ts). Absent: no session, nothing said (a recording made by
 * attaching has none). Present but unreadable: `damaged` says why, so the
 * report can warn instead of silently losing the command and exit status.
 */
export function readSessionFile(path: string): SessionRead {
  let text: string | undefined;
  try {
    text = readSmallTextFile(path);
  } catch (error) {
    return { session: undefined, damaged: `it cannot be read: ${osErrorWords(error)}` };
  }
  if (text === undefined) return { session: undefined };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { session: undefined, damaged: text.trim() === '' ? 'it is empty' : `not JSON: ${(error as Error).message.split('\n')[0]}` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { session: undefined, damaged: 'not a JSON object' };
  const o = raw as Record<string, unknown>;
  const command = Array.isArray(o['command']) ? o['command'].filter((x): x is string => typeof x === 'string') : undefined;
  const exit = o['exitCode'] ?? o['exit_code'] ?? o['returncode'];
  const signal = o['signal'];
  return {
    session: {
      ...(command ? { command } : {}),
      ...(typeof o['cwd'] === 'string' ? { cwd: o['cwd'] } : {}),
      ...(numberOr(o['pid']) !== undefined ? { pid: numberOr(o['pid'])! } : {}),
      ...(exit === null || typeof exit === 'number' ? { exitCode: exit } : {}),
      ...(signal === null || typeof signal === 'number' || typeof signal === 'string' ? { signal } : {}),
      raw: o,
    },
  };
}

/** Reads session.json; undefined when it is absent or damaged (readSessionFile says which). */
export function readSession(path: string): SessionInfo | undefined {
  return readSessionFile(path).session;
}
