import { CancellationTokenSource, Disposable } from './events';
import { mock } from './state';
import type { ShownMessage } from './state';
import { MockTerminal } from './terminal';
import type { Uri } from './types';
import { MockWebviewPanel, MockWebviewView } from './webview';

let decorationCount = 0;

function message(kind: ShownMessage['kind']) {
  return (text: string, ...rest: unknown[]): Promise<string | undefined> => {
    const items = rest.filter((r): r is string => typeof r === 'string');
    const shown = { kind, message: text, items };
    mock.messages.push(shown);
    const answer = mock.answer(shown);
    return Promise.resolve(answer !== undefined && items.includes(answer) ? answer : undefined);
  };
}

export const window = {
  get activeTextEditor() {
    return mock.activeEditor;
  },
  get visibleTextEditors() {
    return mock.visibleEditors;
  },
  onDidChangeVisibleTextEditors: mock.visibleEditorsChanged.event,
  /** Opens the file in the (one) editor; `selection` puts the cursor, as VS Code does. */
  async showTextDocument(uri: Uri, options?: { selection?: { start: { line: number } } }) {
    const editor = mock.openEditor(uri, options?.selection?.start.line ?? 0);
    mock.shownDocuments.push({ path: uri.fsPath, line: editor.selection.active.line });
    return editor;
  },
  showInformationMessage: message('information'),
  showWarningMessage: message('warning'),
  showErrorMessage: message('error'),
  async showInputBox(options: { value?: string }): Promise<string | undefined> {
    if (mock.inputs.length === 0) throw new Error(`mock vscode: an input box was shown (${JSON.stringify(options)}) with no answer queued`);
    return mock.inputs.shift();
  },
  async showQuickPick(items: readonly unknown[] | Promise<readonly unknown[]>): Promise<unknown> {
    const pick = mock.picks.shift();
    if (!pick) throw new Error('mock vscode: a quick pick was shown with no answer queued');
    return pick(await items);
  },
  async showOpenDialog(): Promise<Uri[] | undefined> {
    if (mock.openDialogs.length === 0) throw new Error('mock vscode: an open dialog was shown with no answer queued');
    return mock.openDialogs.shift();
  },
  async showSaveDialog(): Promise<Uri | undefined> {
    if (mock.saveDialogs.length === 0) throw new Error('mock vscode: a save dialog was shown with no answer queued');
    return mock.saveDialogs.shift();
  },
  setStatusBarMessage(text: string): Disposable {
    mock.statusMessages.push(text);
    return new Disposable(() => undefined);
  },
  createOutputChannel(name: string) {
    const lines: string[] = [];
    return { name, lines, appendLine: (line: string) => lines.push(line), show: () => undefined, dispose: () => undefined };
  },
  createStatusBarItem() {
    const item = {
      text: '',
      tooltip: undefined as unknown,
      name: undefined as unknown,
      command: undefined as unknown,
      visible: false,
      disposed: false,
      show() { item.visible = true; },
      hide() { item.visible = false; },
      dispose() { item.disposed = true; item.visible = false; },
    };
    mock.statusBarItems.push(item);
    return item;
  },
  createTextEditorDecorationType(options: Record<string, unknown>) {
    const type = { key: `decoration-${++decorationCount}`, options, disposed: false, dispose: () => { type.disposed = true; } };
    mock.decorationTypes.push(type);
    return type;
  },
  createTerminal(options: { name: string; pty: ConstructorParameters<typeof MockTerminal>[1] }): MockTerminal {
    if (!options.pty) throw new Error('mock vscode: only extension terminals (with a pty) are supported');
    const terminal = new MockTerminal(options.name, options.pty);
    mock.terminals.push(terminal);
    return terminal;
  },
  async withProgress<R>(
    options: { title?: string; location: number; cancellable?: boolean },
    task: (progress: { report(value: { message?: string; increment?: number }): void }, token: CancellationTokenSource['token']) => Thenable<R>,
  ): Promise<R> {
    const source = new CancellationTokenSource();
    const reports: { message?: string; increment?: number }[] = [];
    mock.progress.push({ options, reports, cancel: () => source.cancel() });
    try {
      return await task({ report: (value) => reports.push(value) }, source.token);
    } finally {
      source.dispose();
    }
  },
  createWebviewPanel(viewType: string, title: string, showOptions: unknown, options: MockWebviewPanel['webview']['options']): MockWebviewPanel {
    const panel = new MockWebviewPanel(viewType, title, showOptions, options);
    mock.panels.push(panel);
    return panel;
  },
  registerWebviewViewProvider(id: string, provider: { resolveWebviewView(view: MockWebviewView): unknown }): Disposable {
    if (mock.views.has(id)) throw new Error(`mock vscode: a provider for view '${id}' is already registered`);
    mock.views.set(id, { provider });
    return new Disposable(() => mock.views.delete(id));
  },
  /** For tests: the user opens the view; VS Code creates it and asks the provider to fill it. */
  showView(id: string): MockWebviewView {
    const entry = mock.views.get(id);
    if (!entry) throw new Error(`mock vscode: no provider for view '${id}'`);
    entry.view = new MockWebviewView(id);
    void entry.provider.resolveWebviewView(entry.view);
    return entry.view;
  },
};
