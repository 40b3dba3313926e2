/** What a keystroke sequence typed into the workload's terminal amounts to. */
export interface LineInputSink {
  /** Text to show in the terminal (the echo of what was typed). */
  echo(text: string): void;
  /** A whole line (with its '\n') for the workload's standard input. */
  line(text: string): void;
  /** Ctrl+C: the user asks the workload to stop. */
  interrupt(): void;
  /** Ctrl+D on an empty line: end of the workload's input. */
  endOfInput(): void;
}

/**
 * The line discipline a terminal device would give the workload, for a
 * Pseudoterminal that has none: typed characters are echoed and collected,
 * Backspace removes the last one, Enter sends the line, Ctrl+C interrupts and
 * Ctrl+D ends the input. Escape sequences (arrow keys) are ignored.
 */
export class LineInput {
  private pending = '';

  constructor(private readonly sink: LineInputSink) {}

  /** Feeds what the terminal sent: one key, or a whole paste. */
  feed(data: string): void {
    // eslint-disable-next-line no-control-regex
    const keys = data.replace(/\x1b\[[0-9;?]*[A-Za-z~]|\x1b[O[][A-Za-z]?/g, '');
    for (const key of keys) {
      switch (key) {
        case '\r':
        case '\n':
          this.sink.echo('\r\n');
          this.sink.line(`${this.pending}\n`);
          this.pending = '';
          break;
        case '\x7f':
        case '\b':
          if (this.pending.length > 0) {
            this.pending = [...this.pending].slice(0, -1).join('');
            this.sink.echo('\b \b');
          }
          break;
        case '\x03':
          this.pending = '';
          this.sink.echo('^C\r\n');
          this.sink.interrupt();
          break;
        case '\x04':
          if (this.pending === '') this.sink.endOfInput();
          else { this.sink.line(this.pending); this.pending = ''; }
          break;
        default:
          if (key >= ' ') {
            this.pending += key;
            this.sink.echo(key);
          }
      }
    }
  }
}
