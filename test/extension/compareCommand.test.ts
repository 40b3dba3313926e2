import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { readCompare } from '../../src/core/compare/runCompare';
import type { CompareResult } from '../../src/core/compare/types';
import { activate } from '../../src/extension/main';
import type { StoredComparison } from '../../src/extension/compare/comparisonsStore';
import { tempDir } from '../support/recordingFixtures';
import { TEST_PYTHON } from '../support/recordWorkload';
import { repoRoot } from '../support/repoRoot';
import { commands, mock, Uri } from './mock/vscode';
import type { MockWebviewPanel } from './mock/webview';
import { extensionContext } from './support/extensionContext';
import type { TestContext } from './support/extensionContext';
import { until } from './support/hostFixtures';

/**
 * "Compare Threads vs Processes" as VS Code runs it, against the mock
 * `vscode`: the command asks what to compare, makes REAL what-if runs
 * (each recorded) of a tiny kernel, stores them and shows them in the
 * comparison view; Cancel stops the runs and leaves no process behind.
 */

const TIMEOUT = { timeout: 120_000 };
const folders: string[] = [];
let host: TestContext;

/** A fresh folder with kernel.py: `work(n)` is pure Python; `stuck(n)` sleeps for a minute in worker processes only. */
function kernel(): string {
  const folder = tempDir('gilscope-compare-host-');
  folders.push(folder);
  const file = join(folder, 'kernel.py');
  writeFileSync(file, [
    'import multiprocessing',
    'import time',
    '',
    '',
    'def work(n):',
    '    acc = 0',
    '    for i in range(n):',
    '        acc += i * i % 7',
    '    return acc',
    '',
    '',
    'def stuck(n):',
    '    if multiprocessing.current_process().name != "MainProcess":',
    '        time.sleep(60)',
    '    return n',
    '',
  ].join('\n'));
  return file;
}

function comparePanel(): MockWebviewPanel {
  const panel = mock.panels.find((p) => p.viewType === 'gilscope.compare' && !p.disposed);
  assert.ok(panel, 'the comparison view is open');
  return panel;
}

function shown(panel: MockWebviewPanel): { type: string; comparisonId: string; result: CompareResult } {
  const message = panel.webview.posted.at(-1) as { type: string; comparisonId: string; result: CompareResult } | undefined;
  assert.equal(message?.type, 'compare/show');
  return message!;
}

/** Processes whose command line names `text` (the driver, each run, and a fork pool's workers, which share the run's). */
function processesNaming(text: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(text)) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

beforeEach(() => {
  mock.reset();
  mock.settings.set('gilscope.pythonPath', TEST_PYTHON);
  host = extensionContext();
  activate(host.context);
});

afterEach(() => {
  host.dispose();
  rmSync(dirname(host.storage), { recursive: true, force: true });
});

after(() => {
  for (const f of folders) rmSync(f, { recursive: true, force: true });
});

describe('Compare Threads vs Processes', () => {
  it('is contributed under gilscope, in the palette for Python files', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      contributes: { commands: { command: string; title: string; category: string }[]; menus: { commandPalette: { command: string; when: string }[] } };
    };
    const command = manifest.contributes.commands.find((c) => c.command === 'gilscope.compareThreadsVsProcesses');
    assert.deepEqual([command?.title, command?.category], ['Compare Threads vs Processes', 'gilscope']);
    assert.equal(manifest.contributes.menus.commandPalette.find((m) => m.command === command?.command)?.when, 'editorLangId == python');
    assert.ok(mock.commands.has('gilscope.compareThreadsVsProcesses') && mock.commands.has('gilscope.openComparison'));
  });

  it('asks function or script, takes a typed list of inputs, runs, stores and shows the real comparison', TIMEOUT, async () => {
    const file = kernel();
    mock.openEditor(Uri.file(file), 7);
    const asked: string[][] = [];
    mock.picks.push((items) => {
      const labels = (items as { label: string }[]).map((i) => i.label);
      asked.push(labels);
      return (items as { label: string }[]).find((i) => i.label.startsWith('Function work'));
    });
    mock.picks.push((items) => (items as { label: string }[]).find((i) => /Type the inputs/.test(i.label)));
    mock.inputs.push('[60000, 60000, 60000, 60000]');
    const started = performance.now();
    const dir = (await commands.executeCommand('gilscope.compareThreadsVsProcesses', { workers: '1,2', modes: 'threads,processes-fork' })) as string;
    const seconds = (performance.now() - started) / 1e3;
    assert.ok(dir, mock.messages.map((m) => m.message).join('\n'));
    assert.deepEqual(asked[0], ['Function work over a list of inputs…', 'Whole script (its pools swapped threads↔processes)']);

    // Kept in the workspace storage, private, with the typed inputs beside the runs.
    assert.equal(dirname(dir), join(host.storage, 'comparisons'));
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(join(dir, 'inputs.json')).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8')), [60000, 60000, 60000, 60000]);
    const stored = host.workspaceState.get<StoredComparison[]>('gilscope.comparisons') ?? [];
    assert.deepEqual(stored.map((c) => [c.dir, c.label]), [[dir, 'kernel.py: work(…)']]);
    assert.deepEqual(host.workspaceState.get('gilscope.lastCompareInputs'), { [`${file}:work`]: '[60000, 60000, 60000, 60000]' });

    // Cancellable progress, following the driver's runs.
    assert.equal(mock.progress[0]?.options.cancellable, true);
    const reported = mock.progress[0]!.reports.map((r) => r.message).filter(Boolean);
    assert.deepEqual(reported, ['serial ×1 (run 1 of 5)', 'threads ×1 (run 2 of 5)', 'threads ×2 (run 3 of 5)', 'processes-fork ×1 (run 4 of 5)', 'processes-fork ×2 (run 5 of 5)']);

    // The view: nothing before the page is ready, then the comparison as the CLI would read it back.
    const panel = comparePanel();
    assert.equal(panel.title, 'gilscope: compare kernel.py: work(…)');
    assert.match(panel.webview.html, /<script nonce="[^"]+" src="[^"]*\/dist\/webview\/compare\.js">/);
    assert.match(panel.webview.html, /default-src &#39;none&#39;/);
    assert.deepEqual(panel.webview.options.localResourceRoots?.map((u) => u.fsPath), [join(repoRoot, 'dist/webview'), join(repoRoot, 'media')]);
    assert.deepEqual(panel.webview.posted, []);
    panel.webview.receive({ type: 'ready' });
    const { comparisonId, result } = shown(panel);
    assert.equal(comparisonId, dir);
    assert.deepEqual(result, readCompare(dir), 'the result the core reads from the runs on disk');
    assert.equal(result.form, 'function');
    assert.equal(result.target.function?.name, 'work');
    assert.equal(result.target.calls, 4);
    assert.deepEqual(result.runs.map((r) => `${r.mode}×${r.workers}`), ['serial×1', 'threads×1', 'threads×2', 'processes-fork×1', 'processes-fork×2']);
    for (const r of result.runs) assert.equal(r.error, null, `${r.mode} ×${r.workers}: ${r.error}`);
    assert.ok(result.runs.every((r) => r.recording && statSync(r.recording).isDirectory()), 'every run recorded');
    assert.deepEqual(result.series.map((s) => s.mode), ['threads', 'processes-fork']);
    assert.ok(result.suggestions.some((s) => s.kind === 'useProcesses' && s.measuredSpeedup !== null), 'the process suggestion was measured');
    assert.ok(seconds < 60, `the comparison took ${seconds.toFixed(1)} s`);

    // The page opens a run's recording in the report, and nothing outside the comparison.
    const run = result.runs[2]!;
    panel.webview.receive({ type: 'compare/openRecording', comparisonId: dir, recording: '/etc' });
    panel.webview.receive({ type: 'compare/openRecording', comparisonId: 'another', recording: run.recording });
    assert.equal(mock.panels.filter((p) => p.viewType === 'gilscope.report').length, 0);
    panel.webview.receive({ type: 'compare/openRecording', comparisonId: dir, recording: run.recording });
    await until('the run\'s report', () => mock.panels.some((p) => p.viewType === 'gilscope.report'));

    // A suggestion's line opens in the editor.
    panel.webview.receive({ type: 'source/open', file, line: 5 });
    await until('the source to open', () => mock.shownDocuments.length > 0);
    assert.deepEqual(mock.shownDocuments.at(-1), { path: file, line: 4 });
  });

  it('Open Comparison… shows a stored comparison again, also in Restricted Mode', TIMEOUT, async () => {
    const file = kernel();
    const inputs = join(dirname(file), 'inputs.json');
    writeFileSync(inputs, '[20000, 20000]');
    const dir = (await commands.executeCommand('gilscope.compareThreadsVsProcesses', { file, function: 'work', inputs, workers: '2', modes: 'threads' })) as string;
    assert.ok(dir, mock.messages.map((m) => m.message).join('\n'));
    comparePanel().dispose();
    mock.trusted = false;
    mock.picks.push((items) => (items as { dir: string }[]).find((i) => i.dir === dir));
    assert.equal(await commands.executeCommand('gilscope.openComparison'), dir);
    const panel = comparePanel();
    panel.webview.receive({ type: 'ready' });
    assert.deepEqual(shown(panel).result, readCompare(dir));
    assert.equal(shown(panel).result.target.inputs, inputs, 'a chosen inputs file is used where it is');
  });

  it('Cancel stops the runs: the command resolves soon, no process of the comparison is left, nothing is kept', TIMEOUT, async () => {
    const file = kernel();
    const inputs = join(dirname(file), 'inputs.json');
    writeFileSync(inputs, '[1, 2, 3, 4]');
    const comparisons = join(host.storage, 'comparisons');
    const running = commands.executeCommand('gilscope.compareThreadsVsProcesses', { file, function: 'stuck', inputs, workers: '2', modes: 'processes-fork' });
    // The driver, the run, and its two forked workers (asleep for a minute).
    await until('the pool\'s workers', () => processesNaming(comparisons).length >= 4, 60_000);
    const stoppedAt = performance.now();
    mock.progress[0]!.cancel();
    assert.equal(await running, undefined);
    const seconds = (performance.now() - stoppedAt) / 1e3;
    assert.ok(seconds < 15, `stopped in ${seconds.toFixed(1)} s`);
    await until('every process of the comparison to end', () => processesNaming(comparisons).length === 0, 10_000);
    assert.deepEqual(readdirSync(comparisons), [], 'the stopped comparison\'s folder is removed');
    assert.deepEqual(host.workspaceState.get('gilscope.comparisons') ?? [], []);
    assert.equal(mock.panels.length, 0);
    assert.match(mock.messages.at(-1)?.message ?? '', /comparison of kernel\.py: stuck\(…\) was stopped/);
  });

  it('bad inputs are refused before anything runs, and the user is told why', TIMEOUT, async () => {
    const file = kernel();
    const inputs = join(dirname(file), 'inputs.json');
    writeFileSync(inputs, '{"not": "a list"}');
    assert.equal(await commands.executeCommand('gilscope.compareThreadsVsProcesses', { file, function: 'work', inputs }), undefined);
    const error = mock.messages.find((m) => m.kind === 'error');
    assert.match(error?.message ?? '', /kernel\.py: work\(…\) could not be compared: .*list/);
    assert.deepEqual(readdirSync(join(host.storage, 'comparisons')), []);
  });

  it('in Restricted Mode it runs nothing and offers to manage trust', async () => {
    mock.trusted = false;
    mock.openEditor(Uri.file(kernel()), 7);
    assert.equal(await commands.executeCommand('gilscope.compareThreadsVsProcesses'), undefined);
    assert.match(mock.messages[0]?.message ?? '', /Comparing threads and processes runs this workspace's code.*Restricted Mode/);
    assert.deepEqual(mock.messages[0]?.items, ['Manage Workspace Trust']);
    assert.equal(mock.progress.length, 0);
  });

  it('the "Parallelise this…" lens offers the comparison of its function, asking only for the inputs', async () => {
    const file = kernel();
    mock.answer = (m) => m.items.find((i) => i === 'Compare Threads vs Processes…');
    const asked: string[][] = [];
    mock.picks.push((items) => {
      asked.push((items as { label: string }[]).map((i) => i.label));
      return undefined; // the user backs out at the inputs
    });
    assert.equal(await commands.executeCommand('gilscope.openSuggestion', 0, file, 'work'), undefined);
    assert.ok(mock.messages.some((m) => /measure the prediction: run work over a list of inputs/.test(m.message)));
    assert.deepEqual(asked, [['$(file) Inputs from a JSON file…', '$(edit) Type the inputs as a JSON list…']]);
    assert.equal(mock.progress.length, 0);
  });
});
