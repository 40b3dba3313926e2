import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type * as vscode from 'vscode';
import { activate } from '../../src/extension/main';
import type { StoredRecording } from '../../src/extension/recordings/recordingsStore';
import { readSession } from '../../src/core/format/session';
import { tempDir } from '../support/recordingFixtures';
import { recordOnce, runtimePythonPath, TEST_PYTHON } from '../support/recordWorkload';
import { runOk } from '../support/runProcess';
import type { ReportShowMessage } from '../../src/protocol/webviewProtocol';
import { repoRoot } from '../support/repoRoot';
import { commands, mock, Uri, window } from './mock/vscode';
import type { MockWebviewPanel } from './mock/webview';
import { extensionContext } from './support/extensionContext';
import type { TestContext } from './support/extensionContext';
import { until, workload } from './support/hostFixtures';

/**
 * The extension as VS Code runs it, against the mock `vscode`: activate(),
 * then the commands a user (or an integration test) runs, through to real
 * recordings of real workloads.
 */

const TIMEOUT = { timeout: 180_000 };
let host: TestContext;

function stored(): StoredRecording[] {
  return host.workspaceState.get<StoredRecording[]>('gilscope.recordings') ?? [];
}

function reportPanel(): MockWebviewPanel {
  const panel = mock.panels.find((p) => p.viewType === 'gilscope.report' && !p.disposed);
  assert.ok(panel, 'the report panel is open');
  return panel;
}

/** Plays the report page: it posts `ready` as soon as VS Code creates it. */
function pageReadyWhenOpened(): Promise<void> {
  return until('the report panel', () => mock.panels.length > 0).then(() => reportPanel().webview.receive({ type: 'ready' }));
}

beforeEach(() => {
  mock.reset();
  host = extensionContext();
  activate(host.context);
});

afterEach(() => host.dispose());

describe('activation', () => {
  it('registers every contributed command, and the internal ones the lenses run', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
    const contributed = manifest.contributes.commands.map((c) => c.command);
    for (const id of contributed) assert.ok(mock.commands.has(id), `${id} is registered`);
    assert.deepEqual([...mock.commands.keys()].filter((id) => !contributed.includes(id)).sort(), ['gilscope.openSuggestion', 'gilscope.showReport']);
    assert.ok(contributed.includes('gilscope.compareThreadsVsProcesses'));
  });

  it('deactivation disposes everything it made: the commands go', () => {
    host.dispose();
    assert.equal(mock.commands.size, 0);
    assert.equal(mock.codeLensProviders.length, 0);
    assert.ok(mock.decorationTypes.every((t) => t.disposed));
  });
});

describe('Profile Current File', () => {
  it('records the active file, stores the recording, opens its report, and resolves then', TIMEOUT, async () => {
    const file = workload('sleeping_threads');
    const editor = mock.openEditor(Uri.file(file));
    const ready = pageReadyWhenOpened();
    const dir = (await commands.executeCommand('gilscope.profileCurrentFile')) as string;
    await ready;

    assert.equal(dirname(dir), join(host.storage, 'recordings'), 'in the workspace storage');
    assert.match(dir, /gilscope-\d{8}-\d{6}\.gilscope$/);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(dirname(dir)).mode & 0o777, 0o700);
    assert.deepEqual(readSession(join(dir, 'session.json'))?.command?.slice(1), ['-u', file]);

    const list = stored();
    assert.equal(list.length, 1);
    assert.equal(list[0]!.dir, dir);
    assert.equal(list[0]!.summary.label, 'sleeping_threads.py');
    assert.equal(list[0]!.summary.state, 'finished');
    assert.match(list[0]!.interpreter ?? '', /^python3 \(python3 on PATH\)$/);

    // The run showed cancellable progress and a status bar item, both gone now.
    assert.equal(mock.progress[0]?.options.cancellable, true);
    assert.ok(mock.statusBarItems.length === 1 && mock.statusBarItems[0]!.disposed);
    assert.equal(mock.context.get('gilscope.profiling'), false);
    assert.ok(mock.messages.some((m) => m.kind === 'information' && /The workload finished/.test(m.message)));

    // The report: live while it ran, the finished recording last.
    const panel = reportPanel();
    const posted = panel.webview.posted as { type: string; recordingId?: string; live?: boolean }[];
    assert.equal(posted[0]?.type, 'report/show');
    assert.equal(posted[0]?.live, true);
    assert.equal(posted.at(-1)?.type, 'report/update');
    assert.equal(posted.at(-1)?.live, false);
    assert.ok(posted.every((m) => m.recordingId === dir));

    // The lenses above the workload's function.
    const lenses = (await mock.codeLensProviders[0]!.provider.provideCodeLenses(editor.document, undefined)) as vscode.CodeLens[];
    const worker = lenses.find((l) => editor.document.lineAt(l.range.start.line).text.includes('def worker('));
    assert.ok(worker, 'a lens above def worker');
    assert.match(worker.command!.title, /^GIL held (<1|\d+)% · waited (<1|\d+)% · lock wait (0|<1|\d+)%$/);
  });

  it('the report page is served from dist/webview and media only, under the builder\'s CSP, and answers the page', TIMEOUT, async () => {
    const file = workload('sleeping_threads');
    mock.openEditor(Uri.file(file));
    const dir = (await commands.executeCommand('gilscope.profileCurrentFile')) as string;
    const panel = reportPanel();
    assert.deepEqual(panel.webview.options.localResourceRoots?.map((u) => u.fsPath), [join(repoRoot, 'dist/webview'), join(repoRoot, 'media')]);
    assert.equal(panel.webview.options.enableScripts, true);
    assert.match(panel.webview.html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;nonce-/);
    assert.match(panel.webview.html, /<script nonce="[^"]+" src="https:\/\/file\+\.vscode-resource\.mock\.vscode-cdn\.net[^"]*\/dist\/webview\/report\.js">/);

    // Nothing is posted before the page is ready; then its whole state.
    assert.deepEqual(panel.webview.posted, []);
    panel.webview.receive({ type: 'ready' });
    const show = panel.webview.posted[0] as unknown as { type: string; recordingId: string; live: boolean; heatmapRequests: boolean; report: { processes: { threads: unknown[] }[] } };
    assert.equal(show.type, 'report/show');
    assert.equal(show.recordingId, dir);
    assert.equal(show.live, false);
    assert.equal(show.heatmapRequests, true);
    assert.equal(show.report.processes[0]!.threads.length, 5);

    panel.webview.receive({ type: 'heatmap/request', requestId: 7, kind: 'threads', startSeconds: 0, endSeconds: 0.5, columns: 100 });
    const answer = panel.webview.posted.at(-1) as unknown as { type: string; requestId: number; data: { kind: string; columns: number; rows: unknown[] } };
    assert.equal(answer.type, 'heatmap/data');
    assert.equal(answer.requestId, 7);
    assert.equal(answer.data.kind, 'threads');
    assert.equal(answer.data.columns, 100);
    assert.equal(answer.data.rows.length, 5);

    // Opened again while another tab hides it: the panel comes forward with the recording.
    panel.setVisible(false);
    const before = panel.webview.posted.length;
    assert.equal(await commands.executeCommand('gilscope.openRecording', Uri.file(dir)), dir);
    assert.equal(panel.visible, true);
    assert.deepEqual(panel.webview.postedTypes.slice(before), ['report/update']);
    assert.equal(mock.panels.length, 1, 'one report panel');

    // A click on a line opens it.
    panel.webview.receive({ type: 'source/open', file, line: 129 });
    await until('the source to open', () => mock.shownDocuments.length > 0);
    assert.deepEqual(mock.shownDocuments[0], { path: file, line: 128 });
  });

  it('a run that fails says why, stores nothing and opens no report', TIMEOUT, async () => {
    mock.settings.set('gilscope.pythonPath', '/nonexistent/python3');
    mock.openEditor(Uri.file(workload('sleeping_threads')));
    const dir = await commands.executeCommand('gilscope.profileCurrentFile');
    assert.equal(dir, undefined);
    assert.deepEqual(stored(), []);
    assert.equal(mock.panels.length, 0);
    const error = mock.messages.find((m) => m.kind === 'error');
    assert.match(error?.message ?? '', /'\/nonexistent\/python3' was not found/);
    assert.deepEqual(error?.items, ['Show Terminal']);
  });

  it('asks for a Python file when none is active', async () => {
    assert.equal(await commands.executeCommand('gilscope.profileCurrentFile'), undefined);
    assert.match(mock.messages[0]?.message ?? '', /open a Python file/);
  });

  it('Stop Profiling with nothing running says so', async () => {
    await commands.executeCommand('gilscope.stopProfiling');
    assert.match(mock.messages[0]?.message ?? '', /nothing is being profiled/);
  });
});

describe('Profile with Arguments… and Profile Function Under Cursor', () => {
  it('passes the typed arguments, shell-style, and remembers them for the file', TIMEOUT, async () => {
    const file = workload('sleeping_threads');
    mock.openEditor(Uri.file(file));
    mock.inputs.push('--sleeps 3 --threads "2"');
    const dir = (await commands.executeCommand('gilscope.profileWithArguments')) as string;
    assert.deepEqual(readSession(join(dir, 'session.json'))?.command?.slice(1), ['-u', file, '--sleeps', '3', '--threads', '2']);
    assert.deepEqual(host.workspaceState.get('gilscope.lastArguments'), { [file]: '--sleeps 3 --threads "2"' });
    assert.equal(stored()[0]?.summary.threads, 3);
  });

  it('Escape in the input box runs nothing', async () => {
    mock.openEditor(Uri.file(workload('sleeping_threads')));
    mock.inputs.push(undefined);
    assert.equal(await commands.executeCommand('gilscope.profileWithArguments'), undefined);
    assert.equal(mock.terminals.length, 0);
  });

  it('calls the function around the cursor through the harness, with a Python argument list', TIMEOUT, async () => {
    const folder = tempDir('gilscope-function-');
    const file = join(folder, 'busy.py');
    writeFileSync(file, [
      'import threading',
      '',
      'def spin(n):',
      '    return sum(range(n))',
      '',
      'def work(threads, n=10000):',
      '    ts = [threading.Thread(target=spin, args=(n,), name="w%d" % i) for i in range(threads)]',
      '    for t in ts:',
      '        t.start()',
      '    for t in ts:',
      '        t.join()',
      '    return threads',
      '',
      'if __name__ == "__main__":',
      '    raise SystemExit("the harness imports the file: this must not run")',
      '',
    ].join('\n'));
    mock.openEditor(Uri.file(file), 8);
    mock.inputs.push('3, n=200000');
    const dir = (await commands.executeCommand('gilscope.profileFunctionUnderCursor')) as string;
    assert.ok(dir, mock.messages.map((m) => m.message).join('\n'));
    assert.deepEqual(readSession(join(dir, 'session.json'))?.command?.slice(1), ['-u', '-m', 'gilscope.harness', file, 'work', '3, n=200000']);
    const summary = stored()[0]!.summary;
    assert.equal(summary.label, 'busy.py: work(3, n=200000)');
    assert.equal(summary.threads, 4);
    assert.ok(mock.messages.some((m) => m.kind === 'information'), 'the call returned: exit status 0');
    assert.match(mock.terminals[0]!.text, /gilscope harness: work\(3, n=200000\) returned 3/);
  });

  it('says so when the cursor is in no function', async () => {
    mock.openEditor(Uri.file(workload('sleeping_threads')), 50);
    assert.equal(await commands.executeCommand('gilscope.profileFunctionUnderCursor', '1'), undefined);
    assert.match(mock.messages[0]?.message ?? '', /inside a function/);
  });
});

describe('workspace trust', () => {
  it('in Restricted Mode the run commands refuse, say why and offer to manage trust; nothing runs', async () => {
    mock.trusted = false;
    mock.answer = (m) => (m.items.includes('Manage Workspace Trust') ? 'Manage Workspace Trust' : undefined);
    mock.openEditor(Uri.file(workload('sleeping_threads')), 125);
    for (const id of ['gilscope.profileCurrentFile', 'gilscope.profileWithArguments', 'gilscope.profileFunctionUnderCursor']) {
      assert.equal(await commands.executeCommand(id), undefined, id);
    }
    assert.equal(mock.messages.length, 3);
    for (const m of mock.messages) {
      assert.equal(m.kind, 'warning');
      assert.match(m.message, /not trusted \(Restricted Mode\)/);
    }
    await until('the trust editor', () => mock.executed.filter((e) => e.id === 'workbench.trust.manage').length === 3, 2000);
    assert.equal(mock.terminals.length, 0);
    assert.equal(mock.progress.length, 0);
  });
});

describe('recordings', () => {
  it('Open Recording… reads a recording made elsewhere, lists it and shows it, also in Restricted Mode', TIMEOUT, async () => {
    const { dir } = await recordOnce('sleeping_threads');
    mock.trusted = false;
    mock.openDialogs.push([Uri.file(dir)]);
    assert.equal(await commands.executeCommand('gilscope.openRecording'), dir);
    assert.deepEqual(stored().map((r) => r.dir), [dir]);
    assert.equal(reportPanel().title, 'gilscope: sleeping_threads.py');
    assert.equal(mock.messages.length, 0);
  });

  it('Open Recording… reads a folder of per-host folders (a cluster\'s recording): report page with its lines, export', TIMEOUT, async () => {
    // what a cluster's workers write: GILSCOPE_DIR with GILSCOPE_PER_HOST=1 records into DIR/<host>/ (docs/clusters.md)
    const dir = join(tempDir(), 'cluster.gilscope');
    await runOk(TEST_PYTHON, [workload('cpu_threads'), '--threads', '2', '--seconds', '0.3'], {
      env: { ...process.env, GILSCOPE_DIR: dir, GILSCOPE_PER_HOST: '1', PYTHONPATH: runtimePythonPath(), PYTHONDONTWRITEBYTECODE: '1' },
    });
    assert.equal(readdirSync(dir).length, 1, 'one host folder');
    assert.ok(!readdirSync(dir).some((n) => n.endsWith('.gsr')), 'no recording of its own');
    assert.equal(await commands.executeCommand('gilscope.openRecording', Uri.file(dir)), dir);
    assert.deepEqual(stored().map((r) => r.dir), [dir]);
    assert.equal(stored()[0]!.summary.label, 'cpu_threads.py');
    const panel = reportPanel();
    panel.webview.receive({ type: 'ready' });
    const show = panel.webview.posted[0] as unknown as ReportShowMessage;
    assert.equal(show.type, 'report/show');
    assert.equal(show.report.hosts!.length, 1);
    assert.deepEqual(show.report.processes[0]!.threads.map((t) => t.name).filter((n) => n.startsWith('cpu-')).sort(), ['cpu-0', 'cpu-1']);
    // the heatmap's cells name their lines: the page's tooltips and clicks read the per-host files' spans too
    assert.ok(show.heatmaps.threads.sites !== null && show.heatmaps.threads.siteTable.some((s) => s.file.endsWith('cpu_threads.py')),
      JSON.stringify(show.heatmaps.threads.siteTable.slice(0, 5)));
    const out = join(tempDir(), 'cluster.trace.json');
    assert.equal(await commands.executeCommand('gilscope.exportRecording', dir, 'chrome', out), out);
    const trace = JSON.parse(readFileSync(out, 'utf8')) as { traceEvents: { ph: string; name: string }[] };
    assert.ok(trace.traceEvents.some((e) => e.ph === 'X' && e.name === 'GIL held'));
    assert.equal(mock.messages.filter((m) => m.kind === 'error').length, 0, JSON.stringify(mock.messages));
  });

  it('Open Recording… says so for a folder that holds no recording', async () => {
    const empty = tempDir();
    assert.equal(await commands.executeCommand('gilscope.openRecording', Uri.file(empty)), undefined);
    assert.match(mock.messages[0]?.message ?? '', /holds no recording gilscope can read/);
    assert.equal(mock.panels.length, 0);
  });

  it('Export Recording… writes the shown recording as a Chrome trace or speedscope file', TIMEOUT, async () => {
    const { dir } = await recordOnce('sleeping_threads');
    await commands.executeCommand('gilscope.openRecording', dir);
    const out = tempDir();
    mock.picks.push((items) => (items as { format: string }[]).find((i) => i.format === 'chrome'));
    mock.saveDialogs.push(Uri.file(join(out, 'run.trace.json')));
    assert.equal(await commands.executeCommand('gilscope.exportRecording'), join(out, 'run.trace.json'));
    const trace = JSON.parse(readFileSync(join(out, 'run.trace.json'), 'utf8')) as { traceEvents: unknown[] };
    assert.ok(trace.traceEvents.length > 0);

    const speedscope = join(out, 'run.speedscope.json');
    assert.equal(await commands.executeCommand('gilscope.exportRecording', dir, 'speedscope', speedscope), speedscope);
    const profile = JSON.parse(readFileSync(speedscope, 'utf8')) as { $schema: string; profiles: unknown[] };
    assert.match(profile.$schema, /speedscope/);
    assert.equal(profile.profiles.length, 5, 'one profile per thread');
  });

  it('Export Recording… with no recording says so', async () => {
    assert.equal(await commands.executeCommand('gilscope.exportRecording'), undefined);
    assert.match(mock.messages[0]?.message ?? '', /no recording to export/);
  });

  it('Toggle Contention Heat turns the heat off and on', async () => {
    assert.equal(await commands.executeCommand('gilscope.toggleContentionHeat'), false);
    assert.equal(await commands.executeCommand('gilscope.toggleContentionHeat'), true);
    assert.deepEqual(mock.statusMessages, ['gilscope: contention heat off', 'gilscope: contention heat on']);
  });

  it('Show Profiling Panel focuses the panel view', async () => {
    await commands.executeCommand('gilscope.showProfilingPanel');
    assert.deepEqual(mock.executed.map((e) => e.id), ['gilscope.profilingView.focus']);
  });
});

describe('the profiling panel', () => {
  it('lists the recordings, newest first; a choice opens its report; hidden, it is sent the list again when shown', TIMEOUT, async () => {
    const view = window.showView('gilscope.profilingView');
    assert.match(view.webview.html, /dist\/webview\/panel\.js/);
    view.webview.receive({ type: 'ready' });
    assert.deepEqual(view.webview.posted, [{ type: 'recordings/list', recordings: [], selectedId: null }]);

    mock.openEditor(Uri.file(workload('sleeping_threads')));
    const first = (await commands.executeCommand('gilscope.profileCurrentFile')) as string;
    view.setVisible(false);
    const before = view.webview.posted.length;
    mock.inputs.push('--sleeps 2');
    const second = (await commands.executeCommand('gilscope.profileWithArguments')) as string;
    assert.equal(view.webview.posted.length, before, 'nothing posted to a hidden view');
    view.setVisible(true);
    const list = view.webview.posted.at(-1) as unknown as { recordings: { id: string }[]; selectedId: string };
    assert.deepEqual(list.recordings.map((r) => r.id), [second, first]);
    assert.equal(list.selectedId, second);

    view.webview.receive({ type: 'recordings/select', id: first });
    const panel = reportPanel();
    panel.webview.receive({ type: 'ready' });
    // The chosen recording is read (a large one a slice at a time) before its report is shown.
    await until('the report of the recording chosen', () => (panel.webview.posted.at(-1) as { recordingId?: string }).recordingId === first);
  });
});
