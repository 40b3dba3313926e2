import { spawn } from 'node:child_process';

import { osErrorWords } from '../files/osErrorWords';

/**
 * What `python -m gilscope.prepare` reports for an interpreter: recorded
 * exactly (`exact`, with the probe built), or only by sampling (`reason`
 * says why exact recording is unavailable and how to get it).
 */
export interface PreparedPython {
  readonly exact: boolean;
  readonly probe?: string;
  readonly reason?: string;
  readonly executable: string;
  readonly version: string;
  readonly build: string;
  /** The environment that hands the checked probe to the workload's processes (runtime/python/gilscope/probe_handoff.py). */
  readonly handoff?: Readonly<Record<string, string>>;
}

export type PrepareResult = { readonly ok: true; readonly python: PreparedPython } | { readonly ok: false; readonly message: string };

const TIMEOUT_MS = 180_000;

/** Passes on whole lines of a stream as they come. */
function lines(onLine: (line: string) => void): { push(chunk: Buffer): void; end(): void } {
  let pending = '';
  return {
    push(chunk) {
      pending += chunk.toString('utf8');
      const parts = pending.split('\n');
      pending = parts.pop()!;
      for (const l of parts) if (l.trim()) onLine(l);
    },
    end() {
      if (pending.trim()) onLine(pending);
      pending = '';
    },
  };
}

/**
 * Builds (or finds in the cache) the probe for `python` before the workload
 * starts, so that a missing compiler or missing headers is said before
 * anything runs, and the first recorded process does not pay for the compile.
 * `ok: false` only when the interpreter can be neither recorded nor sampled.
 * What prepare says on stderr (the probe being built, or rebuilt and why) is
 * passed to `notice` line by line as it happens: a build takes seconds.
 */
export function preparePython(
  python: string,
  runtimeDir: string,
  notice: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<PrepareResult> {
  return new Promise((resolve) => {
    const child = spawn(python, ['-m', 'gilscope.prepare'], {
      env: { ...process.env, PYTHONPATH: runtimeDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Not spawn's own `timeout`: its timer outlives a child that failed to start, keeping the caller alive.
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    timer.unref();
    const out: Buffer[] = [];
    // Only its own notices: a Python too old to run it would print a traceback.
    const said = lines((line) => { if (line.startsWith('gilscope: ')) notice(line); });
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => said.push(c));
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({
        ok: false,
        message: error.code === 'ENOENT'
          ? `gilscope: '${python}' was not found; name a Python 3.8+ with --python PATH`
          : `gilscope: '${python}' could not be run (${osErrorWords(error)}); name a Python 3.8+ with --python PATH`,
      });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      said.end();
      let report: (Omit<PreparedPython, 'exact'> & { exact?: boolean; error?: string }) | undefined;
      try {
        report = JSON.parse(Buffer.concat(out).toString('utf8')) as typeof report;
      } catch {
        report = undefined;
      }
      if (report?.error) {
        resolve({ ok: false, message: `gilscope: ${report.error}` });
      } else if (code === 0 && report) {
        resolve({ ok: true, python: { ...report, exact: report.exact !== false } });
      } else if (timedOut) {
        resolve({ ok: false, message: `gilscope: '${python} -m gilscope.prepare' did not finish in ${TIMEOUT_MS / 1000} s; try again` });
      } else {
        resolve({ ok: false, message: `gilscope: '${python} -m gilscope.prepare' printed no report; is it CPython 3.8 or newer?` });
      }
    });
  });
}
