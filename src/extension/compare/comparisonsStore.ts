import { chmodSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { defaultRecordingName } from '../../core/launch/recordingDirSetup';
import { Disposable } from '../dispose';
import { isInside } from '../recordings/recordingsStore';

/** One comparison the workspace keeps, as listed in workspaceState. */
export interface StoredComparison {
  /** The driver's output directory (whatif.json and the runs): `gilscope compare --from DIR` reads it again. */
  readonly dir: string;
  /** When it was stored, ms since the epoch. */
  readonly storedAt: number;
  /** What was compared, e.g. `kernel.py: work over 8 inputs`: the Open Comparison… list shows it. */
  readonly label: string;
  /** The interpreter that ran it, as describeInterpreter says it. */
  readonly interpreter: string;
}

const STATE_KEY = 'gilscope.comparisons';

/**
 * The comparisons of this workspace: directories under `root/comparisons`
 * (the extension's workspace storage, private to the user), listed newest
 * first in workspaceState so that they can be reopened after a restart.
 * Adding one keeps the newest `kept()`; only the store's own directories are
 * ever deleted.
 */
export class ComparisonsStore extends Disposable {
  private readonly changeEmitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changeEmitter.event;
  private readonly folder: string;

  constructor(root: string, private readonly state: vscode.Memento, private readonly kept: () => number) {
    super();
    this.folder = join(root, 'comparisons');
  }

  /** Newest first; entries whose directory has gone are left out. */
  get comparisons(): readonly StoredComparison[] {
    return this.stored().filter((c) => existsSync(c.dir));
  }

  /** A new, empty, private (0700) directory for the next comparison. */
  createDir(now: Date = new Date()): string {
    mkdirSync(this.folder, { recursive: true, mode: 0o700 });
    chmodSync(this.folder, 0o700);
    const name = defaultRecordingName(now).replace(/^gilscope-/, 'compare-').replace(/\.gilscope$/, '');
    for (let n = 1; ; n++) {
      const dir = join(this.folder, n === 1 ? name : `${name}-${n}`);
      if (existsSync(dir)) continue;
      mkdirSync(dir, { mode: 0o700 });
      return dir;
    }
  }

  /** Lists `comparison` first (once), then keeps the newest `kept()`. */
  async add(comparison: StoredComparison): Promise<void> {
    const all = [comparison, ...this.stored().filter((c) => c.dir !== comparison.dir)];
    const keep = Math.max(1, this.kept());
    for (const old of all.slice(keep)) this.discard(old.dir);
    await this.state.update(STATE_KEY, all.slice(0, keep));
    this.changeEmitter.fire();
  }

  /** Deletes a directory of the store's own (a comparison stopped or refused); any other path is left alone. */
  discard(dir: string): void {
    if (isInside(this.folder, dir)) rmSync(dir, { recursive: true, force: true });
  }

  private stored(): StoredComparison[] {
    const value = this.state.get<unknown>(STATE_KEY);
    return Array.isArray(value) ? value.filter(isStoredComparison) : [];
  }
}

function isStoredComparison(value: unknown): value is StoredComparison {
  const c = value as Partial<StoredComparison> | null;
  return typeof c === 'object' && c !== null && typeof c.dir === 'string' && typeof c.storedAt === 'number' && typeof c.label === 'string';
}
