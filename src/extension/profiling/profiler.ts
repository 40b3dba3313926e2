import * as vscode from 'vscode';
import type { RecordingSummary } from '../../protocol/webviewProtocol';
import type { GilscopeConfig } from '../config';
import { Disposable } from '../dispose';
import { describeInterpreter } from '../interpreter';
import type { Interpreter } from '../interpreter';
import { LoadedRecording, loadRecording } from '../recordings/loadedRecording';
import type { RecordingsStore } from '../recordings/recordingsStore';
import { ProfileSession } from './profileSession';
import type { SessionResult } from './profileSession';
import type { ProfileTarget } from './profileTarget';
import { ProfilingStatus } from './profilingStatus';
import type { TerminalOpener } from './workloadTerminal';

/** Where a run's recording is shown: its live snapshots, then the finished recording. */
export interface RecordingDisplay {
  live(recording: LoadedRecording): void;
  /** The report of part of a finished recording being read (recordingOpener.ts). */
  partial(recording: LoadedRecording): void;
  finished(recording: LoadedRecording): void;
}

export interface ProfilerServices {
  readonly config: GilscopeConfig;
  readonly store: RecordingsStore;
  readonly runtimeDir: string;
  readonly openTerminal: TerminalOpener;
  readonly interpreterFor: (resource: vscode.Uri | undefined) => Promise<Interpreter>;
  readonly display: RecordingDisplay;
  /** The command the status bar item runs to stop. */
  readonly stopCommand: string;
  /** A line for the "gilscope" output channel: each run's start and how it ended, kept after the notification is gone. */
  readonly log?: (line: string) => void;
}

/** The context key that is true while a run is in progress (package.json `when` clauses). */
export const PROFILING_CONTEXT = 'gilscope.profiling';

interface Run {
  readonly session: ProfileSession;
  liveSummary: RecordingSummary | undefined;
}

/**
 * Runs one profiling session at a time: the session itself (ProfileSession),
 * its cancellable progress and status bar item, the live snapshots passed to
 * the display, and at the end the recording stored and its report shown.
 */
export class Profiler extends Disposable {
  private run: Run | undefined;
  private readonly changeEmitter = this._register(new vscode.EventEmitter<void>());
  /** A run started or ended, or its live summary changed. */
  readonly onDidChange = this.changeEmitter.event;

  constructor(private readonly services: ProfilerServices) {
    super();
  }

  get isRunning(): boolean {
    return this.run !== undefined;
  }

  /** The running recording as the profiling panel lists it, once something has been recorded. */
  get liveSummary(): RecordingSummary | undefined {
    return this.run?.liveSummary;
  }

  /**
   * Profiles `target`; resolves when the run is over and, when it left a
   * recording, the recording is stored and its report shown: to the
   * recording's directory, else undefined (the user has been told why).
   */
  async profile(target: ProfileTarget): Promise<string | undefined> {
    if (this.run) {
      const label = this.run.session.target.label;
      void vscode.window.showWarningMessage(`gilscope is already profiling ${label}.`, 'Stop It').then((choice) => {
        if (choice) this.stop();
      });
      return undefined;
    }
    const { services } = this;
    const interpreter = await services.interpreterFor(vscode.Uri.file(target.file));
    services.log?.(`profiling ${target.label} with ${describeInterpreter(interpreter)}`);
    const session = ProfileSession.start({
      target,
      interpreter,
      recordingDir: services.store.newRecordingDir(),
      runtimeDir: services.runtimeDir,
      allowSampled: services.config.allowSampledFallback,
      liveUpdateHz: services.config.liveUpdateHz,
      maxRecordingBytes: services.config.maxRecordingBytes,
      openTerminal: services.openTerminal,
    });
    const run: Run = { session, liveSummary: undefined };
    this.run = run;
    void vscode.commands.executeCommand('setContext', PROFILING_CONTEXT, true);
    const status = new ProfilingStatus(target.label, services.stopCommand);
    session.onDidChangeState((state) => status.state(state, session.elapsedSeconds));
    session.onDidUpdate((snapshot) => {
      status.update(snapshot, session.state);
      if (!snapshot.analysis) return;
      const recording = new LoadedRecording(snapshot.analysis, true);
      run.liveSummary = recording.summary();
      services.display.live(recording);
      this.changeEmitter.fire();
    });
    this.changeEmitter.fire();
    let result: SessionResult;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `gilscope: profiling ${target.label}`, cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => session.stop());
          session.onDidChangeState((state) => progress.report({ message: state === 'running' ? 'running in its terminal' : state }));
          return session.done;
        },
      );
    } finally {
      status.dispose();
      session.dispose();
      this.run = undefined;
      void vscode.commands.executeCommand('setContext', PROFILING_CONTEXT, false);
      this.changeEmitter.fire();
    }
    return this.conclude(result, interpreter, session);
  }

  /** Stops the run in progress; false when there is none. */
  stop(): boolean {
    if (!this.run) return false;
    this.run.session.stop();
    return true;
  }

  override dispose(): void {
    this.stop();
    super.dispose();
  }

  private async conclude(result: SessionResult, interpreter: Interpreter, session: ProfileSession): Promise<string | undefined> {
    if (result.state === 'failed' || !result.recordingDir) {
      this.services.log?.(`run failed: ${result.message}`);
      void vscode.window.showErrorMessage(`gilscope: ${result.message}`, 'Show Terminal').then((choice) => {
        if (choice) session.showTerminal();
      });
      return undefined;
    }
    const dir = result.recordingDir;
    let recording: LoadedRecording;
    try {
      recording = result.analysis ? new LoadedRecording(result.analysis, false) : loadRecording(dir);
    } catch (error) {
      this.services.log?.(`run ended: ${result.message} Recording: ${dir} (could not be read: ${(error as Error).message})`);
      void vscode.window.showErrorMessage(`gilscope: ${result.message} The recording in ${dir} could not be read: ${(error as Error).message}`);
      return dir;
    }
    await this.services.store.add({
      dir,
      storedAt: Date.now(),
      summary: recording.summary(),
      interpreter: describeInterpreter(interpreter),
      outcome: result.message,
    });
    this.services.display.finished(recording);
    const notRecorded = result.notRecorded.length > 0 ? ` Not recorded: ${result.notRecorded.join('; ')}` : '';
    const message = `gilscope: ${result.message}${notRecorded}`;
    this.services.log?.(`run ended: ${result.message}${notRecorded} Recording: ${dir}`);
    void (result.ok ? vscode.window.showInformationMessage(message) : vscode.window.showWarningMessage(message));
    return dir;
  }
}
