import { spawn } from 'node:child_process';
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { constants } from 'node:os';

import { osErrorWords } from '../files/osErrorWords';
import { tiedToLauncher } from './parentDeath';
import { writeSessionFile } from './sessionFile';
import type { SessionRecord } from './sessionFile';
import { workloadEnvironment } from './workloadEnv';

/** How the workload ended: an exit code, or the signal that killed it. */
export interface WorkloadEnd {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface WorkloadOptions {
  readonly command: readonly string[];
  readonly recordingDir: string;
  readonly runtimeDir: string;
  readonly cwd?: string;
  readonly stdio?: StdioOptions;
  readonly launcher: string;
  readonly python?: SessionRecord['python'];
  /** Added to the workload's environment: the probe prepare checked (workloadEnv.ts). */
  readonly probeHandoff?: Readonly<Record<string, string>>;
  /**
   * A launcher in between (the sampler, sampledLaunch.ts): the command line
   * actually started, which runs `command`; session.json still names `command`.
   */
  readonly through?: readonly string[];
  /** Called when the command ends, for what only that launcher knows: the workload's own pid, its account. */
  readonly atEnd?: () => Pick<SessionRecord, 'pid' | 'sampled'>;
}

/**
 * One recorded run of a workload. States: `running` (spawned) → `stopping`
 * (stop() asked it to end) → `ended` (its exit was seen and session.json
 * written). The workload's stdio is the caller's choice (inherited by the
 * CLI, so the user reads and types as usual); nothing is added to it.
 */
export class WorkloadRun {
  state: 'running' | 'stopping' | 'ended' = 'running';
  readonly ended: Promise<WorkloadEnd>;
  readonly child: ChildProcess;
  /** CLOCK_MONOTONIC ns when it was started (process.hrtime), to compare with the recorder's times. */
  readonly startedMonoNs: bigint;
  private readonly session: SessionRecord;

  private constructor(options: WorkloadOptions) {
    const started = options.through ?? options.command;
    if (!started[0]) throw new Error('no command to record');
    // Through the trampoline when a Python is known (always, from recordedLaunch.ts): the workload dies with this process.
    const line = options.python ? tiedToLauncher(options.python.executable, options.runtimeDir, started) : started;
    const [program, ...args] = line as [string, ...string[]];
    this.session = {
      command: options.command,
      cwd: options.cwd ?? process.cwd(),
      startedAt: Date.now() / 1000,
      launcher: options.launcher,
      ...(options.python ? { python: options.python } : {}),
    };
    writeSessionFile(options.recordingDir, this.session);
    this.startedMonoNs = process.hrtime.bigint();
    this.child = spawn(program, args, {
      cwd: this.session.cwd,
      env: workloadEnvironment(options.recordingDir, options.runtimeDir, process.env, options.probeHandoff),
      stdio: options.stdio ?? 'inherit',
    });
    this.ended = new Promise((resolve) => {
      const finish = (end: WorkloadEnd) => {
        this.state = 'ended';
        writeSessionFile(options.recordingDir, {
          ...this.session,
          ...(this.child.pid !== undefined ? { pid: this.child.pid } : {}),
          endedAt: Date.now() / 1000,
          exitCode: end.exitCode,
          signal: end.signal ? constants.signals[end.signal] : null,
          ...options.atEnd?.(),
        });
        resolve(end);
      };
      this.child.once('error', (error: NodeJS.ErrnoException) => {
        process.stderr.write(`gilscope: could not start '${program}': ${error.code === 'ENOENT' ? 'no such program' : osErrorWords(error)}\n`);
        finish({ exitCode: 127, signal: null });
      });
      this.child.once('exit', (exitCode, signal) => finish({ exitCode, signal }));
    });
  }

  static start(options: WorkloadOptions): WorkloadRun {
    return new WorkloadRun(options);
  }

  /** Passes a signal on to the workload (the CLI forwards SIGTERM and SIGHUP). */
  signal(signal: NodeJS.Signals): void {
    if (this.state !== 'ended') this.child.kill(signal);
  }

  /** Asks the workload to end: SIGINT, then SIGTERM, then SIGKILL, `graceMs` apart. */
  stop(graceMs = 2000): void {
    if (this.state !== 'running') return;
    this.state = 'stopping';
    const steps: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGKILL'];
    const next = () => {
      const signal = steps.shift();
      if (!signal || this.state === 'ended') return;
      this.child.kill(signal);
      setTimeout(next, graceMs).unref();
    };
    next();
  }
}
