import * as vscode from 'vscode';

/** A recording directory passed to a command: a Uri (explorer, tests) or a path. */
export function recordingDirArgument(value: unknown): string | undefined {
  if (value instanceof vscode.Uri) return value.fsPath;
  return typeof value === 'string' && value !== '' ? value : undefined;
}
