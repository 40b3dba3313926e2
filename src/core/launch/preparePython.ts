import { execFile } from 'node:child_process';

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
}

export type PrepareResult = { readonly ok: true; readonly python: PreparedPython } | { readonly ok: false; readonly message: string };

/**
 * Builds (or finds in the cache) the probe for `python` before the workload
 * starts, so that a missing compiler or missing headers is said before
 * anything runs, and the first recorded process does not pay for the compile.
 * `ok: false` only when the interpreter can be neither recorded nor sampled.
 */
export function preparePython(python: string, runtimeDir: string): Promise<PrepareResult> {
  return new Promise((resolve) => {
    execFile(
      python,
      ['-m', 'gilscope.prepare'],
      { env: { ...process.env, PYTHONPATH: runtimeDir }, timeout: 180_000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) {
          const said = stderr.trim().split('\n').pop();
          const reason = (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? `gilscope: '${python}' was not found; name a Python 3.8+ with --python PATH`
            : said || `gilscope: '${python} -m gilscope.prepare' failed (${error.message.split('\n')[0]})`;
          resolve({ ok: false, message: reason });
          return;
        }
        try {
          const report = JSON.parse(stdout) as Omit<PreparedPython, 'exact'> & { exact?: boolean };
          resolve({ ok: true, python: { ...report, exact: report.exact !== false } });
        } catch {
          resolve({ ok: false, message: `gilscope: '${python} -m gilscope.prepare' printed no report; is it CPython 3.8 or newer?` });
        }
      },
    );
  });
}
