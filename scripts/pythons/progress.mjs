// Progress on stderr and the running of commands for scripts/pythons.mjs.
// stdout is reserved for the list of interpreters, so everything here writes to stderr.
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';

/** A failure that ends the script with one line on stderr (and `exitCode`). */
export class PythonsError extends Error {
  constructor(message, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

export function note(message) {
  process.stderr.write(`pythons: ${message}\n`);
}

/** 0.7 s, 12.3 s, 2m05s. */
export function duration(ms) {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** A line at least this often while a step runs, so CI logs show the build is alive. */
const HEARTBEAT_MS = 20_000;

/**
 * Runs `work` as one step: one line when it ends, with its time, and a "still running"
 * line every 20 s while it lasts. `label` says what the step does ("3.14: extract 40 packages");
 * `outcome(result)`, when given, is added to that line ("not on the archive").
 */
export async function step(label, work, outcome) {
  const started = Date.now();
  const heartbeat = setInterval(() => note(`${label}: still running (${duration(Date.now() - started)})`), HEARTBEAT_MS);
  try {
    const result = await work();
    const said = outcome?.(result);
    note(`${label}${said ? `: ${said}` : ''} (${duration(Date.now() - started)})`);
    return result;
  } finally {
    clearInterval(heartbeat);
  }
}

/** Kept of a command's output for its error message: the end is where compilers and apt say what went wrong. */
const TAIL_CHARS = 4000;

/**
 * Runs a command (argument array, no shell) and resolves with its exit code and output.
 * `log`: a file every byte of output is appended to as well (long builds).
 */
export function run(command, args, { cwd, env, log, input } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: env ?? process.env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let tail = '';
    const keep = (which) => (chunk) => {
      const text = chunk.toString('utf8');
      // a build's megabytes of output go to its log only
      if (!log && which === 'out') stdout += text;
      else if (!log) stderr += text;
      tail = (tail + text).slice(-TAIL_CHARS);
      if (log) appendFileSync(log, chunk);
    };
    child.stdout.on('data', keep('out'));
    child.stderr.on('data', keep('err'));
    if (input !== undefined) child.stdin.end(input);
    child.on('error', (error) => resolve({ code: -1, stdout, stderr: `${stderr}${error.message}`, tail: `${tail}${error.message}` }));
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr, tail }));
  });
}

/** Like run(), but a non-zero exit is a PythonsError naming the command and its last output line. */
export async function runOrFail(what, command, args, options = {}) {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    const last = lastLine(result.tail);
    const where = options.log ? `; full output in ${options.log}` : '';
    throw new PythonsError(`${what} failed (${result.signal ?? `exit ${result.code}`})${last ? `: ${last}` : ''}${where}`);
  }
  return result;
}

export function lastLine(text) {
  return (text ?? '').trim().split('\n').filter((l) => l.trim()).pop()?.trim() ?? '';
}
