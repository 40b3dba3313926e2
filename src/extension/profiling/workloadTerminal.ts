import * as vscode from 'vscode';
import type { Readable, Writable } from 'node:stream';
import { Disposable } from '../dispose';
import { LineInput } from './lineInput';
import { OutputGate } from './outputGate';

/** What the terminal asks of whoever runs the workload. */
export interface WorkloadTerminalHandler {
  /** Ctrl+C typed, or the terminal closed while the workload runs. */
  stop(): void;
}

/** The terminal tab a WorkloadTerminal is shown in; a fake one in tests. */
export interface TerminalHost extends vscode.Disposable {
  show(preserveFocus?: boolean): void;
}

/** Opens a terminal tab driven by `pty`: VS Code's extension terminal, or a test's fake. */
export type TerminalOpener = (name: string, pty: vscode.Pseudoterminal) => TerminalHost;

export const openVsCodeTerminal: TerminalOpener = (name, pty) =>
  vscode.window.createTerminal({ name, pty, iconPath: new vscode.ThemeIcon('pulse') });

/**
 * The workload's terminal: a Pseudoterminal showing its output (CRLF line
 * ends, floods cut by an OutputGate) and giving it what the user types, one
 * line at a time (LineInput). Text written before VS Code opens the terminal
 * is kept and shown on open. After the run it stays open for reading until
 * a key is pressed. It lives as long as its terminal: VS Code's close()
 * disposes it.
 */
export class WorkloadTerminal extends Disposable implements vscode.Pseudoterminal {
  private readonly writeEmitter = this._register(new vscode.EventEmitter<string>());
  private readonly closeEmitter = this._register(new vscode.EventEmitter<number | void>());
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;

  private isOpen = false;
  private early: string[] = [];
  private stdin: Writable | undefined;
  private ended = false;
  private readonly gate = new OutputGate((text) => this.emit(text));
  private readonly input = new LineInput({
    echo: (text) => this.emit(text),
    line: (text) => this.stdin?.write(text),
    interrupt: () => this.handler.stop(),
    endOfInput: () => this.stdin?.end(),
  });
  private readonly openedPromise: Promise<void>;
  private markOpened!: () => void;

  constructor(private readonly handler: WorkloadTerminalHandler) {
    super();
    this.openedPromise = new Promise((resolve) => { this.markOpened = resolve; });
  }

  /** Resolves when VS Code has opened the terminal (and the early text is shown). */
  get opened(): Promise<void> {
    return this.openedPromise;
  }

  /** Characters of the workload's output that were not shown (a flood). */
  get skipped(): number {
    return this.gate.skipped;
  }

  open(): void {
    this.isOpen = true;
    for (const text of this.early.splice(0)) this.writeEmitter.fire(text);
    this.markOpened();
  }

  /** The user closed the terminal: a workload still running is stopped. */
  close(): void {
    this.isOpen = false;
    if (!this.ended) this.handler.stop();
    this.dispose();
  }

  handleInput(data: string): void {
    if (this.ended) this.closeEmitter.fire();
    else this.input.feed(data);
  }

  /** Follows the workload's output and feeds it what is typed. */
  attach(stdout: Readable | null, stderr: Readable | null, stdin: Writable | null): void {
    this.stdin = stdin ?? undefined;
    // A workload that exits without reading its input: writes then fail with EPIPE, which is no error of ours.
    this.stdin?.on('error', () => undefined);
    for (const stream of [stdout, stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (text: string) => this.gate.write(text.replace(/\r?\n/g, '\r\n')));
    }
  }

  /** A line of gilscope's own, told apart from the workload's output by colour. */
  say(text: string): void {
    this.emit(`\x1b[36m${text.replace(/\r?\n/g, '\r\n')}\x1b[0m\r\n`);
  }

  /** The run is over: says `summary` and waits for a key to close. */
  finish(summary: string): void {
    this.gate.flushNotice();
    this.ended = true;
    this.stdin = undefined;
    this.say(summary);
    this.emit('\x1b[2mPress any key to close this terminal.\x1b[0m');
  }

  private emit(text: string): void {
    if (this.isOpen) this.writeEmitter.fire(text);
    else this.early.push(text);
  }
}
