import type * as vscode from 'vscode';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { DidChangeRecordingsNotification, DidLoadRecordingsNotification } from '../protocol/lspProtocol';
import type { GilscopeInitializationOptions, RecordingStatus } from '../protocol/lspProtocol';

/** The running language client: dispose to stop the server. */
export type GilscopeLanguageClient = vscode.Disposable & {
  /** Replaces the recordings the server reads (directories, absolute paths). */
  setRecordings(paths: readonly string[]): void;
};

/**
 * Starts dist/server.js (the gilscope language server, src/server/) in a
 * Node process of its own over IPC, for Python files on disk. The server
 * reads the recordings itself; lenses, diagnostics, hovers and code actions
 * arrive through the client as usual. A recording that cannot be read is
 * written to the client's output channel.
 */
export function startLanguageClient(context: vscode.ExtensionContext, recordings: readonly string[]): GilscopeLanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const initializationOptions: GilscopeInitializationOptions = { recordings: [...recordings] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'python' }],
    initializationOptions,
    // The server pulls `gilscope.diagnostics` itself; this makes the client tell it when settings change.
    synchronize: { configurationSection: 'gilscope' },
  };
  const client = new LanguageClient('gilscope', 'gilscope', serverOptions, clientOptions);
  let latest = [...recordings];
  let disposed = false;
  const started = client.start().then(
    () => {
      client.onNotification(DidLoadRecordingsNotification, ({ recordings: statuses }) => reportFailures(client, statuses));
    },
    (error: unknown) => client.error('gilscope language server failed to start', error, 'force'),
  );
  return {
    setRecordings(paths: readonly string[]): void {
      latest = [...paths];
      if (disposed) return;
      // Sent once the server runs; a later call's list wins (each sends the latest).
      void started.then(() => {
        if (client.isRunning()) void client.sendNotification(DidChangeRecordingsNotification, { recordings: latest });
      });
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      void started.then(() => client.stop());
    },
  };
}

function reportFailures(client: LanguageClient, statuses: readonly RecordingStatus[]): void {
  for (const s of statuses) {
    if (s.state === 'failed') client.warn(`recording ${s.path} could not be read: ${s.error ?? 'unknown error'}`);
  }
}
