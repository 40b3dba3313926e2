import * as vscode from 'vscode';
import { version } from '../../package.json';
import { findRuntimeDir } from '../core/launch/runtimeDir';
import { Attacher } from './attach/attacher';
import { registerCommands } from './commands/commandTable';
import { Comparer } from './compare/comparer';
import { ComparisonsStore } from './compare/comparisonsStore';
import { COMMAND_IDS } from './commands/services';
import { GilscopeConfig } from './config';
import { HostContentionLenses } from './editor/contentionLenses';
import type { ContentionLenses } from './editor/contentionLenses';
import { HeatDecorations } from './editor/heatDecorations';
import { resolveInterpreter } from './interpreter';
import { startLanguageServer } from './languageServer';
import { Profiler } from './profiling/profiler';
import { openVsCodeTerminal } from './profiling/workloadTerminal';
import { CurrentRecording } from './recordings/currentRecording';
import { RecordingPresenter } from './recordings/recordingPresenter';
import { RecordingsStore } from './recordings/recordingsStore';
import { loadRecordingInSlices } from './recordings/recordingOpener';
import { ComparePanel } from './views/comparePanel';
import { ProfilingViewProvider } from './views/profilingView';
import { ReportPanel } from './views/reportPanel';

/**
 * Composition root of the extension: makes the parts and wires them, nothing
 * else. Everything made here is disposed through `context.subscriptions`.
 */
export function activate(context: vscode.ExtensionContext): void {
  const own = <T extends vscode.Disposable>(item: T): T => {
    context.subscriptions.push(item);
    return item;
  };
  const output = own(vscode.window.createOutputChannel('gilscope'));
  output.appendLine(`gilscope ${version} activated`);

  const config = new GilscopeConfig();
  const storage = (context.storageUri ?? context.globalStorageUri).fsPath;
  const store = own(new RecordingsStore(storage, context.workspaceState, () => config.recordingsKept));
  const current = own(new CurrentRecording());
  const reports = own(new ReportPanel(context.extensionUri));
  const presenter = new RecordingPresenter(current, reports);
  // The language server serves the figures (lenses, diagnostics, hovers, quick fixes) for
  // the current recording; the host adds `Parallelise this…` where a suggestion targets a
  // function, and the figure lenses too when the server is unavailable.
  const language = own(startLanguageServer(context, output));
  const lenses: ContentionLenses = own(new HostContentionLenses({ figures: !language.available }));
  const heat = own(new HeatDecorations(context.extensionUri));
  const runtimeDir = findRuntimeDir(context.extensionPath);
  const interpreterFor = (resource: vscode.Uri | undefined) => resolveInterpreter(new GilscopeConfig(resource), resource);
  const log = (line: string) => output.appendLine(line);
  const profiler = own(new Profiler({
    config,
    store,
    runtimeDir,
    openTerminal: openVsCodeTerminal,
    interpreterFor,
    display: presenter,
    stopCommand: COMMAND_IDS.stopProfiling,
    log,
  }));
  // Running processes recorded by attaching ("Attach to Process…"): their reports open as the profiler's do.
  const attacher = own(new Attacher({ store, runtimeDir, display: presenter, stopCommand: COMMAND_IDS.stopAttached, log }));
  // Comparisons ("Compare Threads vs Processes"): kept like recordings, shown in their own view.
  const comparisons = own(new ComparisonsStore(storage, context.workspaceState, () => config.recordingsKept));
  const compareView = own(new ComparePanel(context.extensionUri, (dir) => void vscode.commands.executeCommand(COMMAND_IDS.openRecording, dir)));
  const comparer = own(new Comparer({ store: comparisons, runtimeDir, interpreterFor, display: (c) => compareView.show(c), log }));
  const panel = own(new ProfilingViewProvider(context.extensionUri, {
    recordings: () => [...(profiler.liveSummary ? [profiler.liveSummary] : []), ...store.recordings.map((r) => r.summary)],
    selectedId: () => reports.recording?.dir ?? null,
    select: (id) => {
      if (current.recording?.dir === id) presenter.show(current.recording);
      else void loadRecordingInSlices(id, (part) => presenter.partial(part)).then((recording) => recording && presenter.show(recording));
    },
    record: () => void vscode.commands.executeCommand(COMMAND_IDS.profileCurrentFile),
  }));

  own(current.onDidChange((recording) => {
    language.setRecordings(recording ? [recording.dir] : []);
    lenses.show(recording);
    heat.show(recording);
    panel.refresh();
  }));
  own(store.onDidChange(() => panel.refresh()));
  own(profiler.onDidChange(() => panel.refresh()));
  for (const command of registerCommands({
    profiler,
    attacher,
    store,
    current,
    heat,
    showRecording: (recording) => presenter.show(recording),
    showPartialRecording: (recording) => presenter.partial(recording),
    comparer,
    comparisons,
    showComparison: (comparison) => compareView.show(comparison),
    workspaceState: context.workspaceState,
  })) own(command);
}

/** Everything the extension creates is disposed through `context.subscriptions`. */
export function deactivate(): void {}
