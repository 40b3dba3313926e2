import assert from 'node:assert/strict';
import { before, beforeEach, describe, it } from 'node:test';
import type * as vscode from 'vscode';
import { HostContentionLenses } from '../../src/extension/editor/contentionLenses';
import { HeatDecorations } from '../../src/extension/editor/heatDecorations';
import { heatLevel, lineHeat } from '../../src/extension/editor/heatLevels';
import { lensText } from '../../src/extension/editor/lensText';
import { SourceFigures } from '../../src/extension/editor/sourceFigures';
import { suggestionTargets } from '../../src/extension/editor/suggestionTargets';
import { loadRecording } from '../../src/extension/recordings/loadedRecording';
import type { LoadedRecording } from '../../src/extension/recordings/loadedRecording';
import type { ReportSuggestion } from '../../src/core/report/schema';
import { markerLines, recordOnce } from '../support/recordWorkload';
import type { Recorded } from '../support/recordWorkload';
import { repoRoot } from '../support/repoRoot';
import { defLine } from '../support/sourceLines';
import { mock, Uri } from './mock/vscode';

/**
 * The lenses' text and the heat's levels from a real recording of
 * test/workloads/lock_convoy.py (four threads queueing on one lock).
 */

let recorded: Recorded;
let recording: LoadedRecording;

before(async () => {
  recorded = await recordOnce('lock_convoy');
  recording = loadRecording(recorded.dir);
});

beforeEach(() => mock.reset());

/** The 1-based line of `def convoy_worker(` in the recorded workload. */
const workerDefLine = () => defLine(recorded.script, 'convoy_worker') + 1;

/** `GIL held 82% · waited 14% · lock wait 3%` → [82, 14, 3] ('<1%' as 0.5). */
function shares(text: string): [number, number, number] {
  const m = /^GIL held (<1|\d+)% · waited (<1|\d+)% · lock wait (<1|\d+)%$/.exec(text);
  assert.ok(m, `a lens text: ${text}`);
  const share = (x: string | undefined) => (x === '<1' ? 0.5 : Number(x));
  return [share(m[1]), share(m[2]), share(m[3])];
}

describe('lenses from a real recording', () => {
  it('give each function its shares of held, waiting and lock wait, as the report says them', () => {
    const figures = new SourceFigures(recording);
    const worker = figures.functionsIn(recorded.script).find((f) => f.function === 'convoy_worker');
    assert.ok(worker, 'convoy_worker is in the recording');
    assert.equal(worker.firstLine, workerDefLine());
    const fromReport = recording.report.processes.flatMap((p) => p.functions).filter((f) => f.function === 'convoy_worker');
    const sum = (k: 'gilHeldSeconds' | 'gilWaitSeconds' | 'releasedSeconds' | 'lockWaitSeconds') => fromReport.reduce((s, f) => s + f[k], 0);
    const total = sum('gilHeldSeconds') + sum('gilWaitSeconds') + sum('releasedSeconds');
    const [held, waited, lockWait] = shares(lensText(worker));
    for (const [shown, seconds] of [[held, sum('gilHeldSeconds')], [waited, sum('gilWaitSeconds')], [lockWait, sum('lockWaitSeconds')]] as const) {
      assert.ok(Math.abs(shown - (100 * seconds) / total) <= 0.5, `${shown}% is ${seconds} s of ${total} s`);
    }
    // The known answer of lock_convoy: its threads wait for the lock, not for the GIL.
    assert.ok(lockWait > waited, lensText(worker));
  });

  it('are placed above each profiled function of the open file, not above module code', async () => {
    const lenses = new HostContentionLenses();
    const editor = mock.openEditor(Uri.file(recorded.script));
    let changed = 0;
    lenses.onDidChangeCodeLenses(() => changed++);
    lenses.show(recording);
    assert.equal(changed, 1);
    const provided = lenses.provideCodeLenses(editor.document as unknown as vscode.TextDocument);
    const lines = provided.map((l) => l.range.start.line + 1);
    assert.ok(lines.includes(workerDefLine()), 'above def convoy_worker');
    const figures = provided.filter((l) => l.command!.command === 'gilscope.showReport');
    assert.ok(figures.every((l) => /^GIL held /.test(l.command!.title)));
    assert.ok(provided.every((l) => editor.document.lineAt(l.range.start.line).text.startsWith('def ')));
    lenses.show(undefined);
    assert.deepEqual(lenses.provideCodeLenses(editor.document as unknown as vscode.TextDocument), []);
    lenses.dispose();
  });

  it('add "Parallelise this…" over the function a parallelising suggestion targets, best ranked only', () => {
    const real = recording.report.suggestions.find((x) => x.target);
    assert.ok(real, 'lock_convoy gets suggestions with a target');
    const suggestion = (kind: ReportSuggestion['kind'], rank: number, fn: string, speedup = 2): ReportSuggestion => ({
      ...real, kind, rank, title: `${kind} ${rank}`, predictedSpeedup: speedup, target: { file: recorded.script, line: workerDefLine() + 7, function: fn },
    });
    const report = {
      ...recording.report,
      suggestions: [
        suggestion('narrowLock', 1, 'convoy_worker'), // not a parallelising remedy
        suggestion('freeThreaded', 3, 'convoy_worker'),
        suggestion('useProcesses', 2, 'convoy_worker'),
        suggestion('useProcesses', 4, 'main', 1), // nothing to gain
        { ...suggestion('useProcesses', 5, 'main'), target: null },
      ],
    };
    assert.deepEqual(suggestionTargets(report, undefined), [{ index: 2, title: 'useProcesses 2', path: recorded.script, function: 'convoy_worker' }]);

    const lenses = new HostContentionLenses();
    const editor = mock.openEditor(Uri.file(recorded.script));
    lenses.show(Object.assign(Object.create(Object.getPrototypeOf(recording) as object) as LoadedRecording, recording, { report }));
    const parallelise = lenses.provideCodeLenses(editor.document as unknown as vscode.TextDocument).filter((l) => l.command?.command === 'gilscope.openSuggestion');
    assert.equal(parallelise.length, 1);
    assert.equal(parallelise[0]!.range.start.line + 1, workerDefLine());
    assert.equal(parallelise[0]!.command!.title, 'Parallelise this…');
    assert.equal(parallelise[0]!.command!.tooltip, 'useProcesses 2');
    assert.deepEqual(parallelise[0]!.command!.arguments, [2, recorded.script, 'convoy_worker'], 'the suggestion, and the function the comparison is offered for');
    lenses.dispose();
  });
});

describe('heat from a real recording', () => {
  it('puts the lock wait at the LOCK-WAIT line at the top level, on the recording\'s scale', () => {
    const figures = new SourceFigures(recording);
    const heat = lineHeat(figures.linesIn(recorded.script), figures.maxGilWaitSeconds, figures.maxLockWaitSeconds);
    const lockWaitLine = markerLines(recorded.truth, 'LOCK-WAIT')[0]!;
    const atWait = heat.find((h) => h.line === lockWaitLine);
    assert.equal(atWait?.lock, 4, JSON.stringify(heat));
    assert.equal(atWait?.gutter, 'lock', 'the gutter shows the lock wait where acquire() waits');
    assert.ok(heat.every((h) => h.gil >= 0 && h.gil <= 4 && h.lock >= 0 && h.lock <= 4 && h.gil + h.lock > 0));
    assert.ok(heat.some((h) => h.gil === 4), 'the hottest GIL-wait line is at the top level');
    assert.equal(heat.filter((h) => h.lock > 0).every((h) => h.line === lockWaitLine), true, 'lock waits only where acquire() is called');
  });

  it('the gutter goes to the hotter kind, to lock wait on a tie', () => {
    const lines = [
      { line: 1, gilWaitSeconds: 1, lockWaitSeconds: 0.3 },
      { line: 2, gilWaitSeconds: 0.3, lockWaitSeconds: 1 },
      { line: 3, gilWaitSeconds: 1, lockWaitSeconds: 1 },
      { line: 4, gilWaitSeconds: 0, lockWaitSeconds: 0 },
    ];
    assert.deepEqual(lineHeat(lines, 1, 1), [
      { line: 1, gil: 4, lock: 2, gutter: 'gil' },
      { line: 2, gil: 2, lock: 4, gutter: 'lock' },
      { line: 3, gil: 4, lock: 4, gutter: 'lock' },
    ]);
  });

  it('levels: none below the floors, 1 up to a quarter of the largest, 4 at the largest', () => {
    assert.equal(heatLevel(0, 1), 0);
    assert.equal(heatLevel(0.0004, 0.0004), 0, 'below half a millisecond');
    assert.equal(heatLevel(0.01, 1), 0, 'below 2% of the largest');
    assert.equal(heatLevel(0.25, 1), 1);
    assert.equal(heatLevel(0.26, 1), 2);
    assert.equal(heatLevel(0.75, 1), 3);
    assert.equal(heatLevel(1, 1), 4);
    assert.equal(heatLevel(1, 0), 0);
  });

  it('decorates the visible editors (overview ruler per kind, one gutter bar per line) and toggles off and on', () => {
    const editor = mock.openEditor(Uri.file(recorded.script));
    const decorations = new HeatDecorations(Uri.file(repoRoot) as unknown as vscode.Uri);
    decorations.show(recording);
    const type = (test: (o: Record<string, unknown>) => boolean) => mock.decorationTypes.find((t) => test(t.options))!;
    const lockRuler4 = type((o) => o['overviewRulerLane'] === 4 && String(o['overviewRulerColor']).endsWith('1.00)'));
    const lockWaitLine = markerLines(recorded.truth, 'LOCK-WAIT')[0]!;
    assert.deepEqual(editor.decorations.get(lockRuler4.key)?.map((d) => d.range.start.line + 1), [lockWaitLine]);
    const gutterLines = mock.decorationTypes
      .filter((t) => t.options['gutterIconPath'])
      .flatMap((t) => editor.decorations.get(t.key) ?? [])
      .map((d) => d.range.start.line);
    assert.ok(gutterLines.length > 0);
    assert.equal(new Set(gutterLines).size, gutterLines.length, 'one gutter bar per line');
    const icon = String((type((o) => String(o['gutterIconPath']).endsWith('lock-4.svg')).options['gutterIconPath'] as { fsPath: string }).fsPath);
    assert.equal(icon, `${repoRoot}/media/heat/lock-4.svg`);

    assert.equal(decorations.toggle(), false);
    assert.ok([...editor.decorations.values()].every((ranges) => ranges.length === 0));
    assert.equal(decorations.toggle(), true);
    assert.deepEqual(editor.decorations.get(lockRuler4.key)?.map((d) => d.range.start.line + 1), [lockWaitLine]);
    decorations.dispose();
    assert.ok(mock.decorationTypes.every((t) => t.disposed));
  });
});
