import { dirname } from 'node:path';
import * as vscode from 'vscode';

/** A saved Python file to run, and the folder to run it in. */
export interface PythonFile {
  readonly document: vscode.TextDocument;
  readonly path: string;
  /** Its workspace folder, else its own folder. */
  readonly cwd: string;
}

/**
 * The Python file a run command is about: `uri` when given (explorer menu,
 * tests), else the active editor's. It is saved first, since what runs is
 * what is on disk. Undefined (and the user told why) when there is none.
 */
export async function pythonFileToRun(uri?: vscode.Uri): Promise<PythonFile | undefined> {
  const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  if (!document || (document.languageId !== 'python' && !document.fileName.endsWith('.py'))) {
    void vscode.window.showWarningMessage('gilscope: open a Python file to profile it.');
    return undefined;
  }
  if (document.isUntitled || document.uri.scheme !== 'file') {
    void vscode.window.showWarningMessage('gilscope: save the file to disk first: gilscope runs the file as it is on disk.');
    return undefined;
  }
  if (document.isDirty && !(await document.save())) {
    void vscode.window.showWarningMessage(`gilscope: ${document.fileName} could not be saved, so it was not run.`);
    return undefined;
  }
  const path = document.uri.fsPath;
  return { document, path, cwd: vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath ?? dirname(path) };
}
