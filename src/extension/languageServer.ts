import type * as vscode from 'vscode';
import type { GilscopeLanguageClient } from './languageClient';

/**
 * Starts the language server's client, loaded on demand: if the client
 * library cannot load or the server cannot start, the profiler goes on
 * without lenses, diagnostics and quick fixes, and the output channel says why.
 */
export function startLanguageServer(
  context: vscode.ExtensionContext,
  output: vscode.OutputChannel,
): GilscopeLanguageClient & { readonly available: boolean } {
  try {
    const { startLanguageClient } = require('./languageClient') as typeof import('./languageClient');
    return Object.assign(startLanguageClient(context, []), { available: true });
  } catch (error) {
    output.appendLine(`gilscope: the language server is unavailable: ${error instanceof Error ? error.message : String(error)}`);
    return { available: false, setRecordings: () => undefined, dispose: () => undefined };
  }
}
