import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import type { InstalledCodeServer } from './install';

/**
 * code-server as a child process: started in its own process group (it forks an extension
 * host and a pty host), so that stopping it stops all of them.
 */
export interface CodeServerFolders {
  readonly userDataDir: string;
  readonly extensionsDir: string;
}

export class CodeServerProcess {
  private exit: string | undefined;
  private readonly killOnExit = () => this.signal('SIGKILL');

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.on('exit', (code, signal) => {
      this.exit = `code-server exited (${signal ?? `code ${code}`})`;
    });
    child.on('error', (error) => {
      this.exit = `code-server could not start: ${error.message}`;
    });
    // If this test process dies first (a node:test timeout ends the file), take code-server along.
    process.on('exit', this.killOnExit);
  }

  /** Starts `code-server --bind-addr 127.0.0.1:PORT` on a free port, its output to `logPath`. */
  static async start(
    installed: InstalledCodeServer,
    folders: CodeServerFolders,
    { logPath, env }: { logPath: string; env?: NodeJS.ProcessEnv },
  ): Promise<CodeServerProcess> {
    const port = await freePort();
    const args = [
      installed.codeServer.entry,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      // A built VS Code for the web honours the development entries of the workbench URL's
      // `payload` (extensionDevelopmentPath, extensionTestsPath, extensionEnvironment) only
      // when the smoke-test driver is enabled; code-server passes the flag through to VS Code.
      '--vscode-option',
      'enable-smoke-test-driver',
      '--user-data-dir',
      folders.userDataDir,
      '--extensions-dir',
      folders.extensionsDir,
    ];
    const log = openSync(logPath, 'w');
    try {
      const child = spawn(installed.node.executable, args, { stdio: ['ignore', log, log], detached: true, env: { ...process.env, ...env } });
      return new CodeServerProcess(child, port);
    } finally {
      closeSync(log);
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Why code-server is no longer running, or undefined while it runs. */
  exited(): string | undefined {
    return this.exit;
  }

  /** Polls /healthz until code-server answers (no fixed sleep). */
  async waitUntilServing(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exit) throw new Error(this.exit);
      try {
        const response = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(2_000) });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`code-server did not answer on ${this.url}/healthz within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** SIGTERM to the whole group, SIGKILL after `graceMs` if it is still there. */
  async stop(graceMs = 5_000): Promise<void> {
    process.off('exit', this.killOnExit);
    if (this.exit) {
      this.signal('SIGKILL'); // the leader is gone; children it left in the group are not
      return;
    }
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.signal('SIGTERM');
    const clean = await Promise.race([exited.then(() => true), delay(graceMs, false)]);
    this.signal('SIGKILL');
    if (!clean) await Promise.race([exited, delay(2_000, undefined)]);
  }

  private signal(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // the group is already gone
    }
  }
}

/** Runs `code-server ARGS` to completion (e.g. --install-extension); throws with its output on failure. */
export async function codeServerCommand(installed: InstalledCodeServer, args: readonly string[], timeoutMs: number): Promise<string> {
  const child = spawn(installed.node.executable, [installed.codeServer.entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const timer = setTimeout(() => {
    try {
      process.kill(-(child.pid ?? 0), 'SIGKILL');
    } catch {
      // gone
    }
  }, timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.on('error', () => resolve([null, null]));
    child.on('close', (c, s) => resolve([c, s]));
  });
  clearTimeout(timer);
  if (code !== 0) throw new Error(`code-server ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${output}`);
  return output;
}

/** Resolves to `value` after `ms`, without keeping the process alive for it. */
function delay<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms).unref());
}

/** A port that was free a moment ago on 127.0.0.1 (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
