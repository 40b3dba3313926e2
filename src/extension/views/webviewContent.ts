import * as vscode from 'vscode';
import { newNonce, PAGE_ASSETS, webviewHtml } from '../../core/report/webviewHtml';

/** The pages the extension shows (their bundles and style sheets: PAGE_ASSETS). */
export type PageName = keyof typeof PAGE_ASSETS;

const TITLES: Record<PageName, string> = { report: 'gilscope report', panel: 'gilscope recordings', compare: 'gilscope comparison' };

/** Scripts enabled, resources only from the built pages and media/. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** The page's HTML, through the one builder (src/core/report/webviewHtml.ts): a fresh nonce each load, data only by postMessage. */
export function pageHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: PageName): string {
  const assets = PAGE_ASSETS[page];
  const uri = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  return webviewHtml({
    title: TITLES[page],
    nonce: newNonce(),
    cspSource: webview.cspSource,
    scriptUris: [uri('dist', 'webview', assets.script)],
    styleUris: assets.styles.map((name) => uri('media', name)),
  });
}
