import * as vscode from 'vscode';
import { attachToProcess, stopAttached } from './attachCommands';
import { compareThreadsVsProcesses, openComparison } from './compareCommands';
import { exportRecording } from './exportCommand';
import { profileCurrentFile, profileFunctionUnderCursor, profileWithArguments, stopProfiling } from './profileCommands';
import { openRecording, openSuggestion, showProfilingPanel, showReport, toggleContentionHeat } from './recordingCommands';
import { COMMAND_IDS } from './services';
import type { CommandFactory, CommandServices } from './services';

/** Every command, by id: package.json contributes all but the internal showReport and openSuggestion. */
export const COMMANDS: Readonly<Record<(typeof COMMAND_IDS)[keyof typeof COMMAND_IDS], CommandFactory>> = {
  [COMMAND_IDS.profileCurrentFile]: profileCurrentFile,
  [COMMAND_IDS.profileWithArguments]: profileWithArguments,
  [COMMAND_IDS.profileFunctionUnderCursor]: profileFunctionUnderCursor,
  [COMMAND_IDS.stopProfiling]: stopProfiling,
  [COMMAND_IDS.attachToProcess]: attachToProcess,
  [COMMAND_IDS.stopAttached]: stopAttached,
  [COMMAND_IDS.openRecording]: openRecording,
  [COMMAND_IDS.exportRecording]: exportRecording,
  [COMMAND_IDS.showProfilingPanel]: showProfilingPanel,
  [COMMAND_IDS.toggleContentionHeat]: toggleContentionHeat,
  [COMMAND_IDS.compareThreadsVsProcesses]: compareThreadsVsProcesses,
  [COMMAND_IDS.openComparison]: openComparison,
  [COMMAND_IDS.showReport]: showReport,
  [COMMAND_IDS.openSuggestion]: openSuggestion,
};

export function registerCommands(services: CommandServices): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, factory]) => vscode.commands.registerCommand(id, factory(services)));
}
