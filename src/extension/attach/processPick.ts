import * as vscode from 'vscode';
import { commandText } from '../../core/attach/commandText';
import { listPythonProcesses } from '../../core/attach/pythonProcesses';
import type { PythonProcess } from '../../core/attach/pythonProcesses';

interface ProcessItem extends vscode.QuickPickItem {
  readonly process: PythonProcess;
}

/** The command line as one short line: the script rather than the interpreter's path. */
function shortCommand(cmdline: readonly string[]): string {
  const text = commandText(cmdline);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

export function processItems(processes: readonly PythonProcess[]): ProcessItem[] {
  return processes.map((p) => ({
    label: `${p.refusal ? '$(circle-slash)' : '$(pulse)'} ${p.pid}`,
    description: `CPython ${p.version} · ${shortCommand(p.cmdline)}`,
    ...(p.refusal ? { detail: p.refusal } : {}),
    process: p,
  }));
}

/**
 * Asks which of the user's Python processes to attach to (pid, command line,
 * version; those gilscope cannot attach to say why beneath). Resolves to the pid,
 * or undefined when none was chosen (the user has been told why when a process
 * that cannot be attached to was picked).
 */
export async function pickPythonProcess(): Promise<number | undefined> {
  const items = processItems(listPythonProcesses());
  if (items.length === 0) {
    void vscode.window.showInformationMessage('gilscope: none of your processes is a running CPython.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: 'gilscope: attach to a running Python process (CPython 3.14+)',
    placeHolder: 'The process to record; it goes on as before when recording stops',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!picked) return undefined;
  if (picked.process.refusal) {
    void vscode.window.showErrorMessage(`gilscope: ${picked.process.refusal}`);
    return undefined;
  }
  return picked.process.pid;
}
