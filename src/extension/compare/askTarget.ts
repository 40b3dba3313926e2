import * as vscode from 'vscode';
import { enclosingFunction } from '../editor/enclosingFunction';
import type { PythonFile } from '../commands/pythonFile';
import { askInputs } from './askInputs';
import type { CompareTarget } from './compareTarget';

/** The function the cursor is in, when the active editor shows `file`. */
export function functionAtCursor(file: PythonFile): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.uri.fsPath !== file.path) return undefined;
  const lines = Array.from({ length: file.document.lineCount }, (_, i) => file.document.lineAt(i).text);
  return enclosingFunction(lines, editor.selection.active.line)?.qualname;
}

/**
 * Asks what to compare: the whole script, or (when a function is known:
 * the cursor's, or the lens's) the function over a list of inputs, whose
 * inputs are asked next. Undefined when the user backed out.
 */
export async function askTarget(file: PythonFile, name: string | undefined, state: vscode.Memento, askForm: boolean): Promise<CompareTarget | undefined> {
  const script = { label: 'Whole script (its pools swapped threads↔processes)', detail: 'Runs the file as it is, then with every thread pool made a process pool and the other way round', form: 'script' as const };
  const items = name
    ? [{ label: `Function ${name} over a list of inputs…`, detail: `Calls ${name} once per input: serially, in threads, in processes, in sub-interpreters`, form: 'function' as const }, script]
    : [script];
  const form = askForm ? (await vscode.window.showQuickPick(items, { title: 'gilscope: compare threads vs processes', placeHolder: 'What to run several ways' }))?.form : 'function';
  if (!form) return undefined;
  if (form === 'script' || !name) return { form: 'script', file: file.path, args: [], cwd: file.cwd };
  const inputs = await askInputs(state, `${file.path}:${name}`, name);
  return inputs ? { form: 'function', file: file.path, name, inputs, cwd: file.cwd } : undefined;
}
