import { readFileSync } from 'node:fs';

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

/** Reads session.json; undefined when it is absent or not a JSON object. */
export function readSession(path: string): SessionInfo | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const o = raw as Record<string, unknown>;
  const command = Array.isArray(o['command']) ? o['command'].filter((x): x is string => typeof x === 'string') : undefined;
  const exit = o['exitCode'] ?? o['exit_code'] ?? o['returncode'];
  const signal = o['signal'];
  return {
    ...(command ? { command } : {}),
    ...(typeof o['cwd'] === 'string' ? { cwd: o['cwd'] } : {}),
    ...(numberOr(o['pid']) !== undefined ? { pid: numberOr(o['pid'])! } : {}),
    ...(exit === null || typeof exit === 'number' ? { exitCode: exit } : {}),
    ...(signal === null || typeof signal === 'number' || typeof signal === 'string' ? { signal } : {}),
    raw: o,
  };
}
