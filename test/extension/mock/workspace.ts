import { sep } from 'node:path';
import packageJson from '../../../package.json';
import { MockTextDocument } from './documents';
import { EventEmitter } from './events';
import { mock } from './state';
import type { Uri } from './types';

const declared = (packageJson.contributes.configuration.properties ?? {}) as Record<string, { default?: unknown }>;

/** A setting as VS Code reads it: the value set, else the default package.json declares, else `fallback`. */
function read(full: string, fallback?: unknown): unknown {
  if (mock.settings.has(full)) return mock.settings.get(full);
  const property = declared[full];
  return property && 'default' in property ? property.default : fallback;
}

const trustGranted = new EventEmitter<void>();
const configurationChanged = new EventEmitter<{ affectsConfiguration(section: string): boolean }>();

export const workspace = {
  get isTrusted(): boolean {
    return mock.trusted;
  },
  onDidGrantWorkspaceTrust: trustGranted.event,
  onDidChangeConfiguration: configurationChanged.event,
  get workspaceFolders() {
    return mock.workspaceFolders.length > 0 ? mock.workspaceFolders : undefined;
  },
  getWorkspaceFolder(uri: Uri) {
    return mock.workspaceFolders.find((f) => uri.fsPath === f.uri.fsPath || uri.fsPath.startsWith(f.uri.fsPath + sep));
  },
  getConfiguration(section?: string) {
    const full = (key: string) => (section ? `${section}.${key}` : key);
    return {
      get<T>(key: string, fallback?: T): T | undefined {
        return read(full(key), fallback) as T | undefined;
      },
      has(key: string): boolean {
        return mock.settings.has(full(key)) || full(key) in declared;
      },
      async update(key: string, value: unknown): Promise<void> {
        mock.settings.set(full(key), value);
        configurationChanged.fire({ affectsConfiguration: (s) => full(key).startsWith(s) });
      },
    };
  },
  async openTextDocument(uri: Uri): Promise<MockTextDocument> {
    const open = mock.visibleEditors.find((e) => e.document.uri.fsPath === uri.fsPath);
    return open ? open.document : new MockTextDocument(uri);
  },
  /** For tests: trust the workspace, as the user does in the trust dialog. */
  grantTrust(): void {
    mock.trusted = true;
    trustGranted.fire();
  },
};
