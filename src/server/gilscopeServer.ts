import { CodeActionKind, DidChangeConfigurationNotification, TextDocumentSyncKind } from 'vscode-languageserver';
import type { CodeAction, CodeLens, Connection, Diagnostic, Hover, InitializeParams, InitializeResult } from 'vscode-languageserver';
import { version } from '../../package.json';
import { DEFAULT_DIAGNOSTICS_SETTINGS, DidChangeRecordingsNotification, DidLoadRecordingsNotification } from '../protocol/lspProtocol';
import type { DiagnosticsSettings, GilscopeInitializationOptions } from '../protocol/lspProtocol';
import { OpenDocuments } from './documents/openDocuments';
import type { OpenDocument } from './documents/openDocuments';
import { codeActions } from './features/codeActions';
import { measuredDiagnostics, staticDiagnostics } from './features/diagnostics';
import { lineHover } from './features/hovers';
import { codeLenses } from './features/lenses';
import { documentProfile } from './features/profile';
import type { DocumentProfile } from './features/profile';
import { outline } from './python/outline';
import type { PythonOutline } from './python/outlineTypes';
import { PythonParser } from './python/parser';
import { RecordingStore } from './recordings/recordingStore';
import { pullDiagnosticsSettings } from './settings';

/** Diagnostics wait this long after the last keystroke. */
const CHANGE_DELAY_MS = 150;

interface Analysed {
  readonly version: number;
  readonly outline: PythonOutline;
}

/**
 * The gilscope language server on one connection. States: `starting`
 * (initialize answered, the grammar loading) → `running` (initialized: the
 * recordings are read, diagnostics published) → `shut down`. Every feature
 * answers from the open document's outline (parsed once per version) and its
 * profile (the newest recording that ran the file).
 */
export class GilscopeServer {
  private readonly documents = new OpenDocuments();
  private readonly recordings = new RecordingStore();
  private readonly analysed = new Map<string, Analysed>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly parser: Promise<PythonParser>;
  private settings: DiagnosticsSettings = DEFAULT_DIAGNOSTICS_SETTINGS;
  private initialRecordings: readonly string[] = [];
  private canPullConfiguration = false;
  private canRegisterConfiguration = false;
  private canRefreshLenses = false;

  constructor(private readonly connection: Connection, wasmDir: string) {
    this.parser = PythonParser.load(wasmDir);
    this.parser.catch((e: unknown) => connection.console.error(`gilscope: the Python grammar could not be loaded: ${String(e)}`));
    connection.onInitialize((p) => this.initialize(p));
    connection.onInitialized(() => void this.initialized());
    connection.onNotification(DidChangeRecordingsNotification, ({ recordings }) => this.setRecordings(recordings));
    connection.onDidChangeConfiguration(() => void this.reloadSettings());
    connection.onDidOpenTextDocument((p) => {
      const d = this.documents.open(p);
      void this.publish(d);
    });
    connection.onDidChangeTextDocument((p) => {
      const d = this.documents.change(p);
      if (d) this.schedule(d);
    });
    connection.onDidCloseTextDocument(({ textDocument: { uri } }) => {
      this.documents.close(uri);
      this.analysed.delete(uri);
      clearTimeout(this.timers.get(uri));
      this.timers.delete(uri);
      void connection.sendDiagnostics({ uri, diagnostics: [] });
    });
    connection.onCodeLens(({ textDocument: { uri } }) => this.codeLenses(uri));
    connection.onHover(({ textDocument: { uri }, position }) => this.hover(uri, position.line));
    connection.onCodeAction(({ textDocument: { uri }, range }) => this.codeActions(uri, range));
    connection.onShutdown(() => {
      for (const t of this.timers.values()) clearTimeout(t);
      this.timers.clear();
    });
  }

  private initialize(params: InitializeParams): InitializeResult {
    const options = params.initializationOptions as Partial<GilscopeInitializationOptions> | undefined;
    this.initialRecordings = Array.isArray(options?.recordings) ? options.recordings.filter((r): r is string => typeof r === 'string') : [];
    const workspace = params.capabilities.workspace;
    this.canPullConfiguration = workspace?.configuration === true;
    this.canRegisterConfiguration = workspace?.didChangeConfiguration?.dynamicRegistration === true;
    this.canRefreshLenses = workspace?.codeLens?.refreshSupport === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeLensProvider: { resolveProvider: false },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] },
      },
      serverInfo: { name: 'gilscope', version },
    };
  }

  private async initialized(): Promise<void> {
    if (this.canRegisterConfiguration) void this.connection.client.register(DidChangeConfigurationNotification.type, undefined);
    this.settings = await pullDiagnosticsSettings(this.connection, this.canPullConfiguration);
    this.setRecordings(this.initialRecordings);
  }

  private setRecordings(paths: readonly string[]): void {
    const statuses = this.recordings.set(paths);
    const loaded = new Set(this.recordings.loaded());
    for (const d of this.documents.all()) d.retain(loaded);
    void this.connection.sendNotification(DidLoadRecordingsNotification, { recordings: statuses });
    this.refreshAll();
  }

  private async reloadSettings(): Promise<void> {
    this.settings = await pullDiagnosticsSettings(this.connection, this.canPullConfiguration);
    this.refreshAll();
  }

  private refreshAll(): void {
    for (const d of this.documents.all()) void this.publish(d);
    if (this.canRefreshLenses) void this.connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  }

  private schedule(d: OpenDocument): void {
    const uri = d.doc.uri;
    clearTimeout(this.timers.get(uri));
    this.timers.set(uri, setTimeout(() => {
      this.timers.delete(uri);
      void this.publish(d);
    }, CHANGE_DELAY_MS));
  }

  /** The outline of the document's current version (parsed once per version). */
  private async outlineOf(d: OpenDocument): Promise<PythonOutline> {
    const known = this.analysed.get(d.doc.uri);
    if (known && known.version === d.doc.version) return known.outline;
    const parser = await this.parser;
    const version = d.doc.version;
    const o = parser.parse(d.doc.getText(), outline);
    if (this.documents.get(d.doc.uri) === d && d.doc.version === version) this.analysed.set(d.doc.uri, { version, outline: o });
    return o;
  }

  private async diagnosticsOf(d: OpenDocument, o: PythonOutline, profile: DocumentProfile | undefined): Promise<Diagnostic[]> {
    if (!this.settings.enabled) return [];
    return profile ? measuredDiagnostics(profile, o, d.doc, this.settings) : staticDiagnostics(o);
  }

  private async publish(d: OpenDocument): Promise<void> {
    const version = d.doc.version;
    const o = await this.outlineOf(d);
    if (d.doc.version !== version || this.documents.get(d.doc.uri) !== d) return; // a newer version will publish
    const diagnostics = await this.diagnosticsOf(d, o, documentProfile(this.recordings, d));
    await this.connection.sendDiagnostics({ uri: d.doc.uri, version, diagnostics });
  }

  private async codeLenses(uri: string): Promise<CodeLens[]> {
    const d = this.documents.get(uri);
    if (!d) return [];
    const profile = documentProfile(this.recordings, d);
    return profile ? codeLenses(profile, await this.outlineOf(d)) : [];
  }

  private async hover(uri: string, line: number): Promise<Hover | null> {
    const d = this.documents.get(uri);
    const profile = d && documentProfile(this.recordings, d);
    return (profile && lineHover(profile, line)) ?? null;
  }

  private async codeActions(uri: string, range: Parameters<typeof codeActions>[4]): Promise<CodeAction[]> {
    const d = this.documents.get(uri);
    if (!d) return [];
    const o = await this.outlineOf(d);
    const diagnostics = await this.diagnosticsOf(d, o, documentProfile(this.recordings, d));
    return codeActions(await this.parser, d.doc, o, diagnostics, range);
  }
}
