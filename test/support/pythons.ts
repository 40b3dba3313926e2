import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One CPython interpreter found on this machine. */
export interface PythonInterpreter {
  /** Real path of the interpreter binary (symlinks and pyenv shims resolved). */
  readonly executable: string;
  /** `sys.version_info[:3]`. */
  readonly version: readonly [number, number, number];
  /** The version as text, e.g. `3.12.1`. */
  readonly versionText: string;
}

/** Asked of every candidate; works on Python 2 as well, so old ones can be recognised and left out. */
const PROBE =
  'import os, platform, sys; print(os.path.realpath(sys.executable)); ' +
  'print(platform.python_implementation()); print(".".join(map(str, sys.version_info[:3])))';

/**
 * Every CPython at least `minimum` (default 3.8) on this machine, oldest first, each once:
 * pyenv's versions (when pyenv is installed), Debian's /usr/bin/python3.N, and `python3` on PATH.
 */
export async function findPythons(minimum: readonly [number, number] = [3, 8]): Promise<PythonInterpreter[]> {
  const candidates = [...(await pyenvPythons()), ...debianPythons(), 'python3'];
  const probed = await Promise.all(candidates.map(probe));
  const byPath = new Map<string, PythonInterpreter>();
  for (const python of probed) {
    if (python && atLeast(python.version, minimum)) byPath.set(python.executable, python);
  }
  return [...byPath.values()].sort((a, b) => compareVersions(a.version, b.version) || a.executable.localeCompare(b.executable));
}

async function pyenvPythons(): Promise<string[]> {
  let root: string;
  try {
    root = (await run('pyenv', ['root'], { timeout: 10_000 })).stdout.trim();
  } catch {
    return []; // no pyenv here
  }
  const versions = join(root, 'versions');
  if (!existsSync(versions)) return [];
  return readdirSync(versions)
    .map((v) => join(versions, v, 'bin', 'python3'))
    .filter((p) => existsSync(p));
}

function debianPythons(): string[] {
  if (!existsSync('/usr/bin')) return [];
  return readdirSync('/usr/bin')
    .filter((name) => /^python3\.\d+$/.test(name))
    .map((name) => join('/usr/bin', name));
}

async function probe(command: string): Promise<PythonInterpreter | undefined> {
  try {
    const { stdout } = await run(command, ['-c', PROBE], { timeout: 20_000 });
    const [executable, implementation, versionText] = stdout.trim().split('\n').map((l) => l.trim());
    const parts = (versionText ?? '').split('.').map(Number);
    if (!executable || implementation !== 'CPython' || !versionText || parts.length !== 3 || parts.some(Number.isNaN)) {
      return undefined;
    }
    return { executable, version: [parts[0]!, parts[1]!, parts[2]!], versionText };
  } catch {
    return undefined; // missing, broken, or not runnable: not a candidate
  }
}

function atLeast(version: readonly number[], minimum: readonly [number, number]): boolean {
  return compareVersions(version, minimum) >= 0;
}

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
