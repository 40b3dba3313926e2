import { spawn } from 'node:child_process';
import { delimiter } from 'node:path';
import { createInterface } from 'node:readline';

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
  /** The folder the driver (and so a script) runs in; default ours. */
  readonly cwd?: string;
}

/** How a caller follows and stops the driver. */
export interface WhatIfControl {
  /**
   * Aborting stops the runs: the driver is sent SIGINT, on which it kills
   * the run under way with its pool's workers (each run is its own process
   * group) and exits 130; SIGKILL follows if it has not exited after
   * STOP_GRACE_MS.
   */
  readonly signal?: AbortSignal;
  /**
   * Each line the driver says on stderr (`gilscope compare: [2/5] threads ×1 …`,
   * or why it refused). Without it the driver's stderr is ours, and our own
   * one-line errors are written there too.
   */
  readonly onLine?: (line: string) => void;
}

/** How long the driver has to stop its run after SIGINT before it is killed. */
export const STOP_GRACE_MS = 10_000;

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
 * errors go to `control.onLine` (else to our stderr) as they come; the runs'
 * own output goes to logs in the output directory. Resolves to its exit
 * status: 0 made, 2 bad input (already said), 127 the interpreter was not
 * found, 130 stopped.
 */
export function runWhatIf(r: WhatIfRequest, control: WhatIfControl = {}): Promise<number> {
  const pythonPath = [r.runtimeDir, process.env['PYTHONPATH']].filter(Boolean).join(delimiter);
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: pythonPath };
  delete env['GILSCOPE_DIR'];
  const say = control.onLine ?? ((line: string) => process.stderr.write(`${line}\n`));
  return new Promise((resolve) => {
    if (control.signal?.aborted) {
      resolve(130);
      return;
    }
    const child = spawn(r.python, whatIfArguments(r), {
      env,
      stdio: ['ignore', 'ignore', control.onLine ? 'pipe' : 'inherit'],
      ...(r.cwd !== undefined ? { cwd: r.cwd } : {}),
    });
    if (child.stderr && control.onLine) createInterface({ input: child.stderr }).on('line', control.onLine);
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const stop = () => {
      child.kill('SIGINT');
      killTimer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    };
    control.signal?.addEventListener('abort', stop, { once: true });
    let ended = false;
    const done = (code: number) => {
      if (ended) return; // 'close' can follow 'error'
      ended = true;
      clearTimeout(killTimer);
      control.signal?.removeEventListener('abort', stop);
      resolve(code);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      say(`gilscope compare: cannot run '${r.python}': ${error.code === 'ENOENT' ? 'not found; name a Python 3.8+ (gilscope compare --python PATH, or the gilscope.pythonPath setting in VS Code)' : error.message}`);
      done(127);
    });
    child.once('close', (code, signal) => done(code ?? (signal ? 128 + 2 : 1)));
  });
}
