interface Disposable {
  dispose(): unknown;
}

interface Pty {
  onDidWrite: (listener: (text: string) => void) => Disposable;
  onDidClose?: (listener: (code: number | void) => void) => Disposable;
  open(dimensions: unknown): void;
  close(): void;
  handleInput?(data: string): void;
}

/**
 * An extension terminal as VS Code runs one: it opens the Pseudoterminal
 * shortly after creation (not synchronously), collects what it writes, passes
 * typed text to handleInput, and closes it when disposed or when the pty
 * fires onDidClose.
 */
export class MockTerminal {
  output = '';
  shown = 0;
  closed = false;
  private readonly subscriptions: Disposable[] = [];

  constructor(readonly name: string, readonly pty: Pty) {
    this.subscriptions.push(pty.onDidWrite((text) => { this.output += text; }));
    if (pty.onDidClose) this.subscriptions.push(pty.onDidClose(() => this.dispose()));
    setImmediate(() => {
      if (!this.closed) pty.open(undefined);
    });
  }

  /** What a user types (keystrokes as the terminal sends them: Enter is '\r'). */
  type(text: string): void {
    this.pty.handleInput?.(text);
  }

  /** The output without colours and with plain line ends, for assertions. */
  get text(): string {
    // eslint-disable-next-line no-control-regex
    return this.output.replace(/\x1b\[[0-9;]*m/g, '').replace(/\r\n/g, '\n');
  }

  show(): void {
    this.shown++;
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.subscriptions) s.dispose();
    this.pty.close();
  }
}
