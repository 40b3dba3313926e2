import type { TextEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';

/** A change to a text by UTF-16 offsets: [start, end) becomes `text`. */
export interface Splice {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * Applies non-overlapping splices, all by offsets into the original text.
 * At one offset a replacement goes before an insertion, so the inserted text
 * ends up in front (an indent before a renamed callee at the line's start).
 */
export function applySplices(text: string, splices: readonly Splice[]): string {
  const ordered = [...splices].sort((a, b) => b.start - a.start || (b.end - b.start) - (a.end - a.start));
  let out = text;
  let limit = Infinity;
  for (const s of ordered) {
    if (s.end > limit) throw new Error('overlapping splices');
    out = out.slice(0, s.start) + s.text + out.slice(s.end);
    limit = s.start;
  }
  return out;
}

/**
 * One edit that turns `before` into `after`, covering only the whole lines
 * that differ: cursor, folding and undo stay sensible for the rest.
 */
export function lineEdit(before: string, after: string): TextEdit {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const doc = TextDocument.create('file:///x', 'python', 0, before);
  if (head >= a.length) {
    // Lines added after the last one, which has no newline of its own.
    const end = doc.positionAt(before.length);
    return { range: { start: end, end }, newText: `\n${b.slice(head).join('\n')}` };
  }
  const start = doc.offsetAt({ line: head, character: 0 });
  const endLine = a.length - tail;
  const end = endLine >= a.length ? before.length : doc.offsetAt({ line: endLine, character: 0 });
  const replaced = b.slice(head, b.length - tail).join('\n');
  const newText = endLine >= a.length ? replaced : `${replaced}${b.length - tail > head ? '\n' : ''}`;
  return { range: { start: doc.positionAt(start), end: doc.positionAt(end) }, newText };
}
