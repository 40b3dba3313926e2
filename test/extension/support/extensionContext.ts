import { join } from 'node:path';
import type * as vscode from 'vscode';
import { tempDir } from '../../support/recordingFixtures';
import { repoRoot } from '../../support/repoRoot';
import { Uri } from '../mock/types';

/** A Memento kept in memory, as workspaceState is within one session; `snapshot` hands it to the next "session". */
export class MockMemento implements vscode.Memento {
  constructor(private readonly values = new Map<string, unknown>()) {}

  keys(): readonly string[] {
    return [...this.values.keys()];
  }

  get<T>(key: string, fallback?: T): T | undefined {
    // VS Code stores mementos as JSON: what comes back is a copy.
    return this.values.has(key) ? (JSON.parse(JSON.stringify(this.values.get(key))) as T) : fallback;
  }

  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, JSON.parse(JSON.stringify(value)));
  }

  /** The stored values, as a restarted editor would read them. */
  snapshot(): MockMemento {
    return new MockMemento(new Map(this.values));
  }
}

export interface TestContext {
  readonly context: vscode.ExtensionContext;
  readonly workspaceState: MockMemento;
  readonly storage: string;
  dispose(): void;
}

/** The extension's context as VS Code would give it for this repository, with fresh storage. */
export function extensionContext(workspaceState = new MockMemento()): TestContext {
  const storage = join(tempDir('gilscope-storage-'), 'workspaceStorage');
  const subscriptions: { dispose(): unknown }[] = [];
  const context = {
    subscriptions,
    extensionPath: repoRoot,
    extensionUri: Uri.file(repoRoot),
    storageUri: Uri.file(storage),
    globalStorageUri: Uri.file(join(storage, '..', 'globalStorage')),
    workspaceState,
    globalState: new MockMemento(),
    asAbsolutePath: (p: string) => join(repoRoot, p),
  } as unknown as vscode.ExtensionContext;
  return {
    context,
    workspaceState,
    storage,
    dispose: () => {
      for (const s of subscriptions.splice(0).reverse()) s.dispose();
    },
  };
}
