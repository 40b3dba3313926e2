import { readFileSync } from 'node:fs';
import { Position, Range, Selection, Uri } from './types';

/** A text document as VS Code gives it, read from disk (or from `text`). */
export class MockTextDocument {
  readonly uri: Uri;
  readonly fileName: string;
  readonly languageId: string;
  readonly isUntitled = false;
  isDirty = false;
  saves = 0;
  private readonly lines: string[];

  constructor(uri: Uri, text?: string) {
    this.uri = uri;
    this.fileName = uri.fsPath;
    this.languageId = uri.path.endsWith('.py') ? 'python' : 'plaintext';
    this.lines = (text ?? readFileSync(uri.fsPath, 'utf8')).split(/\r?\n/);
  }

  get lineCount(): number {
    return this.lines.length;
  }

  lineAt(line: number): { readonly text: string; readonly lineNumber: number } {
    if (line < 0 || line >= this.lines.length) throw new Error('Illegal value for `line`');
    return { text: this.lines[line]!, lineNumber: line };
  }

  getText(): string {
    return this.lines.join('\n');
  }

  async save(): Promise<boolean> {
    this.saves++;
    this.isDirty = false;
    return true;
  }
}

/** A text editor: its document, a cursor, and the decorations set on it (by type key). */
export class MockTextEditor {
  selection: Selection;
  readonly decorations = new Map<string, readonly { range: Range; hoverMessage?: unknown }[]>();

  constructor(readonly document: MockTextDocument, cursorLine = 0) {
    const at = new Position(cursorLine, 0);
    this.selection = new Selection(at, at);
  }

  setDecorations(type: { key: string }, ranges: readonly (Range | { range: Range; hoverMessage?: unknown })[]): void {
    this.decorations.set(type.key, ranges.map((r) => (r instanceof Range ? { range: r } : r)));
  }
}
