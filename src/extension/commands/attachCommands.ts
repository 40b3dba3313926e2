import * as vscode from 'vscode';
import { pickPythonProcess } from '../attach/processPick';
import { mayRunCode } from '../trust';
import type { CommandFactory } from './services';

/**
 * `Attach to Process…`: asks which of the user's Python processes to record (or
 * takes its pid: tests, other extensions), records it until Stop, then opens the
 * report. Resolves to the recording's folder.
 */
export const attachToProcess: CommandFactory = ({ attacher }) => async (given?: unknown) => {
  if (!mayRunCode('Attaching to a process')) return undefined;
  const pid = typeof given === 'number' && Number.isSafeInteger(given) && given > 0 ? given : await pickPythonProcess();
  if (pid === undefined) return undefined;
  return attacher.attach(pid);
};

/** `Stop Recording the Attached Process`: the process stops recording and goes on. */
export const stopAttached: CommandFactory = ({ attacher }) => () => {
  if (!attacher.stop()) void vscode.window.showInformationMessage('gilscope: no process is being recorded by attaching.');
};
