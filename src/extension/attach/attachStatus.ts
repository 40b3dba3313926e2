import * as vscode from 'vscode';
import { Disposable } from '../dispose';

/**
 * The status bar item while a process is recorded by attaching: its pid and the
 * seconds so far; clicking it stops recording (the process goes on).
 */
export class AttachStatus extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 100));
  private readonly timer: NodeJS.Timeout;
  private stopping = false;

  constructor(private readonly pid: number, private readonly seconds: () => number, stopCommand: string) {
    super();
    this.item.name = 'gilscope attached';
    this.item.command = { title: 'Stop Recording', command: stopCommand };
    this.item.tooltip = `gilscope is recording process ${pid}: click to stop; the process goes on as before.`;
    this.timer = setInterval(() => this.draw(), 500);
    this._register({ dispose: () => clearInterval(this.timer) });
    this.draw();
    this.item.show();
  }

  /** The process was asked to stop; `why` when it has not yet (its main thread is blocked). */
  markStopping(why?: string): void {
    this.stopping = true;
    if (why) this.item.tooltip = why;
    this.draw();
  }

  private draw(): void {
    const icon = this.stopping ? '$(loading~spin)' : '$(record)';
    this.item.text = `${icon} gilscope ${this.stopping ? 'stopping' : 'recording'} process ${this.pid} ${this.seconds().toFixed(1)} s`;
  }

  /** The text now, for tests. */
  get text(): string {
    return this.item.text;
  }
}
