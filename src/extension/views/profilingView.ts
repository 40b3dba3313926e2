import * as vscode from 'vscode';
import { unhandledMessage } from '../../protocol/webviewProtocol';
import type { HostToPanelMessage, RecordingSummary } from '../../protocol/webviewProtocol';
import { Disposable } from '../dispose';
import { PageConnection } from './pageConnection';
import { pageHtml, webviewOptions } from './webviewContent';

export const PROFILING_VIEW_ID = 'gilscope.profilingView';

/** What the profiling panel shows and does; the composition root wires it to the store and the profiler. */
export interface ProfilingViewModel {
  /** Newest first: the run in progress (if any), then the stored recordings. */
  recordings(): readonly RecordingSummary[];
  /** The recording whose report is open. */
  selectedId(): string | null;
  select(id: string): void;
  record(): void;
}

/**
 * The profiling panel: a webview view in the panel area (webview/panel.ts)
 * listing the workspace's recordings, the live one first. VS Code creates
 * it when it is first shown, and again after it was closed.
 */
export class ProfilingViewProvider extends Disposable implements vscode.WebviewViewProvider {
  private connection: PageConnection<HostToPanelMessage> | undefined;

  constructor(private readonly extensionUri: vscode.Uri, private readonly model: ProfilingViewModel) {
    super();
    this._register(vscode.window.registerWebviewViewProvider(PROFILING_VIEW_ID, this));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = webviewOptions(this.extensionUri);
    const connection = new PageConnection<HostToPanelMessage>(view, view.onDidChangeVisibility, () => [this.list()], (message) => {
      switch (message.type) {
        case 'recordings/select':
          this.model.select(message.id);
          break;
        case 'recordings/record':
          this.model.record();
          break;
        case 'source/open':
        case 'heatmap/request':
        case 'compare/openRecording':
          break; // the other pages' messages: not sent by this page
        default:
          unhandledMessage(message);
      }
    });
    this.connection?.dispose();
    this.connection = connection;
    view.onDidDispose(() => {
      connection.dispose();
      if (this.connection === connection) this.connection = undefined;
    });
    view.webview.html = pageHtml(view.webview, this.extensionUri, 'panel');
  }

  /** The list changed (a run started, ended, a recording was stored or opened). */
  refresh(): void {
    this.connection?.post(() => this.list());
  }

  override dispose(): void {
    this.connection?.dispose();
    super.dispose();
  }

  private list(): HostToPanelMessage {
    return { type: 'recordings/list', recordings: this.model.recordings(), selectedId: this.model.selectedId() };
  }
}
