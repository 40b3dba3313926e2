import { spawn } from 'node:child_process';
import { repoRoot } from './repoRoot';

/** How a process ended and what it wrote. */
export interface Ran {
  /** The exit status; null when a signal (the timeout's, say) ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Seconds from start to end. */
  readonly seconds: number;
}

export interface RunOptions {
  /** Default: the repository root. */
  readonly cwd?: string;
  /** The whole environment (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** Killed (SIGTERM) after this long; default 120 s. */
  readonly timeoutMs?: number;
}

/**
 * Runs a command to its end, asynchronously (a test's other work and its timeouts go on
 * meanwhile), with no input; resolves however it ended, rejects only when it cannot start.
 * Every test that runs the CLI, Python or a build tool goes through here.
 */
export function runProcess(command: string, args: readonly string[], options: RunOptions = {}): Promise<Ran> {
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: options.cwd ?? repoRoot,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: options.timeoutMs ?? 120_000,
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), seconds: (performance.now() - started) / 1e3 }),
    );
  });
}

/** runProcess, rejecting with the end of its output unless it exits with status 0. */
export async function runOk(command: string, args: readonly string[], options: RunOptions = {}): Promise<Ran> {
  const ran = await runProcess(command, args, options);
  if (ran.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${ran.code ?? ran.signal}):\n${ran.stderr.slice(-4000)}\n${ran.stdout.slice(-2000)}`);
  }
  return ran;
}
