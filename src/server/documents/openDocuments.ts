import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { DidChangeTextDocumentParams, DidOpenTextDocumentParams, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { LoadedRecording } from '../recordings/loadRecording';
import { resolveSourcePath } from '../recordings/fileFigures';
import { LineTracker } from './lineTracker';

/** How a document's current lines relate to one recording's. */
export type Placement = { readonly tracker: LineTracker } | { readonly stale: string };

/** One open Python file: its text, and per recording how its lines moved since that recording. */
export class OpenDocument {
  /** The file's real path; undefined for documents that are not files. */
  readonly path: string | undefined;
  private readonly placements = new Map<LoadedRecording, Placement>();

  constructor(public doc: TextDocument) {
    this.path = doc.uri.startsWith('file:') ? resolveSourcePath(fileURLToPath(doc.uri), undefined) : undefined;
  }

  update(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    this.doc = TextDocument.update(this.doc, [...changes], version);
    for (const p of this.placements.values()) if ('tracker' in p) for (const c of changes) p.tracker.apply(c);
  }

  /** Forgets the placements of recordings no longer read. */
  retain(recordings: ReadonlySet<LoadedRecording>): void {
    for (const r of [...this.placements.keys()]) if (!recordings.has(r)) this.placements.delete(r);
  }

  /**
   * How recorded lines map to the text, decided the first time the document
   * meets the recording: the lines are followed from then on when the file on
   * disk is no newer than the recording and the editor holds that same text;
   * otherwise the recording is older than the text, and that is said.
   */
  placement(recording: LoadedRecording): Placement {
    let p = this.placements.get(recording);
    if (p) return p;
    p = this.decide(recording);
    this.placements.set(recording, p);
    return p;
  }

  private decide(recording: LoadedRecording): Placement {
    if (!this.path) return { stale: 'the document is not a file on disk' };
    let disk: string;
    try {
      if (statSync(this.path).mtimeMs > recording.startedAtMs) return { stale: 'the file was written after the recording started' };
      disk = readFileSync(this.path, 'utf8');
    } catch {
      return { stale: 'the file cannot be read' };
    }
    const text = this.doc.getText();
    if (text !== disk) return { stale: 'the editor holds changes made before the recording was loaded' };
    return { tracker: new LineTracker(text) };
  }
}

/** The open documents, by URI, kept in step with didOpen/didChange/didClose. */
export class OpenDocuments {
  private readonly docs = new Map<string, OpenDocument>();

  open(params: DidOpenTextDocumentParams): OpenDocument {
    const { uri, languageId, version, text } = params.textDocument;
    const d = new OpenDocument(TextDocument.create(uri, languageId, version, text));
    this.docs.set(uri, d);
    return d;
  }

  change(params: DidChangeTextDocumentParams): OpenDocument | undefined {
    const d = this.docs.get(params.textDocument.uri);
    d?.update(params.contentChanges, params.textDocument.version);
    return d;
  }

  close(uri: string): void {
    this.docs.delete(uri);
  }

  get(uri: string): OpenDocument | undefined {
    return this.docs.get(uri);
  }

  all(): IterableIterator<OpenDocument> {
    return this.docs.values();
  }
}
