import { basename } from 'node:path';
import * as vscode from 'vscode';
import { enclosingFunction } from '../editor/enclosingFunction';
import { fileTarget, functionTarget, splitArguments } from '../profiling/profileTarget';
import { mayRunCode } from '../trust';
import { pythonFileToRun } from './pythonFile';
import type { CommandFactory } from './services';

const ARGS_KEY = 'gilscope.lastArguments';

function lastArguments(state: vscode.Memento, key: string): string | undefined {
  const all = state.get<Record<string, string>>(ARGS_KEY) ?? {};
  return all[key];
}

function rememberArguments(state: vscode.Memento, key: string, text: string): Thenable<void> {
  return state.update(ARGS_KEY, { ...(state.get<Record<string, string>>(ARGS_KEY) ?? {}), [key]: text });
}

/** `Profile Current File`: the active Python file (or `uri`), no arguments. Resolves to the recording's directory. */
export const profileCurrentFile: CommandFactory = ({ profiler }) => async (uri?: unknown) => {
  if (!mayRunCode('Profiling')) return undefined;
  const file = await pythonFileToRun(uri instanceof vscode.Uri ? uri : undefined);
  if (!file) return undefined;
  return profiler.profile(fileTarget(file.path, [], file.cwd));
};

/**
 * `Profile with Arguments…`: asks for the command-line arguments (shell-style
 * words and quotes), offering the last ones used for that file. Callers may
 * pass them as an array instead (tests).
 */
export const profileWithArguments: CommandFactory = ({ profiler, workspaceState }) => async (uri?: unknown, given?: unknown) => {
  if (!mayRunCode('Profiling')) return undefined;
  const file = await pythonFileToRun(uri instanceof vscode.Uri ? uri : undefined);
  if (!file) return undefined;
  let args: string[] | undefined;
  if (Array.isArray(given) && given.every((a) => typeof a === 'string')) {
    args = given;
  } else {
    const text = await vscode.window.showInputBox({
      title: `gilscope: profile ${basename(file.path)} with arguments`,
      prompt: 'The arguments, as you would type them after the file name in a shell (quotes group words)',
      value: lastArguments(workspaceState, file.path) ?? '',
    });
    if (text === undefined) return undefined;
    args = splitArguments(text);
    if (!args) {
      void vscode.window.showErrorMessage(`gilscope: a quote is left open in: ${text}`);
      return undefined;
    }
    await rememberArguments(workspaceState, file.path, text);
  }
  return profiler.profile(fileTarget(file.path, args, file.cwd));
};

/**
 * `Profile Function Under Cursor`: the function around the cursor (a method
 * is called on a new instance of its class), called with arguments asked for
 * as a Python argument list, by runtime/python/gilscope/harness.py. Callers
 * may pass the argument text (tests).
 */
export const profileFunctionUnderCursor: CommandFactory = ({ profiler, workspaceState }) => async (given?: unknown) => {
  if (!mayRunCode('Profiling')) return undefined;
  const editor = vscode.window.activeTextEditor;
  const file = await pythonFileToRun();
  if (!file || !editor) return undefined;
  const lines = Array.from({ length: file.document.lineCount }, (_, i) => file.document.lineAt(i).text);
  const found = enclosingFunction(lines, editor.selection.active.line);
  if (!found) {
    void vscode.window.showWarningMessage('gilscope: put the cursor inside a function (a `def`) to profile it.');
    return undefined;
  }
  const key = `${file.path}:${found.qualname}`;
  let text = typeof given === 'string' ? given : undefined;
  if (text === undefined) {
    text = await vscode.window.showInputBox({
      title: `gilscope: profile ${found.qualname}(…)`,
      prompt: `The arguments of ${found.qualname}, as a Python argument list; names of the module may be used`,
      placeHolder: '1000, "text", workers=4',
      value: lastArguments(workspaceState, key) ?? '',
    });
    if (text === undefined) return undefined;
    await rememberArguments(workspaceState, key, text);
  }
  return profiler.profile(functionTarget(file.path, found.qualname, text, file.cwd));
};

/** `Stop Profiling`: stops the run in progress (its recording is kept). */
export const stopProfiling: CommandFactory = ({ profiler }) => () => {
  if (!profiler.stop()) void vscode.window.showInformationMessage('gilscope: nothing is being profiled.');
};
