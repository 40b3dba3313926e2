import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './repoRoot';
import type { Ran } from './runProcess';

/**
 * A Python program started for `gilscope attach` to attach to: not the CLI's child, as
 * a real target is not; nothing of gilscope on its path or in its environment. `ended`
 * resolves with how it ended and what it wrote.
 */
export interface RunningTarget {
  readonly pid: number;
  readonly ended: Promise<Ran>;
  /** Whether it still runs. */
  running(): boolean;
}

export function startTarget(python: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): RunningTarget {
  const started = performance.now();
  const environment: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete environment['PYTHONPATH'];
  delete environment['GILSCOPE_DIR'];
  const child = spawn(python, args, { cwd: repoRoot, env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  let done = false;
  const ended = new Promise<Ran>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      done = true;
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), seconds: (performance.now() - started) / 1e3 });
    });
  });
  if (child.pid === undefined) throw new Error(`${python} could not be started`);
  return { pid: child.pid, ended, running: () => !done };
}

export const ATTACH_WORKLOAD = join(repoRoot, 'test/workloads/attach_target.py');

/** What a test reads of an attached recording's header (runtime/FORMAT.md, version 2), without the product's reader. */
export interface AttachedHeader {
  readonly version: number;
  readonly pid: number;
  readonly startMonoNs: bigint;
  readonly endKind: number;
  readonly endMonoNs: bigint;
  /** Recording flag bit 0. */
  readonly attached: boolean;
  readonly attachMonoNs: bigint;
}

export function readAttachedHeader(path: string): AttachedHeader {
  const b = readFileSync(path);
  return {
    version: b.readUInt32LE(8),
    pid: b.readUInt32LE(24),
    startMonoNs: b.readBigUInt64LE(32),
    endKind: b.readUInt32LE(88),
    endMonoNs: b.readBigUInt64LE(96),
    attached: (b.readUInt32LE(624) & 1) === 1,
    attachMonoNs: b.readBigUInt64LE(632),
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
