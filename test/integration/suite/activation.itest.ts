import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import { ENV } from '../protocol';
import { EXTENSION_ID, activateGilscope, findFiles, gilscopeExtension, waitFor, workbench } from './helpers';
import { describe, it } from './test';

/**
 * The extension is there, starts on the event package.json declares (a Python file opened),
 * and what it creates at activation exists: the "gilscope" output channel, read back from the
 * file the extension host keeps for it.
 */
describe('activation', () => {
  it('the gilscope extension is installed, from the expected folder', () => {
    const extension = gilscopeExtension();
    assert.equal(extension.id, EXTENSION_ID);
    assert.equal(extension.packageJSON.name, 'gilscope');
    const expected = process.env[ENV.extensionPath];
    if (expected) {
      const inside = relative(expected, extension.extensionPath);
      assert.ok(!inside.startsWith('..') && !inside.startsWith(sep), `loaded from ${extension.extensionPath}, expected under ${expected}`);
    }
  });

  it('is not active before a Python file is open', () => {
    const pythonOpen = vscode.workspace.textDocuments.some((d) => d.languageId === 'python');
    assert.equal(pythonOpen, false, 'a Python document was already open when the suite started');
    assert.equal(gilscopeExtension().isActive, false);
  });

  it('activates when a Python file of the workspace is opened', async () => {
    const extension = await activateGilscope('cpu_threads.py');
    assert.equal(vscode.window.activeTextEditor?.document.languageId, 'python');
    assert.equal(extension.isActive, true);
  }, { timeoutMs: 45_000 });

  it('creates the "gilscope" output channel and writes its first line', async () => {
    const userDataDir = process.env[ENV.userDataDir];
    assert.ok(userDataDir, `${ENV.userDataDir} is not set: the runner sets it`);
    const { version } = gilscopeExtension().packageJSON as { version: string };
    // Each output channel an extension creates is a file "<n>-<channel name>.log" under the
    // extension host's logs folder (logs/<session>/…/output_logging_*), flushed shortly after writes.
    const channel = await waitFor('the "gilscope" output channel to hold its first line', () => {
      // Its language client's channel is named "gilscope" too: the one that says it activated is gilscope's own.
      const files = findFiles(join(userDataDir, 'logs'), (name) => /^\d+-gilscope\.log$/.test(name));
      return files.find((file) => readFileSync(file, 'utf8').includes(`gilscope ${version} activated`));
    }, { timeoutMs: 15_000 });
    assert.match(channel, /output_logging_/);
  });

  it('lists "gilscope" among the output channels of the workbench UI', async () => {
    await workbench({ kind: 'showOutputChannel', channel: 'gilscope' });
    await workbench({ kind: 'screenshot', name: 'output-channel' });
  }, { timeoutMs: 60_000 });
});
