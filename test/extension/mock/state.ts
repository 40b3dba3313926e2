import { MockTextDocument, MockTextEditor } from './documents';
import { EventEmitter } from './events';
import type { MockTerminal } from './terminal';
import type { Uri } from './types';
import type { MockWebviewPanel, MockWebviewView } from './webview';

/** A message the extension showed, and the button the test had the user press. */
export interface ShownMessage {
  readonly kind: 'information' | 'warning' | 'error';
  readonly message: string;
  readonly items: readonly string[];
}

/** A progress the extension showed: its options, what it reported, and `cancel` for the user's Cancel button. */
export interface ShownProgress {
  readonly options: { title?: string; location: number; cancellable?: boolean };
  readonly reports: { message?: string; increment?: number }[];
  cancel(): void;
}

/**
 * Everything the mock records and every answer a test gives on the user's
 * behalf. Tests reach it as `mock` from test/extension/mock/vscode.ts and
 * call `mock.reset()` between tests.
 */
export class MockState {
  trusted = true;
  /** `section.key` → value; unset keys read the default package.json declares, as in VS Code. */
  settings = new Map<string, unknown>();
  workspaceFolders: { uri: Uri; name: string; index: number }[] = [];
  activeEditor: MockTextEditor | undefined;
  visibleEditors: MockTextEditor[] = [];
  readonly messages: ShownMessage[] = [];
  readonly progress: ShownProgress[] = [];
  readonly terminals: MockTerminal[] = [];
  readonly panels: MockWebviewPanel[] = [];
  readonly views = new Map<string, { provider: { resolveWebviewView(view: MockWebviewView): unknown }; view?: MockWebviewView }>();
  readonly commands = new Map<string, (...args: unknown[]) => unknown>();
  /** Commands run that nobody registered (VS Code's own, like workbench.trust.manage), with their arguments. */
  readonly executed: { id: string; args: unknown[] }[] = [];
  readonly context = new Map<string, unknown>();
  readonly codeLensProviders: { selector: unknown; provider: { provideCodeLenses(doc: unknown, token: unknown): unknown } }[] = [];
  readonly statusBarItems: { text: string; visible: boolean; disposed: boolean }[] = [];
  readonly statusMessages: string[] = [];
  /** Files opened by showTextDocument, with the 0-based line of the cursor. */
  readonly shownDocuments: { path: string; line: number }[] = [];
  readonly decorationTypes: { key: string; options: Record<string, unknown>; disposed: boolean }[] = [];
  readonly extensions = new Map<string, unknown>();
  /** Answers to the next input boxes, in order (undefined: the user pressed Escape). */
  inputs: (string | undefined)[] = [];
  /** Answers to the next quick picks: given the items, returns the one picked. */
  picks: ((items: readonly unknown[]) => unknown)[] = [];
  /** Answers to the next open and save dialogs. */
  openDialogs: (Uri[] | undefined)[] = [];
  saveDialogs: (Uri | undefined)[] = [];
  /** The button pressed on a message (by default none: the message is dismissed). */
  answer: (message: ShownMessage) => string | undefined = () => undefined;
  readonly visibleEditorsChanged = new EventEmitter<MockTextEditor[]>();

  /** Opens `path` in the active editor with the cursor on `line` (0-based). */
  openEditor(path: Uri, line = 0): MockTextEditor {
    const editor = new MockTextEditor(new MockTextDocument(path), line);
    this.activeEditor = editor;
    this.visibleEditors = [editor];
    this.visibleEditorsChanged.fire(this.visibleEditors);
    return editor;
  }

  reset(): void {
    this.trusted = true;
    this.settings = new Map();
    this.workspaceFolders = [];
    this.activeEditor = undefined;
    this.visibleEditors = [];
    this.inputs = [];
    this.picks = [];
    this.openDialogs = [];
    this.saveDialogs = [];
    this.answer = () => undefined;
    for (const list of [this.messages, this.progress, this.panels, this.executed, this.codeLensProviders, this.statusBarItems, this.statusMessages, this.shownDocuments, this.decorationTypes]) {
      list.length = 0;
    }
    for (const t of this.terminals.splice(0)) t.dispose();
    this.views.clear();
    this.commands.clear();
    this.context.clear();
    this.extensions.clear();
  }
}

export const mock = new MockState();
