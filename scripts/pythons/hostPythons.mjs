// The interpreters already on the machine that the tests use: pyenv's 3.8-3.13 (the newest of
// each minor) and Debian's own python3. scripts/pythons.mjs lists them; it installs none.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';

export const PYENV_MINORS = ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13'];

function pyenvRoot() {
  const answer = spawnSync('pyenv', ['root'], { encoding: 'utf8', timeout: 10_000 });
  if (answer.status === 0 && answer.stdout.trim()) return answer.stdout.trim();
  const fallback = process.env.PYENV_ROOT || join(homedir(), '.pyenv');
  return existsSync(fallback) ? fallback : undefined;
}

/**
 * pyenv's plain CPython releases (folders named X.Y.Z: not 3.13.0t, not pypy or -dev ones),
 * the newest per minor, each as { tag: '3.12', executable }. The executable is the real file
 * that `versions/X.Y.Z/bin/python3` links to.
 */
export function pyenvPythons() {
  const root = pyenvRoot();
  const versions = root && join(root, 'versions');
  if (!versions || !existsSync(versions)) return [];
  const newest = new Map();
  for (const name of readdirSync(versions)) {
    const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(name);
    const python = join(versions, name, 'bin', 'python3');
    if (!m || !existsSync(python)) continue;
    const tag = `${m[1]}.${m[2]}`;
    if (!PYENV_MINORS.includes(tag)) continue;
    const patch = Number(m[3]);
    if (!newest.has(tag) || newest.get(tag).patch < patch) newest.set(tag, { tag, patch, executable: realpathSync(python) });
  }
  return PYENV_MINORS.filter((tag) => newest.has(tag)).map((tag) => ({ tag, executable: newest.get(tag).executable, freeThreaded: false }));
}

/** Debian's python3 (/usr/bin/python3.11 on bookworm), tagged debian-3.11. */
export function debianPython() {
  if (!existsSync('/usr/bin/python3')) return undefined;
  const executable = realpathSync('/usr/bin/python3');
  const m = /^python(\d+\.\d+)$/.exec(basename(executable));
  return m ? { tag: `debian-${m[1]}`, executable, freeThreaded: false } : undefined;
}
