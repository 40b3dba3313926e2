import * as vscode from 'vscode';
import { readCompare } from '../../core/compare/runCompare';
import { askTarget, functionAtCursor } from '../compare/askTarget';
import type { CompareTarget } from '../compare/compareTarget';
import { mayRunCode } from '../trust';
import { pythonFileToRun } from './pythonFile';
import type { PythonFile } from './pythonFile';
import { recordingDirArgument } from './recordingArgument';
import type { CommandFactory } from './services';

/**
 * What `gilscope.compareThreadsVsProcesses` may be given instead of asking:
 * the lens passes `file` and `function`; tests and integration suites pass
 * the rest. Documented in docs/vscode.md.
 */
export interface CompareArgument {
  readonly file?: string;
  readonly function?: string;
  readonly form?: 'script' | 'function';
  /** A JSON file of inputs (function form). */
  readonly inputs?: string;
  readonly workers?: string;
  readonly modes?: string;
}

function compareArgument(value: unknown): CompareArgument {
  if (value instanceof vscode.Uri) return { file: value.fsPath };
  return typeof value === 'object' && value !== null ? (value as CompareArgument) : {};
}

/** The target the argument names in full, so nothing needs asking; else undefined. */
function givenTarget(file: PythonFile, arg: CompareArgument): CompareTarget | undefined {
  if (arg.form === 'script') return { form: 'script', file: file.path, args: [], cwd: file.cwd };
  if (arg.function !== undefined && arg.inputs !== undefined) return { form: 'function', file: file.path, name: arg.function, inputs: { file: arg.inputs }, cwd: file.cwd };
  return undefined;
}

/**
 * `Compare Threads vs Processes`: the active Python file (or the lens's
 * function) run several ways, measured and predicted, then shown in the
 * comparison view. Resolves to the comparison's directory, or undefined.
 */
export const compareThreadsVsProcesses: CommandFactory = ({ comparer, workspaceState }) => async (value?: unknown) => {
  if (!mayRunCode('Comparing threads and processes')) return undefined;
  const arg = compareArgument(value);
  const file = await pythonFileToRun(arg.file !== undefined ? vscode.Uri.file(arg.file) : undefined);
  if (!file) return undefined;
  const target = givenTarget(file, arg) ?? (await askTarget(file, arg.function ?? functionAtCursor(file), workspaceState, arg.function === undefined));
  if (!target) return undefined;
  return comparer.compare(target, { ...(arg.workers ? { workers: arg.workers } : {}), ...(arg.modes ? { modes: arg.modes } : {}) });
};

/**
 * `Open Comparison…`: one of the workspace's comparisons (picked from a
 * list, newest first) or a comparison folder passed as a Uri or path, shown
 * again. Allowed in Restricted Mode: it only reads. Resolves to the folder.
 */
export const openComparison: CommandFactory = ({ comparisons, showComparison }) => async (target?: unknown) => {
  let dir = recordingDirArgument(target);
  let label: string | undefined;
  if (!dir) {
    const items = comparisons.comparisons.map((c) => ({ label: c.label, description: new Date(c.storedAt).toLocaleString(), detail: c.interpreter, dir: c.dir }));
    if (items.length === 0) {
      void vscode.window.showInformationMessage('gilscope: this workspace has no comparisons yet. Run "Compare Threads vs Processes" on a Python file.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(items, { title: 'gilscope: open a comparison' });
    if (!picked) return undefined;
    ({ dir, label } = picked);
  }
  try {
    const result = readCompare(dir);
    showComparison({ id: dir, label: label ?? comparisons.comparisons.find((c) => c.dir === dir)?.label ?? dir, result });
    return dir;
  } catch (error) {
    void vscode.window.showErrorMessage(`gilscope: ${(error as Error).message}`);
    return undefined;
  }
};
