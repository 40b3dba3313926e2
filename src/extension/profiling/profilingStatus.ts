import * as vscode from 'vscode';
import { Disposable } from '../dispose';
import { gilTotals, sharesBetween } from './liveShares';
import type { GilTotals } from './liveShares';
import type { LiveSnapshot, SessionState } from './profileSession';

/**
 * The status bar item of a run: its state, elapsed time and, while it runs,
 * the GIL held and waiting shares of the threads' time since the previous
 * reading. Clicking it stops the run.
 */
export class ProfilingStatus extends Disposable {
  private readonly item = this._register(vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 100));
  private previous: GilTotals | undefined;
  private shares = '';

  constructor(label: string, stopCommand: string) {
    super();
    this.item.name = 'gilscope profiling';
    this.item.command = { title: 'Stop Profiling', command: stopCommand };
    this.item.tooltip = `gilscope is profiling ${label}: click to stop. GIL shares are of the live threads' time since the last reading.`;
    this.state('preparing', 0);
    this.item.show();
  }

  state(state: SessionState, elapsedSeconds: number): void {
    const icon = state === 'preparing' || state === 'stopping' ? '$(loading~spin)' : '$(pulse)';
    const word = state === 'running' ? '' : ` ${state}`;
    this.item.text = `${icon} gilscope${word} ${elapsedSeconds.toFixed(1)} s${state === 'running' ? this.shares : ''}`;
  }

  update(snapshot: LiveSnapshot, state: SessionState): void {
    const now = snapshot.analysis && gilTotals(snapshot.analysis);
    const shares = this.previous && now && sharesBetween(this.previous, now);
    this.previous = now ?? this.previous;
    if (shares) this.shares = ` · GIL held ${Math.round(shares.held * 100)}% · waiting ${Math.round(shares.wait * 100)}%`;
    this.state(state, snapshot.elapsedSeconds);
  }

  /** The text now, for tests and the progress message. */
  get text(): string {
    return this.item.text;
  }
}
