import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import {
  type ReportJson,
  activateGilscope,
  closeAllEditors,
  closeGilscopeTerminals,
  expectedPython,
  linesMatching,
  outputChannelText,
  readSessionJson,
  reportJson,
  reportTabs,
  startProfiling,
  threadNames,
  waitFor,
  waitForGilscopeLine,
  within,
  workbench,
  workbenchText,
} from './helpers';
import { after, describe, it } from './test';

/**
 * Issue 9, the profile flow in a real VS Code: `gilscope: Profile Current File` on
 * lock_convoy.py records it, opens the report beside the code, puts lenses over the profiled
 * functions, and the language server's diagnostics arrive; on cpu_threads.py a quick fix of a
 * measured diagnostic applies. The tests depend on each other in order (one recording is made
 * and then looked at), as a user's session would.
 */

/** The report's suggestion kinds that make a `Parallelise this…` lens (src/extension/editor/suggestionTargets.ts). */
const PARALLEL_KINDS = new Set(['useProcesses', 'subInterpreters', 'freeThreaded', 'releaseGil', 'batchWork', 'scaleOut']);

/** A recording of lock_convoy.py (defaults: 4 threads × 250 rounds, ~1.5 s) takes a few seconds; the bound leaves room on a loaded machine. */
const PROFILE_TIMEOUT_MS = 60_000;

function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const { code } = diagnostic;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

/** gilscope's diagnostics of `uri` measured from a recording (not the static ones shown before any). */
function measuredDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'gilscope' && !d.message.startsWith('static:'));
}

/** Every diagnostic of `uri`, for a failure message. */
function diagnosticsSeen(uri: vscode.Uri): string {
  const all = vscode.languages.getDiagnostics(uri);
  return all.length === 0 ? 'no diagnostics' : JSON.stringify(all.map((d) => `${d.source}/${codeOf(d)} line ${d.range.start.line + 1}: ${d.message}`));
}

function lensesOn(lenses: readonly vscode.CodeLens[], line: number): string[] {
  return lenses.filter((l) => l.range.start.line === line).map((l) => l.command?.title ?? '');
}

describe('profile: Profile Current File in a real VS Code', () => {
  let convoy: vscode.TextDocument | undefined;
  let recordingDir: string | undefined;
  let report: ReportJson | undefined;

  after(async () => {
    closeGilscopeTerminals();
    await closeAllEditors();
  });

  it('runs with workspace trust granted and python3 as gilscope.pythonPath', async () => {
    await activateGilscope('lock_convoy.py');
    assert.equal(vscode.workspace.isTrusted, true, 'the workspace is in Restricted Mode: profiling would refuse to run');
    const python = expectedPython();
    if (!python) return; // the runner found no python3: nothing more to compare against
    assert.equal(vscode.workspace.getConfiguration('gilscope').get('pythonPath'), python.executable);
  }, { timeoutMs: 45_000 });

  it('records lock_convoy.py: the command resolves to the recording folder, whose session.json has exit code 0', async () => {
    const { editor, run } = await startProfiling('lock_convoy.py');
    convoy = editor.document;
    recordingDir = await within('Profile Current File on lock_convoy.py', run, PROFILE_TIMEOUT_MS);
    assert.ok(recordingDir, 'the command resolved to undefined: nothing was recorded (see the "gilscope" output channel)');
    assert.ok(existsSync(join(recordingDir, 'session.json')), `${recordingDir} holds no session.json`);
    const session = readSessionJson(recordingDir);
    assert.equal(session.exitCode, 0, `session.json: exit code ${session.exitCode}, signal ${session.signal}`);
    assert.ok(session.command.some((word) => word.endsWith('lock_convoy.py')), `session.json ran ${session.command.join(' ')}`);
    const python = expectedPython();
    if (python) {
      assert.equal(session.python?.executable, python.executable, 'the run used another interpreter than gilscope.pythonPath');
      assert.equal(session.python?.version, python.version);
      await waitForGilscopeLine(new RegExp(`profiling lock_convoy\\.py with ${escape(python.executable)} \\(from the gilscope\\.pythonPath setting\\)`));
    }
    await waitForGilscopeLine(/run ended: The workload finished after [\d.]+ s\. Recording: /);
    report = await reportJson(recordingDir);
    assert.deepEqual(threadNames(report).filter((n) => n.startsWith('convoy-')).sort(), ['convoy-0', 'convoy-1', 'convoy-2', 'convoy-3']);
  }, { timeoutMs: PROFILE_TIMEOUT_MS + 30_000 });

  it('opens the report beside the code: a gilscope.report webview tab titled for lock_convoy.py', async () => {
    assert.ok(convoy, 'lock_convoy.py was not profiled');
    const tab = await waitFor('the report tab', () => reportTabs()[0]);
    assert.match(tab.label, /lock_convoy\.py/);
    const editorGroup = vscode.window.tabGroups.all.find((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === convoy?.uri.toString()));
    assert.ok(editorGroup, 'lock_convoy.py is not open in any group');
    assert.notEqual(tab.group.viewColumn, editorGroup.viewColumn, 'the report is not beside the code');
    // The page itself (a webview is an iframe in an iframe) says what ran and names the lock.
    const header = await waitFor('the report page to show lock_convoy.py and shared_lock', async () => {
      const texts = await workbenchText('.report-header', 'all');
      return texts.find((t) => t.includes('lock_convoy.py') && t.includes('shared_lock'));
    }, { timeoutMs: 20_000, intervalMs: 300 });
    assert.match(header, /threads/);
    await workbench({ kind: 'screenshot', name: 'report-panel' });
  }, { timeoutMs: 45_000 });

  it('puts lenses over the profiled functions: "GIL held" over convoy_worker, "Parallelise this…" where a suggestion targets it', async () => {
    assert.ok(convoy && report, 'lock_convoy.py was not profiled');
    const document = convoy;
    const [defLine] = linesMatching(document, /^def convoy_worker\(/);
    const [acquireLine] = linesMatching(document, /shared_lock\.acquire\(\)\s+# LOCK-WAIT/);
    assert.ok(defLine !== undefined && acquireLine !== undefined, 'lock_convoy.py has changed: no convoy_worker or LOCK-WAIT line');
    const lenses = await waitFor('a "GIL held" lens over convoy_worker', async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri, 100);
      return lensesOn(all ?? [], defLine).some((t) => t.includes('GIL held')) ? all : undefined;
    }, { timeoutMs: 20_000, intervalMs: 250 });
    const overWorker = lensesOn(lenses, defLine);
    assert.match(overWorker.find((t) => t.includes('GIL held')) ?? '', /^GIL held \d+% · waited \d+% · lock wait \d+% of [\d.]+ (s|ms)/);
    assert.ok(lensesOn(lenses, acquireLine).some((t) => /^shared_lock: waited .* contended acquisitions?/.test(t)), `over the acquire line: ${JSON.stringify(lensesOn(lenses, acquireLine))}`);
    // `Parallelise this…` exactly when the report has a parallelising suggestion for convoy_worker that predicts a gain.
    const suggested = report.suggestions.some((s) => PARALLEL_KINDS.has(s.kind) && s.predictedSpeedup > 1 && s.target?.function === 'convoy_worker');
    assert.equal(overWorker.includes('Parallelise this…'), suggested, `lenses over convoy_worker: ${JSON.stringify(overWorker)}; a parallelising suggestion targets it: ${suggested}`);

    // Drawn in the editor, not only provided: the lens text is in the page.
    const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
    editor.revealRange(new vscode.Range(defLine, 0, defLine, 0), vscode.TextEditorRevealType.AtTop);
    await waitFor('the lens over convoy_worker drawn in the editor', async () => {
      const drawn = await workbenchText('.monaco-editor .codelens-decoration');
      return drawn.some((t) => t.includes('GIL held'));
    }, { timeoutMs: 15_000, intervalMs: 300 });
    await workbench({ kind: 'screenshot', name: 'editor-lenses' });
  }, { timeoutMs: 45_000 });

  it('the language server\'s diagnostics arrive: shared_lock\'s contention at its creation and wait lines', async () => {
    assert.ok(convoy, 'lock_convoy.py was not profiled');
    const document = convoy;
    const [createLine] = linesMatching(document, /# LOCK-CREATE$/);
    const [waitLine] = linesMatching(document, /# LOCK-WAIT$/);
    const diagnostics = await waitFor('gilscope lock-contention diagnostics on lock_convoy.py', () => {
      const found = measuredDiagnostics(document.uri).filter((d) => codeOf(d) === 'lock-contention');
      return found.length >= 2 ? found : undefined;
    }, { timeoutMs: 20_000, intervalMs: 250, seen: () => diagnosticsSeen(document.uri) });
    const at = (line: number | undefined) => diagnostics.find((d) => d.range.start.line === line);
    assert.match(at(createLine)?.message ?? '(none at the LOCK-CREATE line)', /^shared_lock.*: threads waited [\d.]+ (s|ms) for it/);
    assert.match(at(waitLine)?.message ?? '(none at the LOCK-WAIT line)', /contended acquisition/);
    for (const d of diagnostics) assert.equal(d.severity, vscode.DiagnosticSeverity.Information);
  }, { timeoutMs: 30_000 });

  it('a quick fix applies: on cpu_threads.py, the measured CPU-bound target gets sys.setswitchinterval(0.05), inserted after the imports', async () => {
    const { editor, run } = await startProfiling('cpu_threads.py');
    const dir = await within('Profile Current File on cpu_threads.py', run, PROFILE_TIMEOUT_MS);
    assert.ok(dir, 'cpu_threads.py: nothing was recorded');
    const { document } = editor;
    const before = document.getText();
    const diagnostic = await waitFor('a cpu-bound-target diagnostic on cpu_threads.py', () =>
      measuredDiagnostics(document.uri).find((d) => codeOf(d) === 'cpu-bound-target'), { timeoutMs: 20_000, intervalMs: 250, seen: () => diagnosticsSeen(document.uri) })
      .catch(async (error: Error) => {
        // What the language server thinks of the file: its lenses say when it holds the recording for older than the file.
        const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri, 100);
        const channel = outputChannelText('gilscope').split('\n').slice(-15).join('\n');
        throw new Error(`${error.message}\n  lenses: ${JSON.stringify((lenses ?? []).map((l) => l.command?.title))}\n  recording: ${dir}\n  "gilscope" channels, last lines:\n${channel}`);
      });
    assert.match(document.lineAt(diagnostic.range.start.line).text, /threading\.Thread\(target=worker/);
    assert.match(diagnostic.message, /^worker held the GIL \d+% of the/);

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, diagnostic.range);
    const fix = (actions ?? []).find((a) => a.title.startsWith('Switch the GIL less often'));
    assert.ok(fix?.edit, `no switch-interval quick fix among ${JSON.stringify((actions ?? []).map((a) => a.title))}`);
    assert.equal(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);
    assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the quick fix\'s edit was not applied');
    const afterFix = await waitFor('the edit in the document', () => (document.getText() !== before ? document.getText() : undefined));

    // The fix only adds lines: its call after the last import, with a comment saying why.
    const added = afterFix.split('\n');
    const original = before.split('\n');
    const [call] = linesMatching(document, /^sys\.setswitchinterval\(0\.05\)$/);
    assert.ok(call !== undefined, 'no sys.setswitchinterval(0.05) line');
    const lastImport = Math.max(...original.flatMap((l, i) => (/^(import|from) \w/.test(l) ? [i] : [])));
    const insertedCount = added.length - original.length;
    assert.ok(insertedCount >= 1 && insertedCount <= 4, `${insertedCount} lines inserted`);
    assert.deepEqual([...added.slice(0, lastImport + 1), ...added.slice(lastImport + 1 + insertedCount)], original, 'the fix changed more than its inserted lines');
    assert.ok(call > lastImport && call <= lastImport + insertedCount, `the call is on line ${call + 1}, the last import on ${lastImport + 1}`);
    assert.ok(added.slice(lastImport + 1, call).every((l) => l.startsWith('#') || l === 'import sys'), 'only comments above the inserted call');

    // Leave the file as it was (the workspace is a copy, but later suites share the editor).
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitFor('cpu_threads.py reverted', () => document.getText() === before && !document.isDirty);
  }, { timeoutMs: PROFILE_TIMEOUT_MS + 45_000 });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
