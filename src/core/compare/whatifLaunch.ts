import { spawn } from 'node:child_process';
import { delimiter } from 'node:path';

/** What to ask of `python -m gilscope.whatif` (runtime/python/gilscope/whatif/driver.py). */
export interface WhatIfRequest {
  readonly python: string;
  readonly runtimeDir: string;
  readonly output: string;
  readonly function?: string;
  readonly inputs?: string;
  /** The script form: SCRIPT.py and its arguments. */
  readonly script?: readonly string[];
  readonly workers?: string;
  readonly modes?: string;
  readonly freeThreaded?: string;
  readonly timeoutSeconds?: number;
  /** Make each run this many times and keep the fastest. */
  readonly repeat?: number;
}

export function whatIfArguments(r: WhatIfRequest): string[] {
  const args = ['-m', 'gilscope.whatif', '-o', r.output];
  if (r.function !== undefined) args.push('--function', r.function);
  if (r.inputs !== undefined) args.push('--inputs', r.inputs);
  if (r.workers !== undefined) args.push('--workers', r.workers);
  if (r.modes !== undefined) args.push('--modes', r.modes);
  if (r.freeThreaded !== undefined) args.push('--free-threaded', r.freeThreaded);
  if (r.timeoutSeconds !== undefined) args.push('--timeout', String(r.timeoutSeconds));
  if (r.repeat !== undefined) args.push('--repeat', String(r.repeat));
  if (r.script) args.push('--', ...r.script);
  return args;
}

/**
 * Runs the what-if driver to its end. Its progress lines and its one-line
 * errors go to our stderr as they come; the runs' own output goes to logs
 * in the output directory. Resolves to its exit status: 0 made, 2 bad
 * input (already said), 127 the interpreter was not found.
 */
export function runWhatIf(r: WhatIfRequest): Promise<number> {
  const pythonPath = [r.runtimeDir, process.env['PYTHONPATH']].filter(Boolean).join(delimiter);
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: pythonPath };
  delete env['GILSCOPE_DIR'];
  return new Promise((resolve) => {
    const child = spawn(r.python, whatIfArguments(r), { env, stdio: ['ignore', 'ignore', 'inherit'] });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGTERM', forward);
    process.on('SIGINT', forward);
    const done = (code: number) => {
      process.off('SIGTERM', forward);
      process.off('SIGINT', forward);
      resolve(code);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      process.stderr.write(`gilscope compare: cannot run '${r.python}': ${error.code === 'ENOENT' ? 'not found; name a Python 3.8+ with --python' : error.message}\n`);
      done(127);
    });
    child.once('exit', (code, signal) => done(code ?? (signal ? 128 + 2 : 1)));
  });
}
