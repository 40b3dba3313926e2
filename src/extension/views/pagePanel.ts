import * as vscode from 'vscode';
import type { PageToHostMessage } from '../../protocol/webviewProtocol';
import { PageConnection } from './pageConnection';
import { pageHtml, webviewOptions } from './webviewContent';
import type { PageName } from './webviewContent';

export interface PagePanelOptions<Out> {
  readonly viewType: string;
  readonly title: string;
  readonly page: PageName;
  /** The page's whole state, sent after its `ready`. */
  readonly fullState: () => readonly Out[];
  readonly handle: (message: Exclude<PageToHostMessage, { type: 'ready' }>) => void;
  /** The user closed the panel: its connection is disposed already. */
  readonly closed: () => void;
}

/**
 * An editor-area webview panel beside the code (without taking focus)
 * showing one of the pages, with its connection; the report and the
 * comparison view are each one of these.
 */
export function openPagePanel<Out>(extensionUri: vscode.Uri, o: PagePanelOptions<Out>): { panel: vscode.WebviewPanel; connection: PageConnection<Out> } {
  const panel = vscode.window.createWebviewPanel(o.viewType, o.title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(extensionUri));
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
  const connection = new PageConnection<Out>(panel, panel.onDidChangeViewState, o.fullState, o.handle);
  panel.onDidDispose(() => {
    connection.dispose();
    o.closed();
  });
  panel.webview.html = pageHtml(panel.webview, extensionUri, o.page);
  return { panel, connection };
}
