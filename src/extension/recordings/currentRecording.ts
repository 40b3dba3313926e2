import * as vscode from 'vscode';
import { Disposable } from '../dispose';
import type { LoadedRecording } from './loadedRecording';

/**
 * The recording the editor shows now: the lenses, the heat, the profiling
 * panel and the report read it. A run replaces it with its live snapshots,
 * then with the finished recording; Open Recording replaces it too.
 */
export class CurrentRecording extends Disposable {
  private value: LoadedRecording | undefined;
  private readonly changeEmitter = this._register(new vscode.EventEmitter<LoadedRecording | undefined>());
  readonly onDidChange = this.changeEmitter.event;

  get recording(): LoadedRecording | undefined {
    return this.value;
  }

  set(recording: LoadedRecording | undefined): void {
    this.value = recording;
    this.changeEmitter.fire(recording);
  }
}
