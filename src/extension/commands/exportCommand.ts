import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { timelineExport } from '../../core/export/exportFormats';
import type { ExportFormat } from '../../core/export/exportFormats';
import { TextOut } from '../../core/export/textOut';
import { GENERATOR } from '../recordings/loadedRecording';
import { recordingDirArgument } from './recordingArgument';
import type { CommandFactory, CommandServices } from './services';

const FORMAT_CHOICES: readonly (vscode.QuickPickItem & { format: ExportFormat; suffix: string })[] = [
  { label: 'Chrome trace', description: 'open in ui.perfetto.dev or chrome://tracing', format: 'chrome', suffix: '.trace.json' },
  { label: 'speedscope', description: 'open in speedscope', format: 'speedscope', suffix: '.speedscope.json' },
];

/** The recording to export: the one given, else the one shown (finished), else one picked from the workspace's. */
async function recordingToExport({ current, store }: CommandServices, given: unknown): Promise<string | undefined> {
  const dir = recordingDirArgument(given);
  if (dir) return dir;
  if (current.recording && !current.recording.live) return current.recording.dir;
  const recordings = store.recordings;
  if (recordings.length === 0) {
    void vscode.window.showInformationMessage('gilscope: there is no recording to export yet.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    recordings.map((r) => ({ label: r.summary.label, description: new Date(r.storedAt).toLocaleString(), detail: r.dir, dir: r.dir })),
    { title: 'gilscope: export which recording?' },
  );
  return picked?.dir;
}

/**
 * `Export Recording…`: the timeline as Chrome trace or speedscope JSON, as
 * `gilscope export` writes it. Callers may pass the recording, the format
 * and the output (tests). Resolves to the file written.
 */
export const exportRecording: CommandFactory = (services) => async (given?: unknown, formatGiven?: unknown, outGiven?: unknown) => {
  const dir = await recordingToExport(services, given);
  if (!dir) return undefined;
  const choice = FORMAT_CHOICES.find((c) => c.format === formatGiven)
    ?? (await vscode.window.showQuickPick(FORMAT_CHOICES, { title: 'gilscope: export as' }));
  if (!choice) return undefined;
  let out = recordingDirArgument(outGiven);
  if (!out) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? dirname(dir);
    const picked = await vscode.window.showSaveDialog({
      title: 'gilscope: export the timeline to',
      defaultUri: vscode.Uri.file(join(folder, `${basename(dir).replace(/\.gilscope$/, '')}${choice.suffix}`)),
      filters: { JSON: ['json'] },
    });
    out = picked?.fsPath;
    if (!out) return undefined;
  }
  const path = out;
  try {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `gilscope: exporting ${basename(path)}` }, async () => {
      const write = timelineExport(dir, choice.format, GENERATOR);
      const file = new TextOut(path);
      try {
        write(file);
      } finally {
        file.close();
      }
    });
  } catch (error) {
    void vscode.window.showErrorMessage(`gilscope: the export failed: ${(error as Error).message}`);
    return undefined;
  }
  void vscode.window.showInformationMessage(`gilscope: wrote ${path}`);
  return path;
};
