import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Exit } from './program';

/** How one run of a stress program (bare or under a launcher) went. */
export interface Run {
  readonly exit: Exit;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
  /** Set when the run outlived its time limit: what was stuck, with the stacks it printed. */
  readonly hang?: string;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  /**
   * The program's path: the processes of a hung run that run it (not a launcher, whose death
   * would end the program first) are asked for their stacks.
   */
  readonly program: string;
  /** A hung run's C stacks too (gdb, when installed; seconds each): default true. */
  readonly cStacks?: boolean;
}

/**
 * Runs argv to its end with no core dumps (the programs that end by SIGABRT or SIGSEGV, and the
 * launchers that then end the same way, leave no core files). When it outlives the time limit,
 * every process of its tree is asked for its Python stacks (SIGUSR2: the programs register
 * faulthandler on it), and for its C stacks when gdb is installed, then killed.
 */
export function runWithLimit(argv: readonly string[], options: RunOptions): Promise<Run> {
  const started = performance.now();
  const child = spawn('/bin/sh', ['-c', 'ulimit -c 0 && exec "$@"', 'sh', ...argv], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  let hang: string | undefined;
  const timer = setTimeout(() => {
    hang = diagnoseHang(child.pid!, options);
  }, options.timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        exit: { code, signal },
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        seconds: (performance.now() - started) / 1e3,
        ...(hang === undefined ? {} : { hang }),
      });
    });
  });
}

/** The processes under `root` (itself included), parents first, with their command lines. */
export function processTree(root: number): { pid: number; command: string }[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(name)]);
    } catch {
      // ended meanwhile
    }
  }
  const tree: { pid: number; command: string }[] = [];
  const visit = (pid: number) => {
    let command = '';
    try {
      command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      return;
    }
    tree.push({ pid, command });
    for (const c of parents.get(pid) ?? []) visit(c);
  };
  visit(root);
  return tree;
}

let gdb: boolean | undefined;
function hasGdb(): boolean {
  gdb ??= spawnSync('gdb', ['--version'], { stdio: 'ignore' }).status === 0;
  return gdb;
}

/**
 * What a run that did not end was doing: its process tree, the C stacks of its Python processes
 * (gdb, when installed), then SIGUSR2 for their Python stacks (faulthandler, on the run's
 * stderr); half a second later the tree is killed.
 */
function diagnoseHang(root: number, options: RunOptions): string {
  const tree = processTree(root);
  const isProgram = (command: string) => {
    const words = command.split(' ');
    return /python/.test(words[0] ?? '') && words.includes(options.program) && !words.includes('gilscope.run') && !words.includes('-I');
  };
  const pythons = tree.filter((p) => isProgram(p.command)).slice(0, 4);
  const parts = [`did not end within ${options.timeoutMs / 1000} s; its processes:`, ...tree.map((p) => `  ${p.pid} ${p.command.slice(0, 200)}`)];
  if (options.cStacks !== false && hasGdb()) {
    for (const p of pythons.slice(0, 2)) {
      // no symbol downloads (debuginfod would wait on the network), and killed, not asked, at the limit
      const r = spawnSync('gdb', ['-p', String(p.pid), '-batch', '-nx', '-iex', 'set debuginfod enabled off', '-ex', 'thread apply all bt 25'], {
        encoding: 'utf8', timeout: 20_000, killSignal: 'SIGKILL', env: { ...process.env, DEBUGINFOD_URLS: '' },
      });
      const stacks = String(r.stdout).split('\n').filter((l) => /^Thread |^#/.test(l)).slice(0, 150);
      parts.push(`C stacks of ${p.pid} (gdb):`, ...stacks.map((l) => `  ${l.slice(0, 240)}`));
    }
  }
  for (const p of pythons) {
    try {
      process.kill(p.pid, 'SIGUSR2');
    } catch {
      // ended meanwhile
    }
  }
  // faulthandler writes at once; give it a moment, then end the whole tree
  setTimeout(() => {
    for (const p of [...processTree(root), ...tree].reverse()) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // ended meanwhile
      }
    }
  }, 500);
  parts.push('(the Python stacks that SIGUSR2 made each program print are at the end of its stderr)');
  return parts.join('\n');
}
