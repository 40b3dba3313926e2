import type * as vscode from 'vscode';
import type { Attacher } from '../attach/attacher';
import type { Comparer } from '../compare/comparer';
import type { ComparisonsStore } from '../compare/comparisonsStore';
import type { HeatDecorations } from '../editor/heatDecorations';
import type { Profiler } from '../profiling/profiler';
import type { CurrentRecording } from '../recordings/currentRecording';
import type { LoadedRecording } from '../recordings/loadedRecording';
import type { RecordingsStore } from '../recordings/recordingsStore';
import type { ShownComparison } from '../views/comparePanel';

/** What the commands act on; made once by the composition root. */
export interface CommandServices {
  readonly profiler: Profiler;
  /** Records a running process by attaching to it. */
  readonly attacher: Attacher;
  readonly store: RecordingsStore;
  readonly current: CurrentRecording;
  readonly heat: HeatDecorations;
  /** Shows a finished recording: current, and its report brought forward. */
  readonly showRecording: (recording: LoadedRecording) => void;
  /** Shows the report of part of a recording being opened (recordingOpener.ts), updated in place as a live run's; in the report panel only. */
  readonly showPartialRecording: (recording: LoadedRecording) => void;
  readonly comparer: Comparer;
  readonly comparisons: ComparisonsStore;
  /** Shows a comparison in the comparison view. */
  readonly showComparison: (comparison: ShownComparison) => void;
  /** Remembers what was typed last (arguments per file, inputs per function). */
  readonly workspaceState: vscode.Memento;
}

/** A command's handler, made from the services. */
export type CommandFactory = (services: CommandServices) => (...args: unknown[]) => unknown;

/** The command ids: the contributed ones (package.json) and the internal ones the lenses run. */
export const COMMAND_IDS = {
  profileCurrentFile: 'gilscope.profileCurrentFile',
  profileWithArguments: 'gilscope.profileWithArguments',
  profileFunctionUnderCursor: 'gilscope.profileFunctionUnderCursor',
  stopProfiling: 'gilscope.stopProfiling',
  attachToProcess: 'gilscope.attachToProcess',
  stopAttached: 'gilscope.stopAttached',
  openRecording: 'gilscope.openRecording',
  exportRecording: 'gilscope.exportRecording',
  showProfilingPanel: 'gilscope.showProfilingPanel',
  toggleContentionHeat: 'gilscope.toggleContentionHeat',
  compareThreadsVsProcesses: 'gilscope.compareThreadsVsProcesses',
  openComparison: 'gilscope.openComparison',
  showReport: 'gilscope.showReport',
  openSuggestion: 'gilscope.openSuggestion',
} as const;
