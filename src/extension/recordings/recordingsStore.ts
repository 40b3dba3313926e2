import { chmodSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, relative, resolve, sep, isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import { defaultRecordingName } from '../../core/launch/recordingDirSetup';
import type { RecordingSummary } from '../../protocol/webviewProtocol';
import { Disposable } from '../dispose';

/** One recording the workspace keeps, as listed in workspaceState. */
export interface StoredRecording {
  readonly dir: string;
  /** When it was stored, ms since the epoch. */
  readonly storedAt: number;
  /** What the profiling panel lists for it, made once when it is stored (its id is `dir`). */
  readonly summary: RecordingSummary;
  /** The interpreter that ran, as describeInterpreter says it. */
  readonly interpreter?: string;
  /** How the run ended, one sentence. */
  readonly outcome?: string;
}

const STATE_KEY = 'gilscope.recordings';

/**
 * The recordings of this workspace: directories under `root/recordings`
 * (the extension's workspace storage, private to the user), listed newest
 * first in workspaceState so the list outlives a restart. Adding one keeps
 * the newest `kept()` and deletes the directories of the others; only
 * directories inside the store are ever deleted.
 */
export class RecordingsStore extends Disposable {
  private readonly changeEmitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changeEmitter.event;
  private readonly folder: string;

  constructor(root: string, private readonly state: vscode.Memento, private readonly kept: () => number) {
    super();
    this.folder = join(root, 'recordings');
  }

  /** Newest first; entries whose directory has gone are left out. */
  get recordings(): readonly StoredRecording[] {
    return this.stored().filter((r) => existsSync(r.dir));
  }

  /** A fresh path for the next recording (not created: createRecordingDir does that). */
  newRecordingDir(now: Date = new Date()): string {
    mkdirSync(this.folder, { recursive: true, mode: 0o700 });
    chmodSync(this.folder, 0o700);
    const name = defaultRecordingName(now);
    for (let n = 1; ; n++) {
      const dir = join(this.folder, n === 1 ? name : name.replace(/\.gilscope$/, `-${n}.gilscope`));
      if (!existsSync(dir)) return dir;
    }
  }

  find(dir: string): StoredRecording | undefined {
    return this.recordings.find((r) => r.dir === dir);
  }

  /** Lists `recording` first (once), then keeps the newest `kept()`. */
  async add(recording: StoredRecording): Promise<void> {
    const all = [recording, ...this.stored().filter((r) => r.dir !== recording.dir)];
    const keep = Math.max(1, this.kept());
    for (const old of all.slice(keep)) this.deleteDir(old.dir);
    await this.state.update(STATE_KEY, all.slice(0, keep));
    this.changeEmitter.fire();
  }

  /** Whether `dir` is one of the store's own directories. */
  owns(dir: string): boolean {
    return isInside(this.folder, dir);
  }

  private stored(): StoredRecording[] {
    const value = this.state.get<unknown>(STATE_KEY);
    return Array.isArray(value) ? value.filter(isStoredRecording) : [];
  }

  private deleteDir(dir: string): void {
    if (this.owns(dir)) rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether `path` is below `folder` (not `folder` itself): the only paths a store deletes. */
export function isInside(folder: string, path: string): boolean {
  const inside = relative(folder, resolve(path));
  return inside !== '' && !inside.startsWith('..') && !inside.startsWith(sep) && !isAbsolute(inside);
}

function isStoredRecording(value: unknown): value is StoredRecording {
  const r = value as Partial<StoredRecording> | null;
  return typeof r === 'object' && r !== null && typeof r.dir === 'string' && typeof r.storedAt === 'number'
    && typeof r.summary === 'object' && r.summary !== null && r.summary.id === r.dir;
}
