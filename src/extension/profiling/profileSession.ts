import { readdirSync, rmSync } from 'node:fs';
import * as vscode from 'vscode';
import type { RecordingAnalysis } from '../../core/analysis/recordingSession';
import { preparePython } from '../../core/launch/preparePython';
import { sizeCapNotice, startRecordedWorkload } from '../../core/launch/recordedLaunch';
import type { RecordedLaunch } from '../../core/launch/recordedLaunch';
import { recorderErrors } from '../../core/launch/recorderErrors';
import { createRecordingDir } from '../../core/launch/recordingDirSetup';
import type { WorkloadEnd, WorkloadRun } from '../../core/launch/workloadRun';
import { Disposable } from '../dispose';
import { describeInterpreter } from '../interpreter';
import type { Interpreter } from '../interpreter';
import { LiveFollower } from './liveFollower';
import type { ProfileTarget } from './profileTarget';
import { describeRunEnd } from './sessionOutcome';
import { WorkloadTerminal } from './workloadTerminal';
import type { TerminalHost, TerminalOpener } from './workloadTerminal';

/**
 * The states of a profiling session:
 *
 *   preparing ──────────────► running ──► stopping ──► finished
 *       │  (workload started)    │           │  (it exited)   ▲
 *       │ stop()                 │ stop()    └────────────────┤
 *       ▼                        └────────────────────────────┘ (it exited by itself)
 *   stopping ──► failed   (nothing ran)
 *   preparing ─► failed   (the interpreter cannot be prepared, or only sampled
 *                          and sampling is off, or the directory cannot be made)
 *   running ───► failed   (the workload ended with nothing recorded)
 *
 * - preparing: `python -m gilscope.prepare` builds or finds the probe, the
 *   recording directory is made (0700), the terminal opens.
 * - running: the workload runs in the terminal; the recording is followed
 *   at `liveUpdateHz` and each snapshot is passed to onDidUpdate.
 * - stopping: stop() asked the workload to end (SIGINT, then SIGTERM, then
 *   SIGKILL, 2 s apart); it is still running.
 * - finished: the workload ended (by itself, crashed, or stopped) and left a
 *   recording; result.recordingDir holds it.
 * - failed: nothing was recorded; result.message says why.
 */
export type SessionState = 'preparing' | 'running' | 'stopping' | 'finished' | 'failed';

export interface SessionResult {
  readonly state: 'finished' | 'failed';
  /** The recording, when the run finished (a failed run leaves none). */
  readonly recordingDir?: string;
  /** One sentence for the user. */
  readonly message: string;
  /** False when the user should look: a crash, a flood, a failure. */
  readonly ok: boolean;
  readonly end?: WorkloadEnd;
  /** Why processes were not recorded (runtime's errors-<pid>.txt). */
  readonly notRecorded: readonly string[];
  /** The finished recording's analysis, read by the follower at the end (so it need not be decoded again); undefined if it could not be read. */
  readonly analysis?: RecordingAnalysis;
}

export interface LiveSnapshot {
  readonly elapsedSeconds: number;
  /** Undefined until the first process's file can be read. */
  readonly analysis: RecordingAnalysis | undefined;
}

export interface SessionOptions {
  readonly target: ProfileTarget;
  readonly interpreter: Interpreter;
  /** Made by the session: must not hold a recording yet. */
  readonly recordingDir: string;
  readonly runtimeDir: string;
  readonly allowSampled: boolean;
  readonly liveUpdateHz: number;
  /** The recording's size cap in bytes (0: none): the setting gilscope.maxRecordingSize. */
  readonly maxRecordingBytes?: number;
  readonly openTerminal: TerminalOpener;
}

/** preparePython's message, less the CLI's advice (`--python`): here the interpreter comes from elsewhere. */
function preparationFailure(message: string): string {
  const said = message.replace(/^gilscope: /, '').replace(/; name a Python [^;]*--python PATH$/, '');
  return `${said}. The interpreter is the one selected in the Python extension, else the gilscope.pythonPath setting, else python3 on PATH.`;
}

/** "gilscope: recording stopped at …" as a sentence of the run's message: "Recording stopped at …." */
function asSentence(line: string): string {
  const said = line.replace(/^gilscope: /, '');
  return `${said.charAt(0).toUpperCase()}${said.slice(1)}.`;
}

/** How long to wait for VS Code to open the terminal before starting the workload anyway (its text is kept). */
const TERMINAL_OPEN_WAIT_MS = 5000;

/** One profiling run: see SessionState. Start it with ProfileSession.start; await `done`. */
export class ProfileSession extends Disposable {
  private stateNow: SessionState = 'preparing';
  private readonly stateEmitter = this._register(new vscode.EventEmitter<SessionState>());
  private readonly updateEmitter = this._register(new vscode.EventEmitter<LiveSnapshot>());
  /** Fires on every change of state. */
  readonly onDidChangeState = this.stateEmitter.event;
  /** Fires with each reading of the recording while the workload runs. */
  readonly onDidUpdate = this.updateEmitter.event;
  readonly done: Promise<SessionResult>;

  private readonly terminal: WorkloadTerminal;
  private readonly terminalHost: TerminalHost;
  private workload: WorkloadRun | undefined;
  private stopRequested = false;
  private startedAt = 0;

  private constructor(private readonly options: SessionOptions) {
    super();
    // Not registered: the terminal outlives the session, for reading, until the user closes it.
    this.terminal = new WorkloadTerminal({ stop: () => this.stop() });
    this.terminalHost = options.openTerminal(`gilscope: ${options.target.label}`, this.terminal);
    this.terminalHost.show(true);
    this.done = this.run().catch((error: unknown) => this.fail(`gilscope failed: ${(error as Error).message}`));
  }

  static start(options: SessionOptions): ProfileSession {
    return new ProfileSession(options);
  }

  get state(): SessionState {
    return this.stateNow;
  }

  get target(): ProfileTarget {
    return this.options.target;
  }

  /** Seconds since the workload started (0 while preparing). */
  get elapsedSeconds(): number {
    return this.startedAt ? (performance.now() - this.startedAt) / 1000 : 0;
  }

  /** Asks the run to end; the result still comes through `done`. */
  stop(): void {
    if (this.stateNow === 'preparing') {
      this.stopRequested = true;
      this.setState('stopping');
    } else if (this.stateNow === 'running') {
      this.stopRequested = true;
      this.setState('stopping');
      this.workload?.stop();
    }
  }

  /** Shows the run's terminal. */
  showTerminal(): void {
    this.terminalHost.show();
  }

  private setState(state: SessionState): void {
    if (this.stateNow === state) return;
    this.stateNow = state;
    this.stateEmitter.fire(state);
  }

  private fail(message: string): SessionResult {
    this.terminal.finish(`gilscope: ${message}`);
    this.setState('failed');
    return { state: 'failed', message, ok: false, notRecorded: [] };
  }

  private async run(): Promise<SessionResult> {
    const { options, terminal } = this;
    terminal.say(`gilscope: preparing ${describeInterpreter(options.interpreter)}`);
    const prepared = await preparePython(options.interpreter.path, options.runtimeDir, (line) => terminal.say(line));
    if (this.stopRequested) return this.fail('Stopped before the workload started.');
    if (!prepared.ok) return this.fail(preparationFailure(prepared.message));
    const python = prepared.python;
    if (!python.exact && !options.allowSampled) {
      return this.fail(`${python.executable} cannot be recorded exactly (${python.reason ?? 'no reason given'}), `
        + 'and sampling instead is turned off (setting gilscope.allowSampledFallback).');
    }
    let recordingDir: string;
    try {
      recordingDir = createRecordingDir(options.recordingDir);
    } catch (error) {
      return this.fail((error as Error).message);
    }
    await Promise.race([terminal.opened, new Promise((resolve) => setTimeout(resolve, TERMINAL_OPEN_WAIT_MS).unref())]);
    if (this.stopRequested) return this.fail('Stopped before the workload started.');

    const command = [python.executable, ...options.target.pythonArgs];
    terminal.say(`gilscope: recording ${python.exact ? 'exactly' : 'by sampling'} with Python ${python.version}: ${command.join(' ')}`);
    const launch: RecordedLaunch = {
      prepared: python,
      command,
      recordingDir,
      runtimeDir: options.runtimeDir,
      launcher: 'gilscope for VS Code',
      cwd: options.target.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.maxRecordingBytes !== undefined ? { maxBytes: options.maxRecordingBytes } : {}),
    };
    let workload: WorkloadRun;
    try {
      workload = startRecordedWorkload(launch);
    } catch (error) {
      return this.fail((error as Error).message);
    }
    this.startedAt = performance.now();
    this.workload = workload;
    terminal.attach(workload.child.stdout, workload.child.stderr, workload.child.stdin);
    this.setState('running');

    const follower = new LiveFollower(recordingDir, (analysis) => {
      this.updateEmitter.fire({ elapsedSeconds: this.elapsedSeconds, analysis });
    });
    follower.start(options.liveUpdateHz);
    const end = await workload.ended;
    const seconds = this.elapsedSeconds;
    return this.conclude(recordingDir, end, seconds, follower.finish(), sizeCapNotice(launch, workload));
  }

  private conclude(recordingDir: string, end: WorkloadEnd, seconds: number, analysis: RecordingAnalysis | undefined, capped: string | undefined): SessionResult {
    if (capped) this.terminal.say(capped);
    const notRecorded = recorderErrors(recordingDir);
    for (const reason of notRecorded) this.terminal.say(`gilscope: a process was not recorded: ${reason}`);
    const recorded = readdirSync(recordingDir).some((name) => name.endsWith('.gsr'));
    const outcome = describeRunEnd({ end, stoppedByUser: this.stopRequested, seconds, outputSkipped: this.terminal.skipped, recorded });
    if (!recorded) {
      const why = notRecorded[0] ?? 'no Python process of the workload started the recorder';
      rmSync(recordingDir, { recursive: true, force: true });
      return this.fail(`${outcome.text} (${why})`);
    }
    this.terminal.finish(`gilscope: ${outcome.text} Recording: ${recordingDir}`);
    this.setState('finished');
    return {
      state: 'finished',
      recordingDir,
      message: capped ? `${outcome.text} ${asSentence(capped)}` : outcome.text,
      ok: outcome.ok && notRecorded.length === 0,
      end,
      notRecorded,
      ...(analysis ? { analysis } : {}),
    };
  }
}
