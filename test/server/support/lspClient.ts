import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import type { MessageConnection } from 'vscode-languageserver-protocol/node';
import type {
  CodeAction,
  CodeLens,
  Diagnostic,
  Hover,
  InitializeResult,
  PublishDiagnosticsParams,
  Range,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol';
import { DidChangeRecordingsNotification, DidLoadRecordingsNotification } from '../../../src/protocol/lspProtocol';
import type { DiagnosticsSettings, RecordingStatus } from '../../../src/protocol/lspProtocol';
import { repoRoot } from '../../support/repoRoot';

/** What the fake editor answers for `workspace/configuration` (section gilscope.diagnostics). */
export type Settings = Partial<DiagnosticsSettings>;

const WAIT_MS = 20_000;

/**
 * A language client for tests: spawns the built dist/server.js (the file the
 * .vsix ships, with its .wasm beside it) and speaks JSON-RPC to it over
 * stdio. It answers `workspace/configuration` from `settings`, keeps the
 * last diagnostics per URI and the recording statuses, and lets a test wait
 * for either (polling the condition, no fixed sleeps).
 */
export class LspClient {
  readonly diagnostics = new Map<string, { version: number | undefined; diagnostics: Diagnostic[] }>();
  readonly loads: RecordingStatus[][] = [];
  settings: Settings = {};
  private readonly versions = new Map<string, number>();
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly child: ChildProcess, readonly rpc: MessageConnection) {
    rpc.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, { version: p.version, diagnostics: p.diagnostics });
      this.wake();
    });
    rpc.onNotification(DidLoadRecordingsNotification, (p) => {
      this.loads.push([...p.recordings]);
      this.wake();
    });
    rpc.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) =>
      p.items.map((i) => (i.section === 'gilscope.diagnostics' ? { enabled: true, lockWaitShare: 0.1, ...this.settings } : null)),
    );
    rpc.onRequest('client/registerCapability', () => null);
    rpc.onRequest('workspace/codeLens/refresh', () => null);
  }

  static async start(recordings: readonly string[], settings: Settings = {}): Promise<{ client: LspClient; initialize: InitializeResult }> {
    const child = spawn(process.execPath, [join(repoRoot, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const rpc = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspClient(child, rpc);
    client.settings = settings;
    rpc.listen();
    const died = new Promise<never>((_, reject) => child.once('exit', (code, signal) => reject(new Error(`dist/server.js exited (${code ?? signal}) before it was initialized`))));
    const initialize = (await Promise.race([died, rpc.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, codeLens: { refreshSupport: true } } },
      initializationOptions: { recordings },
    })])) as InitializeResult;
    died.catch(() => undefined); // after initialize, an exit is the test's business (stop)
    await rpc.sendNotification('initialized', {});
    await client.until(() => client.loads.length > 0, 'the recordings to load');
    return { client, initialize };
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Resolves when `condition` holds, checked on every message from the server. */
  until<T>(condition: () => T | undefined | false, what: string, ms = WAIT_MS): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = (): boolean => {
        const v = condition();
        if (v === undefined || v === false) return false;
        this.waiters.delete(check as () => void);
        clearTimeout(timer);
        resolve(v as T);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check as () => void);
        reject(new Error(`timed out waiting for ${what}`));
      }, ms);
      if (!check()) this.waiters.add(check as () => void);
    });
  }

  /** Opens a file as the editor would (its text from disk unless given); returns its URI. */
  async open(path: string, text = readFileSync(path, 'utf8')): Promise<string> {
    const uri = pathToFileURL(path).href;
    this.versions.set(uri, 1);
    await this.rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text } });
    return uri;
  }

  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.rpc.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  /** The diagnostics published for this URI at or after `version`. */
  diagnosticsFor(uri: string, version = 1): Promise<Diagnostic[]> {
    return this.until(() => {
      const d = this.diagnostics.get(uri);
      return d && (d.version ?? 0) >= version ? d.diagnostics : undefined;
    }, `diagnostics of ${uri} v${version}`);
  }

  lenses(uri: string): Promise<CodeLens[]> {
    return this.rpc.sendRequest('textDocument/codeLens', { textDocument: { uri } }) as Promise<CodeLens[]>;
  }

  hover(uri: string, line: number, character = 4): Promise<Hover | null> {
    return this.rpc.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character } }) as Promise<Hover | null>;
  }

  codeActions(uri: string, range: Range, diagnostics: Diagnostic[] = []): Promise<CodeAction[]> {
    return this.rpc.sendRequest('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics } }) as Promise<CodeAction[]>;
  }

  async setRecordings(recordings: readonly string[]): Promise<RecordingStatus[]> {
    const before = this.loads.length;
    await this.rpc.sendNotification(DidChangeRecordingsNotification, { recordings });
    return this.until(() => this.loads[before], 'the recordings to load again');
  }

  async changeSettings(settings: Settings): Promise<void> {
    this.settings = settings;
    await this.rpc.sendNotification('workspace/didChangeConfiguration', { settings: null });
  }

  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    await this.rpc.sendRequest('shutdown');
    await this.rpc.sendNotification('exit');
    const code = await exited;
    this.rpc.dispose();
    return code;
  }
}
