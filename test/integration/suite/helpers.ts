import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import * as vscode from 'vscode';
import { ENV, type ExpectedPython, type WorkbenchAction, type WorkbenchResponse } from '../protocol';

/** Helpers for suite files: they run in the extension host, with the real `vscode` API. */

export const EXTENSION_ID = 'gilscope.gilscope';

/**
 * Polls `condition` every `intervalMs` until it returns a value other than undefined/false,
 * and returns that value; throws "timed out after N ms waiting for WHAT" otherwise, followed
 * by what `seen()` says was there instead, when given.
 */
export async function waitFor<T>(
  what: string,
  condition: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 15_000, intervalMs = 100, seen }: { timeoutMs?: number; intervalMs?: number; seen?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${seen ? `; instead: ${seen()}` : ''}`);
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

let requestCount = 0;

/**
 * Asks the runner to act on the workbench UI (a screenshot, picking an output channel; see
 * WorkbenchAction) and waits for it to be done. Returns the runner's detail (a screenshot's
 * path; the text read). Throws with the runner's error when the action failed.
 */
export async function workbench(action: WorkbenchAction, timeoutMs = 30_000): Promise<string | undefined> {
  const dir = process.env[ENV.requests];
  if (!dir) throw new Error(`${ENV.requests} is not set: the runner sets it`);
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

/** Files under `dir` (recursively) whose own name passes `keep`; none when `dir` is missing. */
export function findFiles(dir: string, keep: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((path) => keep(path.split(sep).pop() ?? ''))
    .map((path) => join(dir, path));
}

/** The editor's user data folder, which the runner passes; throws when it did not. */
export function userDataDir(): string {
  const dir = process.env[ENV.userDataDir];
  if (!dir) throw new Error(`${ENV.userDataDir} is not set: the runner sets it`);
  return dir;
}

/**
 * What the output channels named `name` hold so far ('' before their first line), read from the
 * files the extension host keeps for them: `<n>-<name>.log` under the user data folder's `logs/`,
 * written shortly after each append. Several channels may share a name (gilscope's own and its
 * language client's are both "gilscope"): their texts are joined. Poll it with waitFor.
 */
export function outputChannelText(name: string): string {
  const pattern = new RegExp(`^\\d+-${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.log$`);
  return findFiles(join(userDataDir(), 'logs'), (n) => pattern.test(n)).map((file) => readFileSync(file, 'utf8')).join('\n');
}

/** Waits until the "gilscope" output channel has a line matching `pattern`, and returns the match. */
export function waitForGilscopeLine(pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
  return waitFor(`the "gilscope" output channel to say ${pattern}`, () => {
    for (const line of outputChannelText('gilscope').split('\n').reverse()) {
      const found = line.match(pattern);
      if (found) return found;
    }
    return undefined;
  }, { timeoutMs, intervalMs: 200 });
}

/** The interpreter the runner set as `gilscope.pythonPath`, or undefined when it set none. */
export function expectedPython(): ExpectedPython | undefined {
  const json = process.env[ENV.python];
  return json ? (JSON.parse(json) as ExpectedPython) : undefined;
}

/**
 * Runs gilscope's CLI (dist/cli.js of the extension that is loaded, so the installed copy for a
 * .vsix run) with the extension host's own Node, and returns its exit status and output.
 */
export function runGilscopeCli(args: readonly string[], timeoutMs = 60_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const cli = join(gilscopeExtension().extensionPath, 'dist', 'cli.js');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [cli, ...args], { env: process.env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(new Error(`${cli} ${args.join(' ')} did not run: ${error.message}\n${stderr}`));
      else resolve({ status: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

/** The part of `gilscope report --json` (docs/report-schema.md) the suites read. */
export interface ReportJson {
  readonly wallSeconds: number;
  readonly processes: readonly { readonly pid: number; readonly threads: readonly { readonly name: string }[] }[];
  readonly suggestions: readonly {
    readonly kind: string;
    readonly predictedSpeedup: number;
    readonly target?: { readonly file: string; readonly line: number; readonly function: string };
  }[];
}

/** `gilscope report DIR --json`, parsed; throws with the CLI's output when it fails. */
export async function reportJson(dir: string): Promise<ReportJson> {
  const run = await runGilscopeCli(['report', dir, '--json']);
  if (run.status !== 0) throw new Error(`gilscope report ${dir} --json exited ${run.status}:\n${run.stderr}`);
  return JSON.parse(run.stdout) as ReportJson;
}

/** The names of the threads a report lists, over all its processes. */
export function threadNames(report: ReportJson): string[] {
  return report.processes.flatMap((p) => p.threads.map((t) => t.name));
}

/** session.json of a recording folder (runtime/FORMAT.md): how the run ended, and on what. */
export interface SessionJson {
  readonly command: readonly string[];
  readonly exitCode?: number | null;
  readonly signal?: number | null;
  readonly endedAt?: number;
  readonly python?: { readonly executable: string; readonly version: string; readonly exact?: boolean };
}

export function readSessionJson(dir: string): SessionJson {
  return JSON.parse(readFileSync(join(dir, 'session.json'), 'utf8')) as SessionJson;
}

/** The tabs of gilscope's report panel (a webview of view type `gilscope.report`), in every group. */
export function reportTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) =>
    // VS Code prefixes an extension's view type (`mainThreadWebview-gilscope.report`).
    tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('gilscope.report'));
}

/**
 * Starts `Profile Current File` on `relativePath` of the workspace (opened first) and returns
 * the command's promise, which resolves to the recording folder once it is stored and shown.
 */
export async function startProfiling(relativePath: string): Promise<{ editor: vscode.TextEditor; run: Promise<string | undefined> }> {
  const editor = await openWorkspaceFile(relativePath);
  const run = Promise.resolve(vscode.commands.executeCommand<string | undefined>('gilscope.profileCurrentFile', editor.document.uri));
  run.catch(() => undefined); // the test awaits it; an early rejection must not go unhandled meanwhile
  return { editor, run };
}

/** Rejects with a message naming `what` when `promise` takes longer than `timeoutMs`. */
export async function within<T>(what: string, promise: Thenable<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve(promise), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

let pings = 0;

/**
 * A command round trip this long is a stuck editor. One shorter pause past a suite's own bound
 * may come on a machine shared with other work (a report page opening beside other test files).
 */
export const ONE_PAUSE_MS = 5_000;

/**
 * Milliseconds for one round trip from the extension host to the workbench and back: a
 * `setContext` command, which the workbench runs and answers. What a user feels as "VS Code
 * answers" when the extension host or the window is swamped.
 */
export async function workbenchRoundTripMs(): Promise<number> {
  const started = performance.now();
  await vscode.commands.executeCommand('setContext', 'gilscope.itest.ping', ++pings);
  return performance.now() - started;
}

/** The text of the workbench elements matching `selector` (see WorkbenchAction `readText`). */
export async function workbenchText(selector: string, frames: 'page' | 'all' = 'page'): Promise<string[]> {
  const json = await workbench({ kind: 'readText', selector, frames });
  if (json === undefined) throw new Error(`the runner read no text for ${selector}`);
  return JSON.parse(json) as string[];
}

/**
 * The messages of the notifications the workbench holds, read from the notification centre,
 * which this opens (a test editor shows no toasts: its window never has focus).
 * `notifications.hideList` closes it again.
 */
export async function notificationTexts(): Promise<string[]> {
  await vscode.commands.executeCommand('notifications.showList');
  return workbenchText('.notifications-center .notification-list-item-message');
}

/** 0-based line numbers of the lines of `document` matching `pattern`. */
export function linesMatching(document: vscode.TextDocument, pattern: RegExp): number[] {
  const lines: number[] = [];
  for (let i = 0; i < document.lineCount; i++) if (pattern.test(document.lineAt(i).text)) lines.push(i);
  return lines;
}

/** Closes every editor, saving nothing: what a suite does to leave the editor as it found it. */
export async function closeAllEditors(): Promise<void> {
  for (const document of vscode.workspace.textDocuments) {
    if (document.isDirty && document.uri.scheme === 'file') {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/**
 * The recording folders gilscope keeps in this editor's workspace storage
 * (`…/workspaceStorage/<id>/gilscope.gilscope/recordings/*.gilscope`, see RecordingsStore), including
 * one still being written.
 */
export function storedRecordingFolders(): string[] {
  const storage = join(userDataDir(), 'User', 'workspaceStorage');
  if (!existsSync(storage)) return [];
  return readdirSync(storage, { recursive: true, encoding: 'utf8' })
    .filter((path) => /(^|[\\/])recordings[\\/][^\\/]+\.gilscope$/.test(path))
    .map((path) => join(storage, path));
}

/** Closes the terminals gilscope opened for its runs (each stays open for reading after its run). */
export function closeGilscopeTerminals(): void {
  for (const terminal of vscode.window.terminals) if (terminal.name.startsWith('gilscope: ')) terminal.dispose();
}
