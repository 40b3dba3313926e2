import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { runOk } from './runProcess';

/** The per-user cache of the tests' heavy dependencies, outside the clone. */
export const TEST_CACHE = join(process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'gilscope-test');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A virtualenv at `venv`, made with `basePython` and `packages` installed from pip's configured
 * index (the machine's local wheel index; no other registry is asked, and an unreachable default
 * index fails fast), once: a marker names the packages it was made with, and a lock folder
 * makes a second test process wait for the first (a lock older than 20 minutes is stale).
 * Resolves to the venv's python, or rejects saying what failed.
 */
export async function cachedVenv(venv: string, basePython: string, packages: readonly string[]): Promise<string> {
  const python = join(venv, 'bin', 'python');
  const marker = join(venv, '.gilscope-ready');
  const want = createHash('sha256').update(packages.join(' ')).digest('hex').slice(0, 16);
  const ready = () => existsSync(marker) && readFileSync(marker, 'utf8').trim() === want;
  if (ready()) return python;
  mkdirSync(dirname(venv), { recursive: true });
  const lock = `${venv}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0) > 20 * 60_000) rmSync(lock, { recursive: true, force: true });
      await sleep(1000);
      if (ready()) return python;
    }
  }
  try {
    if (ready()) return python;
    rmSync(venv, { recursive: true, force: true });
    await runOk(basePython, ['-m', 'venv', venv], { timeoutMs: 300_000 });
    await runOk(python, ['-m', 'pip', 'install', '--retries', '0', '--timeout', '15', '--quiet', ...packages], {
      env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' },
      timeoutMs: 15 * 60_000,
    });
    writeFileSync(marker, `${want}\n`);
    return python;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
