import { closeSync, openSync, writeSync } from 'node:fs';

/** Flushed when this many characters are buffered. */
const FLUSH_AT = 1 << 20;

/**
 * Writes a large text file in pieces, so an export of millions of events
 * never holds the whole document in memory. `-` is standard output.
 */
export class TextOut {
  private readonly fd: number;
  private readonly owned: boolean;
  private parts: string[] = [];
  private buffered = 0;

  constructor(path: string) {
    this.owned = path !== '-';
    this.fd = this.owned ? openSync(path, 'w', 0o600) : 1;
  }

  write(text: string): void {
    this.parts.push(text);
    this.buffered += text.length;
    if (this.buffered >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    const buf = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.buffered = 0;
    let off = 0;
    while (off < buf.length) {
      try {
        off += writeSync(this.fd, buf, off, buf.length - off);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e; // a non-blocking pipe that is full: try again
      }
    }
  }

  close(): void {
    this.flush();
    if (this.owned) closeSync(this.fd);
  }
}
