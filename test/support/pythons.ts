import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './repoRoot';

const run = promisify(execFile);

/** One CPython interpreter the tests use, as `npm run pythons` (scripts/pythons.mjs) lists it. */
export interface PythonInterpreter {
  /** Real path of the interpreter binary (symlinks resolved). */
  readonly executable: string;
  /** `sys.version_info[:3]`. */
  readonly version: readonly [number, number, number];
  /** The version as text, e.g. `3.12.1`. */
  readonly versionText: string;
  /** The list's name for it: `3.8` … `3.13` (pyenv), `debian-3.11`, `3.14`, `3.15`, `3.13t`. */
  readonly tag: string;
  /** Built with `--disable-gil` (3.13t): runs without a GIL unless an extension module enables it. */
  readonly freeThreaded: boolean;
}

/**
 * The interpreters `npm run pythons` installs for the runtime's port to them (issue 15):
 * CPython 3.14 and 3.15 from Debian sid, and a free-threaded 3.13t.
 *
 * The runtime writes format 2 on them and the reader reads it, so findPythons() lists them by
 * default: every test that runs "each Python" runs on them too. GILSCOPE_TEST_NEW_PYTHONS=0 leaves
 * them out again (a machine where they are broken); `findPythons({ include: [...] })` still asks for
 * some of them whatever that says.
 */
export const NEW_PYTHON_TAGS: readonly string[] = ['3.14', '3.15', '3.13t'];
const DEFAULT_INCLUDE: readonly string[] = process.env.GILSCOPE_TEST_NEW_PYTHONS === '0' ? [] : NEW_PYTHON_TAGS;

export interface FindPythonsOptions {
  /** The oldest `[major, minor]` wanted; default 3.8. */
  readonly minimum?: readonly [number, number];
  /** Tags of NEW_PYTHON_TAGS to list whatever GILSCOPE_TEST_NEW_PYTHONS says. */
  readonly include?: readonly string[];
}

/** One entry of `<cache>/pythons.json`, written by scripts/pythons.mjs. */
interface ListedPython {
  readonly tag: string;
  readonly executable: string;
  readonly freeThreaded: boolean;
}

/** Asked of every listed interpreter: it runs, and which version it is. */
const PROBE =
  'import os, platform, sys; print(os.path.realpath(sys.executable)); ' +
  'print(platform.python_implementation()); print(".".join(map(str, sys.version_info[:3])))';

/**
 * The CPython interpreters `npm run pythons` lists (pyenv's 3.8-3.13, Debian's python3, and
 * those of `include`), at least `minimum` (default 3.8), oldest first, each once, each probed
 * to run. `npm test` runs the script before the tests; this reads the list it wrote.
 */
export async function findPythons(minimumOrOptions: readonly [number, number] | FindPythonsOptions = {}): Promise<PythonInterpreter[]> {
  const options: FindPythonsOptions = isVersion(minimumOrOptions) ? { minimum: minimumOrOptions } : minimumOrOptions;
  const minimum = options.minimum ?? [3, 8];
  const include = new Set([...DEFAULT_INCLUDE, ...(options.include ?? [])]);
  const listed = (await listedPythons()).filter((p) => !NEW_PYTHON_TAGS.includes(p.tag) || include.has(p.tag));
  const probed = await Promise.all(listed.map(probe));
  const byPath = new Map<string, PythonInterpreter>();
  for (const python of probed) {
    if (python && atLeast(python.version, minimum)) byPath.set(python.executable, python);
  }
  return [...byPath.values()].sort((a, b) => compareVersions(a.version, b.version) || a.tag.localeCompare(b.tag));
}

function isVersion(value: readonly [number, number] | FindPythonsOptions): value is readonly [number, number] {
  return Array.isArray(value);
}

/** scripts/pythons/cache.mjs's rule for the cache folder, repeated: `${GILSCOPE_PYTHONS_CACHE:-${XDG_CACHE_HOME:-~/.cache}/gilscope}`. */
export function pythonsCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GILSCOPE_PYTHONS_CACHE) return env.GILSCOPE_PYTHONS_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'gilscope');
}

export const PYTHONS_SCRIPT = join(repoRoot, 'scripts/pythons.mjs');

/**
 * The list `npm run pythons` wrote to <cache>/pythons.json; without one (a test file run on its
 * own on a fresh machine) the script is asked with --check, which installs nothing.
 */
async function listedPythons(): Promise<ListedPython[]> {
  const file = join(pythonsCacheRoot(), 'pythons.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as ListedPython[];
  let stdout: string;
  try {
    stdout = (await run(process.execPath, [PYTHONS_SCRIPT, '--check'], { timeout: 60_000 })).stdout;
  } catch (error) {
    // --check exits 2 when something is missing and still lists what is there
    stdout = (error as { stdout?: string }).stdout ?? '';
  }
  return parsePythonsList(stdout);
}

/** `TAG ABSOLUTE-PATH` lines, as scripts/pythons.mjs prints them. */
export function parsePythonsList(stdout: string): ListedPython[] {
  return stdout
    .split('\n')
    .map((line) => /^(\S+) (\/.*)$/.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ tag: m[1]!, executable: m[2]!, freeThreaded: m[1]!.endsWith('t') }));
}

async function probe(listed: ListedPython): Promise<PythonInterpreter | undefined> {
  try {
    const { stdout } = await run(listed.executable, ['-c', PROBE], { timeout: 20_000 });
    const [executable, implementation, versionText] = stdout.trim().split('\n').map((l) => l.trim());
    const parts = (versionText ?? '').split('.').map(Number);
    if (!executable || implementation !== 'CPython' || !versionText || parts.length !== 3 || parts.some(Number.isNaN)) {
      return undefined;
    }
    return { executable, version: [parts[0]!, parts[1]!, parts[2]!], versionText, tag: listed.tag, freeThreaded: listed.freeThreaded };
  } catch {
    return undefined; // gone or broken since the list was written: not a candidate
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
