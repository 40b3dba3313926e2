import * as vscode from 'vscode';
import { sourcePath } from '../editor/sourceFigures';

/** Opens `file` (as recorded: absolute, or relative to the workload's `cwd`) at 1-based `line`, in the first editor column. */
export async function openSource(file: string, line: number, cwd: string | undefined): Promise<void> {
  const path = sourcePath(file, cwd);
  if (!path) {
    void vscode.window.showWarningMessage(`gilscope: '${file}' is not a file that can be opened.`);
    return;
  }
  const position = new vscode.Position(Math.max(0, line - 1), 0);
  try {
    await vscode.window.showTextDocument(vscode.Uri.file(path), {
      viewColumn: vscode.ViewColumn.One,
      selection: new vscode.Range(position, position),
      preview: false,
    });
  } catch (error) {
    void vscode.window.showWarningMessage(`gilscope: cannot open ${path}: ${(error as Error).message}`);
  }
}
