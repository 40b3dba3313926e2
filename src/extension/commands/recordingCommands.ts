import * as vscode from 'vscode';
import type { LoadedRecording } from '../recordings/loadedRecording';
import { loadRecordingInSlices } from '../recordings/recordingOpener';
import type { RecordingsStore } from '../recordings/recordingsStore';
import { PROFILING_VIEW_ID } from '../views/profilingView';
import { recordingDirArgument } from './recordingArgument';
import { COMMAND_IDS } from './services';
import type { CommandFactory } from './services';

/** Lists a recording opened from elsewhere in the workspace's recordings (the store deletes only its own directories). */
async function list(store: RecordingsStore, recording: LoadedRecording): Promise<void> {
  if (!store.find(recording.dir)) await store.add({ dir: recording.dir, storedAt: Date.now(), summary: recording.summary() });
}

/**
 * `Open Recording…`: a recording directory (`*.gilscope`, from `gilscope
 * record` or an earlier run) chosen in a folder picker, or passed as a Uri or
 * path. Allowed in Restricted Mode: it only reads. Resolves to the directory.
 */
export const openRecording: CommandFactory = ({ store, showRecording, showPartialRecording }) => async (target?: unknown) => {
  let dir = recordingDirArgument(target);
  if (!dir) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      openLabel: 'Open Recording',
      title: 'gilscope: open a recording (a *.gilscope folder)',
    });
    dir = picked?.[0]?.fsPath;
    if (!dir) return undefined;
  }
  // A large recording is read a slice at a time, its report filling in as it is read.
  const recording = await loadRecordingInSlices(dir, showPartialRecording);
  if (!recording) return undefined;
  await list(store, recording);
  showRecording(recording);
  return recording.dir;
};

/** `Show Profiling Panel`: the recordings list in the panel area. */
export const showProfilingPanel: CommandFactory = () => () => vscode.commands.executeCommand(`${PROFILING_VIEW_ID}.focus`);

/** `Toggle Contention Heat`: the GIL-wait and lock-wait heat in the editors, on or off. Resolves to the new state. */
export const toggleContentionHeat: CommandFactory = ({ heat }) => () => {
  const on = heat.toggle();
  vscode.window.setStatusBarMessage(`gilscope: contention heat ${on ? 'on' : 'off'}`, 3000);
  return on;
};

/** Internal (lenses): brings the current recording's report forward. */
export const showReport: CommandFactory = ({ current, showRecording }) => () => {
  const recording = current.recording;
  if (recording) showRecording(recording);
  else void vscode.window.showInformationMessage('gilscope: no recording is open. Profile a file, or open a recording.');
};

/**
 * Internal (lenses): a suggestion's "Parallelise this…" `(index, file, function)`:
 * the report, which shows the suggestions, is brought forward, and the
 * prediction can be put to the test: a button runs "Compare Threads vs
 * Processes" on the target function (its inputs are asked for). Resolves to
 * what that comparison resolved to, or undefined when it was not asked for.
 */
export const openSuggestion: CommandFactory = (services) => async (_index?: unknown, file?: unknown, name?: unknown) => {
  showReport(services)();
  if (typeof file !== 'string' || typeof name !== 'string') return undefined;
  const measure = 'Compare Threads vs Processes…';
  const choice = await vscode.window.showInformationMessage(
    `gilscope: measure the prediction: run ${name} over a list of inputs serially, in threads and in processes, and compare.`,
    measure,
  );
  return choice === measure ? vscode.commands.executeCommand(COMMAND_IDS.compareThreadsVsProcesses, { file, function: name }) : undefined;
};
