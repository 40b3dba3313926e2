import assert from 'node:assert/strict';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RecordingsStore } from '../../src/extension/recordings/recordingsStore';
import type { StoredRecording } from '../../src/extension/recordings/recordingsStore';
import type { RecordingSummary } from '../../src/protocol/webviewProtocol';
import { tempDir } from '../support/recordingFixtures';
import { MockMemento } from './support/extensionContext';

/** The recordings store: workspace storage directories, listed in workspaceState, pruned to the newest N. */

function summary(id: string): RecordingSummary {
  return {
    id, label: 'x.py', command: null, startedAtMs: null, wallSeconds: 1, state: 'finished',
    python: { implementation: 'CPython', version: '3.11.7', executable: null }, topThread: null, topLock: null,
    processes: 1, threads: 1, warnings: [],
  };
}

/** A recording directory as a run leaves it (what is inside does not matter to the store). */
function made(store: RecordingsStore, at: Date): string {
  const dir = store.newRecordingDir(at);
  mkdirSync(dir, { mode: 0o700 });
  writeFileSync(join(dir, 'p1-1.gsr'), '');
  return dir;
}

const entry = (dir: string, storedAt = Date.now()): StoredRecording => ({ dir, storedAt, summary: summary(dir) });

describe('RecordingsStore', () => {
  it('makes fresh private paths in the workspace storage, never one that exists', () => {
    const root = tempDir();
    const store = new RecordingsStore(root, new MockMemento(), () => 20);
    const at = new Date(2024, 0, 2, 3, 4, 5);
    const first = made(store, at);
    const second = store.newRecordingDir(at);
    assert.equal(first, join(root, 'recordings', 'gilscope-20240102-030405.gilscope'));
    assert.equal(second, join(root, 'recordings', 'gilscope-20240102-030405-2.gilscope'));
    assert.equal(statSync(join(root, 'recordings')).mode & 0o777, 0o700);
  });

  it('lists the newest first and keeps the list across a restart', async () => {
    const root = tempDir();
    const state = new MockMemento();
    const store = new RecordingsStore(root, state, () => 20);
    const a = made(store, new Date(2024, 0, 1));
    const b = made(store, new Date(2024, 0, 2));
    await store.add(entry(a));
    await store.add(entry(b));
    await store.add(entry(a)); // stored again: moves to the front, listed once
    const restarted = new RecordingsStore(root, state.snapshot(), () => 20);
    assert.deepEqual(restarted.recordings.map((r) => r.dir), [a, b]);
    assert.equal(restarted.find(b)?.summary.id, b);
  });

  it('keeps the newest N and deletes the directories of the others; never a directory outside the store', async () => {
    const root = tempDir();
    let kept = 3;
    const store = new RecordingsStore(root, new MockMemento(), () => kept);
    let changes = 0;
    store.onDidChange(() => changes++);
    const outside = join(tempDir(), 'elsewhere.gilscope');
    mkdirSync(outside);
    await store.add(entry(outside));
    const dirs = [0, 1, 2, 3].map((d) => made(store, new Date(2024, 0, 1 + d)));
    for (const dir of dirs) await store.add(entry(dir));
    assert.deepEqual(store.recordings.map((r) => r.dir), [dirs[3], dirs[2], dirs[1]]);
    assert.equal(existsSync(dirs[0]!), false, 'the oldest of the store is deleted');
    assert.equal(existsSync(outside), true, 'a recording opened from elsewhere is only dropped from the list');
    assert.equal(changes, 5);

    kept = 1;
    await store.add(entry(dirs[3]!));
    assert.deepEqual(store.recordings.map((r) => r.dir), [dirs[3]]);
    assert.deepEqual(dirs.map((d) => existsSync(d)), [false, false, false, true]);
  });

  it('leaves out entries whose directory is gone, and what is not an entry', async () => {
    const root = tempDir();
    const state = new MockMemento();
    await state.update('gilscope.recordings', [entry(join(root, 'gone')), { dir: 3 }, 'junk', entry(root)]);
    const store = new RecordingsStore(root, state, () => 20);
    assert.deepEqual(store.recordings.map((r) => r.dir), [root]);
  });

  it('owns only directories under its recordings folder', () => {
    const root = tempDir();
    const store = new RecordingsStore(root, new MockMemento(), () => 20);
    assert.equal(store.owns(join(root, 'recordings', 'a.gilscope')), true);
    assert.equal(store.owns(join(root, 'recordings')), false);
    assert.equal(store.owns(join(root, 'recordings', '..', 'x')), false);
    assert.equal(store.owns(join(root, 'recordings-other', 'a')), false);
  });
});
