import { join } from 'node:path';
import { loadReport } from '../../../src/cli/support/loadReport';
import { findPythons, NEW_PYTHON_TAGS } from '../pythons';
import type { PythonInterpreter } from '../pythons';
import { repoRoot } from '../repoRoot';
import { runProcess } from '../runProcess';
import type { StressPython } from './differential';

const BUILD_TIMEOUT_MS = 600_000;
const RUNTIME_ENV = (): NodeJS.ProcessEnv => ({ ...process.env, PYTHONPATH: join(repoRoot, 'runtime/python'), PYTHONDONTWRITEBYTECODE: '1' });

/**
 * Makes `python` ready for the stress programs: builds the cthreads test extension for it
 * (runtime/tests/cext.py, into the temporary folder) and the probe (`gilscope.prepare`), so
 * that no run pays for a compile. Rejects with the build's output when either fails.
 */
export async function stressPython(python: PythonInterpreter): Promise<StressPython> {
  // a compile of the probe takes a while on a loaded machine, and every interpreter's may be due at once
  const [cext, prepared] = await Promise.all([
    runProcess(python.executable, ['-m', 'tests.cext', 'cthreads'], { cwd: join(repoRoot, 'runtime'), env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' }, timeoutMs: BUILD_TIMEOUT_MS }),
    runProcess(python.executable, ['-m', 'gilscope.prepare'], { env: RUNTIME_ENV(), timeoutMs: BUILD_TIMEOUT_MS }),
  ]);
  const how = (r: { code: number | null; signal: string | null }) => (r.signal ? `killed by ${r.signal}, ${BUILD_TIMEOUT_MS / 1000} s at most` : `exit ${r.code}`);
  if (cext.code !== 0) throw new Error(`building cthreads for ${python.tag} failed (${how(cext)}):\n${cext.stderr.slice(-3000)}`);
  if (prepared.code !== 0) throw new Error(`gilscope.prepare failed for ${python.tag} (${how(prepared)}):\n${prepared.stderr.slice(-3000)}${prepared.stdout}`);
  return {
    tag: python.tag,
    executable: python.executable,
    version: python.version,
    freeThreaded: python.freeThreaded,
    cextDir: cext.stdout.trim().split('\n').pop()!,
  };
}

/** The interpreters `npm run pythons` lists (findPythons; GILSCOPE_TEST_NEW_PYTHONS=1 adds 3.14, 3.15, 3.13t), or those of `tags`. */
export async function stressPythons(tags?: readonly string[]): Promise<PythonInterpreter[]> {
  const all = await findPythons(tags ? { include: tags } : {});
  return tags ? all.filter((p) => tags.includes(p.tag)) : all;
}

/** Every interpreter `npm run pythons` lists, 3.14, 3.15 and 3.13t included. */
export function allStressPythons(): Promise<PythonInterpreter[]> {
  return findPythons({ include: NEW_PYTHON_TAGS });
}

/**
 * Reads a recording in this process with the code `gilscope report DIR --json` runs
 * (src/cli/support/loadReport.ts, then the JSON): what went wrong, or undefined. Cheaper than a
 * Node process per recording; bench/stress.mjs runs the CLI itself.
 */
export function readRecordingHere(dir: string): Promise<string | undefined> {
  try {
    const { report } = loadReport(dir);
    JSON.stringify(report);
    return Promise.resolve(undefined);
  } catch (error) {
    return Promise.resolve(error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
}

/** Reads a recording with `node dist/cli.js report DIR --json`: exit 0, JSON on stdout, nothing on stderr but warnings. */
export async function readRecordingWithCli(dir: string): Promise<string | undefined> {
  const ran = await runProcess(process.execPath, [join(repoRoot, 'dist/cli.js'), 'report', dir, '--json'], { env: { ...process.env, NO_COLOR: '1' } });
  if (ran.code !== 0) return `exit ${ran.code ?? ran.signal}: ${ran.stderr.slice(-3000)}`;
  try {
    JSON.parse(ran.stdout);
  } catch (error) {
    return `stdout is not JSON (${(error as Error).message}): ${ran.stdout.slice(0, 500)}`;
  }
  const other = ran.stderr.split('\n').filter((l) => l && !l.startsWith('gilscope: warning: '));
  return other.length ? `stderr besides warnings: ${other.join('\n')}` : undefined;
}
