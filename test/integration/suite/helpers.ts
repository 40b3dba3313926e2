import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { ENV, type WorkbenchAction, type WorkbenchResponse } from '../protocol';

/** Helpers for suite files: they run in the extension host, with the real `vscode` API. */

export const EXTENSION_ID = 'gilscope.gilscope';

/**
 * Polls `condition` every `intervalMs` until it returns a value other than undefined/false,
 * and returns that value; throws "timed out after N ms waiting for WHAT" otherwise.
 */
export async function waitFor<T>(
  what: string,
  condition: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 15_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The first workspace folder: the runner opens a copy of the test workspace there. */
export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open: the runner opens one');
  return folder.uri;
}

/** Opens `relativePath` of the workspace in an editor and returns the editor. */
export async function openWorkspaceFile(relativePath: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceRoot(), relativePath));
  return vscode.window.showTextDocument(document);
}

/** The gilscope extension as the editor sees it; throws when it is not installed. */
export function gilscopeExtension(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not installed in this editor`);
  return extension;
}

/** Activates gilscope the way a user does, by opening a Python file, and waits until it is active. */
export async function activateGilscope(pythonFile = 'cpu_threads.py'): Promise<vscode.Extension<unknown>> {
  const extension = gilscopeExtension();
  if (!extension.isActive) {
    await openWorkspaceFile(pythonFile);
    await waitFor(`${EXTENSION_ID} to activate`, () => extension.isActive, { timeoutMs: 30_000 });
  }
  return extension;
}

/** True when the runner drives the workbench page and answers `workbench()` requests. */
export function runnerDrivesWorkbench(): boolean {
  return !!process.env[ENV.requests];
}

let requestCount = 0;

/**
 * Asks the runner to act on the workbench UI (a screenshot, picking an output channel; see
 * WorkbenchAction) and waits for it to be done. Returns the runner's detail (a screenshot's
 * path), or undefined when this runner drives no browser (desktop VS Code). Throws with the
 * runner's error when the action failed.
 */
export async function workbench(action: WorkbenchAction, timeoutMs = 30_000): Promise<string | undefined> {
  const dir = process.env[ENV.requests];
  if (!dir) return undefined;
  const id = `${process.pid}-${++requestCount}`;
  const request = join(dir, `${id}.request.json`);
  writeFileSync(`${request}.tmp`, JSON.stringify({ id, action }));
  renameSync(`${request}.tmp`, request);
  const responsePath = join(dir, `${id}.response.json`);
  await waitFor(`the runner to do ${JSON.stringify(action)}`, () => existsSync(responsePath), { timeoutMs });
  const response = JSON.parse(readFileSync(responsePath, 'utf8')) as WorkbenchResponse;
  if (!response.ok) throw new Error(`the runner could not do ${action.kind}: ${response.error}`);
  return response.detail;
}
