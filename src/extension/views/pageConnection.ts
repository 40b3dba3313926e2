import type * as vscode from 'vscode';
import { isPageToHostMessage } from '../../protocol/webviewProtocol';
import type { PageToHostMessage } from '../../protocol/webviewProtocol';
import { Disposable } from '../dispose';

/** The parts of a WebviewPanel or WebviewView a connection needs. */
export interface PageSurface {
  readonly webview: vscode.Webview;
  readonly visible: boolean;
}

/**
 * The host's end of one page: waits for the page's `ready`, then sends its
 * whole state (`fullState`); posts only while the page is ready and visible,
 * and sends the whole state again when it shows after updates were held
 * back (a page VS Code recreated on showing posts `ready` again, which does
 * the same). Messages of unknown shape are dropped.
 */
export class PageConnection<Out> extends Disposable {
  private ready = false;
  private stale = false;

  constructor(
    private readonly surface: PageSurface,
    onDidChangeVisibility: vscode.Event<unknown>,
    private readonly fullState: () => readonly Out[],
    handle: (message: Exclude<PageToHostMessage, { type: 'ready' }>) => void,
  ) {
    super();
    this._register(surface.webview.onDidReceiveMessage((data: unknown) => {
      if (!isPageToHostMessage(data)) return;
      if (data.type === 'ready') {
        this.ready = true;
        this.sendFullState();
      } else {
        handle(data);
      }
    }));
    this._register(onDidChangeVisibility(() => {
      if (this.surface.visible && this.stale) this.sendFullState();
    }));
  }

  /**
   * Posts the message `make` builds, now if the page can take it (else it is
   * not built, and the whole state is sent when the page shows).
   */
  post(make: () => Out): void {
    if (this.ready && this.surface.visible) void this.surface.webview.postMessage(make());
    else this.stale = true;
  }

  /** Sends the whole state again (e.g. another recording to show). */
  sendFullState(): void {
    if (!this.ready || !this.surface.visible) {
      this.stale = true;
      return;
    }
    this.stale = false;
    for (const message of this.fullState()) void this.surface.webview.postMessage(message);
  }
}
