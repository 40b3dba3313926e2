import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

/** The 0-based line of `def NAME(` in a source file (tests find lines, never hard-code them). */
export function defLine(path: string, name: string): number {
  const i = readFileSync(path, 'utf8').split('\n').findIndex((l) => new RegExp(`^\\s*def ${name}\\(`).test(l));
  assert.ok(i >= 0, `no def ${name} in ${path}`);
  return i;
}
