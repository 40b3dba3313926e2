import * as vscode from 'vscode';
import { version } from '../../package.json';

/**
 * Composition root of the extension. For now it only opens the "gilscope" output
 * channel; views, commands and the language client are wired here as they are built.
 */
export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('gilscope');
  context.subscriptions.push(output);
  output.appendLine(`gilscope ${version} activated`);
}

/** Everything the extension creates is disposed through `context.subscriptions`. */
export function deactivate(): void {}
