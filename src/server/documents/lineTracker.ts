import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';

/**
 * Follows the lines of a text that was recorded through the edits made to it
 * since, from the ranges of LSP `didChange` events. Each recorded line is
 * anchored at its first non-blank character: an edit before the anchor on
 * the same line (indenting it, inserting lines above) moves it, an edit after
 * it leaves it, and an edit whose range covers it deletes the line (its
 * figures are no longer shown). A change without a range (the whole text
 * replaced) loses every line.
 */
export class LineTracker {
  private readonly lines: Int32Array;
  private readonly cols: Int32Array;
  private reverse: Map<number, number> | undefined;

  /** @param text the text as it was recorded */
  constructor(text: string) {
    const rows = text.split('\n');
    this.lines = new Int32Array(rows.length);
    this.cols = new Int32Array(rows.length);
    rows.forEach((row, i) => {
      this.lines[i] = i;
      const indent = row.search(/\S/);
      this.cols[i] = indent < 0 ? row.replace(/\r$/, '').length : indent;
    });
  }

  apply(change: TextDocumentContentChangeEvent): void {
    this.reverse = undefined;
    if (!('range' in change)) {
      this.lines.fill(-1);
      return;
    }
    const { start: s, end: e } = change.range;
    const text = change.text;
    const newlines = text.split('\n').length - 1;
    const lastLength = text.length - text.lastIndexOf('\n') - 1;
    for (let i = 0; i < this.lines.length; i++) {
      const line = this.lines[i]!;
      if (line < 0) continue;
      const col = this.cols[i]!;
      if (line < s.line || (line === s.line && col < s.character)) continue;
      if (line > e.line || (line === e.line && col >= e.character)) {
        if (line === e.line) {
          this.cols[i] = (newlines > 0 ? lastLength : s.character + text.length) + (col - e.character);
          this.lines[i] = s.line + newlines;
        } else {
          this.lines[i] = line + newlines - (e.line - s.line);
        }
        continue;
      }
      this.lines[i] = -1;
    }
  }

  /** Where a recorded line (0-based) is now, or undefined when it was deleted. */
  current(recordedLine: number): number | undefined {
    const l = this.lines[recordedLine];
    return l === undefined || l < 0 ? undefined : l;
  }

  /** Which recorded line (0-based) a current line was, or undefined for a line written since. */
  recorded(currentLine: number): number | undefined {
    if (!this.reverse) {
      this.reverse = new Map();
      this.lines.forEach((l, i) => {
        if (l >= 0 && !this.reverse!.has(l)) this.reverse!.set(l, i);
      });
    }
    return this.reverse.get(currentLine);
  }
}
