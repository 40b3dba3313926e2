import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, before, beforeEach, describe, it } from 'node:test';
import { preparePython } from '../../src/core/launch/preparePython';
import { activate } from '../../src/extension/main';
import { processItems } from '../../src/extension/attach/processPick';
import type { StoredRecording } from '../../src/extension/recordings/recordingsStore';
import { ATTACH_WORKLOAD, sleep, startTarget } from '../support/attachTarget';
import { findPythons } from '../support/pythons';
import { repoRoot } from '../support/repoRoot';
import { commands, mock } from './mock/vscode';
import { extensionContext } from './support/extensionContext';
import type { TestContext } from './support/extensionContext';
import { until } from './support/hostFixtures';

/**
 * "gilscope: Attach to Process…" against the mock `vscode`: the quick pick of the
 * user's Python processes, the status bar item with Stop while recording, and the
 * report as after any run; nothing in Restricted Mode.
 */
const TIMEOUT = { timeout: 120_000 };
let host: TestContext;

beforeEach(() => {
  mock.reset();
  host = extensionContext();
  activate(host.context);
});

afterEach(() => host.dispose());

/** A program that runs Python every 50 ms for `seconds`, then prints done. */
const pacing = (seconds: number) => `import time\nend = time.monotonic() + ${seconds}\nwhile time.monotonic() < end: time.sleep(0.05)\nprint('done')`;

describe('Attach to Process…', async () => {
  const pythons = await findPythons({ include: ['3.14', '3.15'] });
  const newest = pythons.filter((p) => !p.freeThreaded && p.version[1] >= 14).at(-1);
  const old = pythons.find((p) => p.tag === '3.13');

  // The probe built first: a build inside the attach (minutes on a busy machine) would outlast the target.
  before(async () => {
    if (!newest) return;
    const prepared = await preparePython(newest.executable, join(repoRoot, 'runtime/python'), () => {});
    assert.ok(prepared.ok, `the probe for ${newest.executable}: ${prepared.ok ? '' : prepared.message}`);
  }, { timeout: 20 * 60_000 });

  it('runs nothing in Restricted Mode', async () => {
    mock.trusted = false;
    assert.equal(await commands.executeCommand('gilscope.attachToProcess', process.pid), undefined);
    assert.equal(mock.messages.length, 1);
    assert.match(mock.messages[0]!.message, /Attaching to a process runs this workspace's code, and the workspace is not trusted/);
    assert.equal(mock.progress.length, 0);
  });

  it('lists the user\'s Python processes with pid, version and command line; one that cannot be attached to says why', TIMEOUT, async (t) => {
    if (!newest || !old) return t.skip('needs CPython 3.14+ and 3.13 (npm run pythons)');
    const fresh = startTarget(newest.executable, ['-c', pacing(20)]);
    const older = startTarget(old.executable, ['-c', pacing(20)]);
    try {
      await sleep(300);
      let shown: readonly { label: string; description?: string; detail?: string }[] = [];
      mock.picks.push((items) => {
        shown = items as typeof shown;
        return shown.find((i) => i.label.endsWith(` ${older.pid}`));
      });
      assert.equal(await commands.executeCommand('gilscope.attachToProcess'), undefined);
      const mine = shown.find((i) => i.label.endsWith(` ${fresh.pid}`));
      assert.ok(mine, 'the 3.14+ process is listed');
      assert.match(mine.description!, new RegExp(`^CPython ${newest.versionText.replace(/\./g, '\\.')} · .*${newest.executable.split('/').pop()!.replace(/\./g, '\\.')} -c`));
      assert.equal(mine.detail, undefined);
      const refused = shown.find((i) => i.label.endsWith(` ${older.pid}`))!;
      assert.match(refused.detail!, /runs CPython 3\.13\.\d+, and attaching needs 3\.14 or newer/);
      assert.equal(mock.messages.length, 1);
      assert.equal(mock.messages[0]!.kind, 'error');
      assert.match(mock.messages[0]!.message, new RegExp(`process ${older.pid} runs CPython 3\\.13`));
      assert.equal(mock.progress.length, 0, 'nothing began');
    } finally {
      for (const p of [fresh, older]) process.kill(p.pid);
      await Promise.all([fresh.ended, older.ended]);
    }
  });

  it('records the process until Stop, with a status bar item, and the process goes on', TIMEOUT, async (t) => {
    if (!newest) return t.skip('needs CPython 3.14+ (npm run pythons)');
    const target = startTarget(newest.executable, [ATTACH_WORKLOAD, '--threads', '2', '--seconds', '6']);
    await sleep(500);
    const attached = commands.executeCommand('gilscope.attachToProcess', target.pid) as Promise<string | undefined>;
    await until('the status bar item', () => mock.statusBarItems.some((i) => i.visible && i.text.includes(`recording process ${target.pid}`)));
    assert.equal(mock.context.get('gilscope.attached'), true);
    await sleep(700);
    await commands.executeCommand('gilscope.stopAttached');
    const dir = await attached;
    assert.ok(dir, 'resolves to the recording');
    assert.ok(mock.statusBarItems.every((i) => !i.visible), 'the item is gone');
    assert.equal(mock.context.get('gilscope.attached'), false);
    const ran = await target.ended;
    assert.deepEqual([ran.code, ran.stdout, ran.stderr], [0, 'attach_target: 2 threads ran\n', '']);
    const stored = host.workspaceState.get<StoredRecording[]>('gilscope.recordings') ?? [];
    assert.deepEqual(stored.map((r) => r.dir), [dir]);
    assert.match(stored[0]!.outcome!, new RegExp(`Process ${target.pid} was recorded for [\\d.]+ s and runs on as before`));
    assert.ok(mock.panels.some((p) => p.viewType === 'gilscope.report' && !p.disposed), 'the report opens');
  });
});

describe('the process list', () => {
  it('marks what cannot be attached to, and says why beneath', () => {
    const items = processItems([
      { pid: 12, cmdline: ['python3.14', 'server.py'], version: '3.14.0', refusal: undefined },
      { pid: 7, cmdline: ['python3.12', 'old.py'], version: '3.12', refusal: 'process 7 runs CPython 3.12, and attaching needs 3.14 or newer' },
    ]);
    assert.deepEqual(items.map((i) => [i.label, i.description, i.detail]), [
      ['$(pulse) 12', 'CPython 3.14.0 · python3.14 server.py', undefined],
      ['$(circle-slash) 7', 'CPython 3.12 · python3.12 old.py', 'process 7 runs CPython 3.12, and attaching needs 3.14 or newer'],
    ]);
  });
});
