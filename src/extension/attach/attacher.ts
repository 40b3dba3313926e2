import * as vscode from 'vscode';
import { attachToProcess } from '../../core/attach/attachedRecording';
import { commandText } from '../../core/attach/commandText';
import type { AttachedRecording, AttachEnd } from '../../core/attach/attachedRecording';
import { Disposable } from '../dispose';
import type { RecordingDisplay } from '../profiling/profiler';
import { loadRecordingInSlices, OPENING_PACE } from '../recordings/recordingOpener';
import type { RecordingsStore } from '../recordings/recordingsStore';
import { AttachStatus } from './attachStatus';

export interface AttacherServices {
  readonly store: RecordingsStore;
  readonly runtimeDir: string;
  readonly display: RecordingDisplay;
  /** The command the status bar item runs to stop. */
  readonly stopCommand: string;
  readonly log?: (line: string) => void;
}

/** The context key that is true while an attached process is recorded (package.json `when` clauses). */
export const ATTACHED_CONTEXT = 'gilscope.attached';

/**
 * Records one running process at a time by attaching to it (core/attach): the
 * probe's preparation under a cancellable notification, then a status bar item
 * with Stop while it records; when recording ends (stopped, or the process ended)
 * the recording is stored and its report opens, as after Profile Current File.
 * Disposed while recording (the window closes): the stop is asked for, and the
 * process runs it even if this host is gone by then.
 */
export class Attacher extends Disposable {
  private recording: AttachedRecording | undefined;
  private status: AttachStatus | undefined;
  private readonly changeEmitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changeEmitter.event;

  constructor(private readonly services: AttacherServices) {
    super();
  }

  get isRecording(): boolean {
    return this.recording !== undefined;
  }

  /** Attaches to `pid`, records until stop() or its end; resolves to the recording's folder, else undefined (said why). */
  async attach(pid: number): Promise<string | undefined> {
    if (this.recording) {
      void vscode.window.showWarningMessage(`gilscope is already recording process ${this.recording.pid}.`, 'Stop It').then((choice) => {
        if (choice) this.stop();
      });
      return undefined;
    }
    const { services } = this;
    services.log?.(`attaching to process ${pid}`);
    const abort = new AbortController();
    const started = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `gilscope: attaching to process ${pid}`, cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        return attachToProcess({
          pid,
          output: services.store.newRecordingDir(),
          runtimeDir: services.runtimeDir,
          launcher: 'gilscope for VS Code (attach)',
          abort: abort.signal,
          notice: (line) => progress.report({ message: line.replace(/^gilscope: /, '') }),
        });
      },
    );
    if (!started.ok) {
      services.log?.(`attach failed: ${started.message}`);
      void vscode.window.showErrorMessage(`gilscope: ${started.message}`);
      return undefined;
    }
    const recording = started.recording;
    this.recording = recording;
    this.status = new AttachStatus(pid, () => recording.seconds, services.stopCommand);
    void vscode.commands.executeCommand('setContext', ATTACHED_CONTEXT, true);
    this.changeEmitter.fire();
    services.log?.(`recording process ${pid} (${commandText(recording.target.cmdline)}) into ${recording.dir}`);
    let end: AttachEnd;
    try {
      end = await recording.ended;
    } finally {
      this.status.dispose();
      this.status = undefined;
      this.recording = undefined;
      void vscode.commands.executeCommand('setContext', ATTACHED_CONTEXT, false);
      this.changeEmitter.fire();
    }
    return this.conclude(recording, end);
  }

  /** Asks the recorded process to stop recording; false when none is recorded. */
  stop(): boolean {
    const recording = this.recording;
    if (!recording) return false;
    this.status?.markStopping();
    void recording.stop((why) => {
      this.status?.markStopping(why);
      this.services.log?.(why);
    });
    return true;
  }

  override dispose(): void {
    this.stop();
    super.dispose();
  }

  private async conclude(attached: AttachedRecording, end: AttachEnd): Promise<string> {
    const dir = attached.dir;
    const how = end.how === 'stopped'
      ? `Process ${attached.pid} was recorded for ${end.seconds.toFixed(1)} s and runs on as before.`
      : `Process ${attached.pid} ended after ${end.seconds.toFixed(1)} s of recording; what was recorded is kept.`;
    // A long attach can leave a large recording: it is read a slice at a time, as Open Recording reads one.
    let failed = false;
    const recording = await loadRecordingInSlices(dir, (part) => this.services.display.partial(part), OPENING_PACE, (error) => {
      failed = true;
      this.services.log?.(`${how} Recording: ${dir} (could not be read: ${error.message})`);
      void vscode.window.showErrorMessage(`gilscope: ${how} The recording in ${dir} could not be read: ${error.message}`);
    });
    if (!recording) {
      if (!failed) this.services.log?.(`${how} Recording: ${dir} (its reading was cancelled; Open Recording reads it)`);
      return dir;
    }
    await this.services.store.add({ dir, storedAt: Date.now(), summary: recording.summary(), interpreter: `CPython ${attached.target.python.versionText}`, outcome: how });
    this.services.display.finished(recording);
    this.services.log?.(`${how} Recording: ${dir}`);
    void vscode.window.showInformationMessage(`gilscope: ${how}`);
    return dir;
  }
}
