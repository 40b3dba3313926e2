import { spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../support/repoRoot';

/** installed.json, as written by setup/installCodeServer.mjs. */
export interface InstalledCodeServer {
  readonly node: { readonly version: string; readonly executable: string };
  readonly codeServer: { readonly version: string; readonly entry: string; readonly package: string };
  readonly chromium: { readonly executable: string; readonly version: string };
  readonly cache: string;
}

export type InstallOutcome =
  | { readonly ok: true; readonly installed: InstalledCodeServer; readonly seconds: number }
  | { readonly ok: false; readonly reason: string };

/** The test tools' cache, outside the repository; setup/installCodeServer.mjs computes the same. */
export function testCacheRoot(): string {
  if (process.env.GILSCOPE_TEST_CACHE) return process.env.GILSCOPE_TEST_CACHE;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'gilscope-test');
}

const INSTALL_TIMEOUT_MS = 30 * 60_000;

/**
 * Runs setup/installCodeServer.mjs (a no-op once installed), its progress lines going to
 * stderr as they come; returns what it installed, or the one line saying why it could not.
 */
export async function ensureCodeServer(): Promise<InstallOutcome> {
  const script = join(repoRoot, 'test/integration/setup/installCodeServer.mjs');
  const started = Date.now();
  const child = spawn(process.execPath, [script, '--json'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (pending + chunk).split('\n');
    pending = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      if (!line.startsWith('{')) process.stderr.write(`${line}\n`);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => process.stderr.write(chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), INSTALL_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(null));
    child.on('close', (status) => resolve(status));
  });
  clearTimeout(timer);
  if (pending) lines.push(pending);
  if (code !== 0) {
    const failure = [...lines].reverse().find((l) => l.startsWith('installCodeServer: FAILED: '))?.slice('installCodeServer: FAILED: '.length);
    const reason = failure ?? (code === null ? `the install script did not finish within ${INSTALL_TIMEOUT_MS / 60_000} minutes` : `the install script exited ${code}`);
    return { ok: false, reason: `code-server could not be installed on this machine: ${reason}` };
  }
  try {
    const installed = JSON.parse([...lines].reverse().find((l) => l.startsWith('{')) ?? '') as InstalledCodeServer;
    return { ok: true, installed, seconds: (Date.now() - started) / 1000 };
  } catch {
    return { ok: false, reason: 'the install script succeeded but printed no installed.json line' };
  }
}
