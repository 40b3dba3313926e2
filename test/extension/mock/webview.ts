import { EventEmitter } from './events';
import { Uri } from './types';

/** A webview: its options and HTML, what the host posted, and `receive` for what the page posts. */
export class MockWebview {
  options: { enableScripts?: boolean; localResourceRoots?: readonly Uri[] } = {};
  html = '';
  readonly cspSource = 'https://mock.vscode-cdn.net';
  readonly posted: unknown[] = [];
  private readonly received = new EventEmitter<unknown>();
  readonly onDidReceiveMessage = this.received.event;

  asWebviewUri(uri: Uri): Uri {
    return Uri.parse(`https://file+.vscode-resource.mock.vscode-cdn.net${uri.path}`);
  }

  async postMessage(message: unknown): Promise<boolean> {
    // VS Code structured-clones the message: a test sees a copy, and non-cloneable data fails here too.
    this.posted.push(structuredClone(message));
    return true;
  }

  /** The page posts `message` to the host. */
  receive(message: unknown): void {
    this.received.fire(message);
  }

  /** The types of the messages posted so far. */
  get postedTypes(): string[] {
    return this.posted.map((m) => (m as { type: string }).type);
  }
}

/** A webview panel in the editor area; `setVisible` plays the user switching tabs. */
export class MockWebviewPanel {
  readonly webview = new MockWebview();
  visible = true;
  disposed = false;
  reveals = 0;
  iconPath: unknown;
  private readonly viewState = new EventEmitter<{ webviewPanel: MockWebviewPanel }>();
  private readonly disposeEmitter = new EventEmitter<void>();
  readonly onDidChangeViewState = this.viewState.event;
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(readonly viewType: string, public title: string, readonly showOptions: unknown, options: MockWebview['options']) {
    this.webview.options = options;
  }

  reveal(): void {
    this.reveals++;
    this.setVisible(true);
  }

  setVisible(visible: boolean): void {
    if (this.visible === visible) return;
    this.visible = visible;
    this.viewState.fire({ webviewPanel: this });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
    this.viewState.dispose();
  }
}

/** A webview view (panel area); `setVisible` plays the panel being hidden and shown. */
export class MockWebviewView {
  readonly webview = new MockWebview();
  visible = true;
  private readonly visibility = new EventEmitter<void>();
  private readonly disposeEmitter = new EventEmitter<void>();
  readonly onDidChangeVisibility = this.visibility.event;
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(readonly viewType: string) {}

  setVisible(visible: boolean): void {
    if (this.visible === visible) return;
    this.visible = visible;
    this.visibility.fire();
  }

  dispose(): void {
    this.disposeEmitter.fire();
  }
}
