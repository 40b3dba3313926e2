/**
 * An honest mock of the `vscode` module for the host tests (test/extension/):
 * build.mjs bundles those tests with `vscode` aliased to this file. It has
 * only what gilscope uses, but what it has behaves as VS Code does: settings
 * read package.json's declared defaults, registering a command twice throws,
 * a terminal's Pseudoterminal is opened after creation, posted messages are
 * structured-cloned, events fire listeners in order. What VS Code would show
 * the user is recorded in `mock`, and the user's answers come from it.
 */
import { Disposable } from './events';
import { mock } from './state';

export { CancellationTokenSource, Disposable, EventEmitter } from './events';
export {
  CodeLens, ConfigurationTarget, DecorationRangeBehavior, MarkdownString, OverviewRulerLane, Position, ProgressLocation, Range, Selection,
  StatusBarAlignment, ThemeColor, ThemeIcon, Uri, ViewColumn,
} from './types';
export { mock } from './state';
export { window } from './window';
export { workspace } from './workspace';

export const commands = {
  registerCommand(id: string, handler: (...args: unknown[]) => unknown): Disposable {
    if (mock.commands.has(id)) throw new Error(`command '${id}' already exists`);
    mock.commands.set(id, handler);
    return new Disposable(() => mock.commands.delete(id));
  },
  async executeCommand(id: string, ...args: unknown[]): Promise<unknown> {
    if (id === 'setContext') {
      mock.context.set(args[0] as string, args[1]);
      return undefined;
    }
    const handler = mock.commands.get(id);
    if (handler) return handler(...args);
    mock.executed.push({ id, args });
    return undefined;
  },
};

export const languages = {
  registerCodeLensProvider(selector: unknown, provider: { provideCodeLenses(doc: unknown, token: unknown): unknown }): Disposable {
    const entry = { selector, provider };
    mock.codeLensProviders.push(entry);
    return new Disposable(() => mock.codeLensProviders.splice(mock.codeLensProviders.indexOf(entry), 1));
  },
};

export const extensions = {
  getExtension(id: string): unknown {
    return mock.extensions.get(id);
  },
};
