import * as vscode from 'vscode';

/**
 * Profiling runs the workspace's code, so in Restricted Mode (an untrusted
 * workspace) gilscope runs nothing; it still opens recordings. A run command
 * calls this first: false means refused, and the user has been told why, with
 * a way to manage trust.
 */
export function mayRunCode(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  const message = `gilscope: ${action} runs this workspace's code, and the workspace is not trusted (Restricted Mode). `
    + 'Trust the workspace to profile; recordings can be opened meanwhile.';
  void vscode.window.showWarningMessage(message, 'Manage Workspace Trust').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}
