import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { writeTurnsRecording } from '../../support/turnsRecording';
import { activateGilscope, closeAllEditors, ONE_PAUSE_MS, reportTabs, waitFor, workbench, workbenchRoundTripMs, workbenchText } from './helpers';
import { after, before, describe, it } from './test';

/**
 * Issue 19, in a real VS Code: opening a large recording. It is read a slice at a time under
 * a progress notification, its report opens on what has been read and fills in, and VS Code
 * answers throughout (read at once, a recording this size held the extension host for
 * seconds).
 */

/**
 * The longest the extension host may be held at a time while it opens the recording: its
 * longest step, a partial report, takes about 0.4 s here (bench/decode.mjs --open); read at once,
 * the host was held for all of the reading: 2.4 s for this recording on a quiet machine.
 */
const HOST_HELD_MS = 2_000;

describe('a large recording opens without holding VS Code', () => {
  let dir = '';
  before(async () => {
    await activateGilscope();
    // 20 minutes of 64 threads taking turns: 66 M records, 548 MiB, several seconds of reading.
    dir = join(mkdtempSync(join(tmpdir(), 'gilscope-itest-large-')), 'large.gilscope');
    writeTurnsRecording(dir, 20, 64);
  });
  after(async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('notifications.hideList');
    await closeAllEditors();
    if (dir) rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  it('548 MiB: a progress notification says how much is read, the report opens marked as read so far, then whole, and the extension host is never held for long', async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    // The notification centre open from the start (a test window shows no toasts): its messages are read as they come.
    await vscode.commands.executeCommand('notifications.showList');
    const started = performance.now();
    // The extension host's own loop: how late a 10 ms timer runs (the reading shares this thread).
    let hostLagMs = 0;
    let tickAt = started;
    const lagTimer = setInterval(() => {
      const now = performance.now();
      hostLagMs = Math.max(hostLagMs, now - tickAt - 10);
      tickAt = now;
    }, 10);
    let settled = false;
    const opening = vscode.commands.executeCommand<string | undefined>('gilscope.openRecording', dir);
    void Promise.resolve(opening).then(() => (settled = true), () => (settled = true));
    // Two watchers while it is read: command round trips, every 100 ms; and what the user sees.
    const during: number[] = [];
    const notes: string[] = [];
    const badges: string[] = [];
    const seen: string[] = [];
    const timing = waitFor('the recording to open', async () => {
      during.push(await workbenchRoundTripMs());
      return settled;
    }, { timeoutMs: 180_000, intervalMs: 100 });
    let looks = 0;
    const looking = waitFor('the recording to open', async () => {
      if (settled) return true;
      looks++;
      const texts = await workbenchText('.notifications-center .notification-list-item-message');
      seen.push(...texts);
      notes.push(...texts.filter((t) => /gilscope: reading/.test(t)));
      const badge = (await workbenchText('.badge.reading', 'all')).filter((t) => /% read$/.test(t));
      if (badge.length > 0 && badges.length === 0) await workbench({ kind: 'screenshot', name: 'large-recording-opening' });
      badges.push(...badge);
      return settled;
    }, { timeoutMs: 180_000, intervalMs: 250 });
    await Promise.all([timing, looking]).finally(() => clearInterval(lagTimer));
    const openMs = performance.now() - started;
    const timings = `(${during.length} round trips: ${during.map((ms) => ms.toFixed(0)).join(', ')} ms; the extension host's loop was late by at most ${hostLagMs.toFixed(0)} ms; opened in ${openMs.toFixed(0)} ms; looked ${looks} times: ${notes.length} progress notes, ${badges.length} badges ${JSON.stringify(badges.slice(0, 3))})`;
    assert.equal(await opening, dir, 'the recording opened');
    assert.ok(notes.length > 0, `a progress notification said the recording was being read (seen: ${JSON.stringify([...new Set(seen)])}) ${timings}`);
    assert.ok(badges.length > 0, `the report was shown, marked as read so far, before it was whole ${timings}`);
    assert.ok(reportTabs().length > 0, 'the report is open');
    await waitFor('the whole report, unmarked', async () => (await workbenchText('.report-header', 'all')).some((t) => t.length > 0) && (await workbenchText('.badge.reading', 'all')).every((t) => t === ''), { timeoutMs: 30_000, intervalMs: 300 });
    await workbench({ kind: 'screenshot', name: 'large-recording-opened' });
    // The extension host (which runs this test too) is never held for long: read at once, it was held for the whole reading.
    assert.ok(hostLagMs < HOST_HELD_MS, `the extension host's loop was late by ${hostLagMs.toFixed(0)} ms ${timings}`);
    // The window itself may pause while it loads the report page beside other work (1 – 2.6 s seen
    // in CI, where other test files run too: that is the window's loading, which reading at once
    // did not spare it); a round trip of ONE_PAUSE_MS is a stuck editor.
    assert.ok(Math.max(...during) < ONE_PAUSE_MS, `while it was read a command round trip took ${ONE_PAUSE_MS} ms or more ${timings}`);
  }, { timeoutMs: 240_000 });
});
