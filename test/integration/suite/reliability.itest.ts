import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import * as vscode from 'vscode';
import {
  activateGilscope,
  closeAllEditors,
  closeGilscopeTerminals,
  notificationTexts,
  ONE_PAUSE_MS,
  readSessionJson,
  reportJson,
  reportTabs,
  runGilscopeCli,
  startProfiling,
  storedRecordingFolders,
  threadNames,
  waitFor,
  waitForGilscopeLine,
  within,
  workbench,
  workbenchRoundTripMs,
} from './helpers';
import { after, before, describe, it } from './test';

/**
 * Issue 9, runs that go wrong, in a real VS Code: a workload that crashes, one that never ends
 * until the user stops it, one that floods its output. Each keeps what was recorded (the
 * folder reads with `gilscope report`), says what happened in plain words (the "gilscope"
 * output channel, and the notification the user sees), and leaves VS Code answering.
 */

/** A round trip to the workbench that takes longer than this is a VS Code the user would call stuck. */
const RESPONSIVE_MS = 2_000;
// While a run floods, one round trip may take longer than RESPONSIVE_MS, up to ONE_PAUSE_MS: a
// single pause of a machine shared with other work (the run's terminal and report opening beside
// another test file on two cores) is not a stuck editor; a second one, or a longer one, is.

/** Median of a few round trips, so that one garbage collection does not decide. */
async function medianRoundTripMs(count = 5): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await workbenchRoundTripMs());
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

/** Waits until a notification the user sees says `pattern`. */
async function waitForNotification(pattern: RegExp): Promise<string> {
  return waitFor(`a notification saying ${pattern}`, async () => (await notificationTexts()).find((t) => pattern.test(t)), { timeoutMs: 15_000, intervalMs: 300 });
}

describe('reliability: runs that crash, never end, or flood', () => {
  before(async () => {
    await activateGilscope('crash_segv.py');
  });
  after(async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('notifications.hideList');
    closeGilscopeTerminals();
    await closeAllEditors();
  });

  it('a workload killed by SIGSEGV: the message says so, and what was recorded is kept and reports', async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    const { run } = await startProfiling('crash_segv.py');
    const dir = await within('Profile Current File on crash_segv.py', run, 60_000);
    assert.ok(dir, 'the crashed run left no recording (the command resolved to undefined)');
    const session = readSessionJson(dir);
    assert.equal(session.signal, 11, `session.json: exit code ${session.exitCode}, signal ${session.signal}`);

    const [line] = await waitForGilscopeLine(/run ended: The workload was killed by SIGSEGV after [\d.]+ s; what was recorded until then is kept\./);
    assert.ok(line);
    const shown = await waitForNotification(/killed by SIGSEGV/);
    assert.match(shown, /what was recorded until then is kept/);
    await workbench({ kind: 'screenshot', name: 'crash-message' });
    await vscode.commands.executeCommand('notifications.hideList');

    const cli = await runGilscopeCli(['report', dir, '--json']);
    assert.equal(cli.status, 0, `gilscope report on the crashed run's folder exited ${cli.status}:\n${cli.stderr}`);
    const names = threadNames(JSON.parse(cli.stdout));
    assert.ok(names.includes('cpu-0') && names.includes('cpu-1'), `the report lists ${JSON.stringify(names)}`);
  }, { timeoutMs: 90_000 });

  it('a workload that never ends, stopped by the user once its threads are recorded: the recording is kept and VS Code answers', async () => {
    const known = new Set(storedRecordingFolders());
    const { run } = await startProfiling('never_ends.py');
    let settled = false;
    void run.then(() => (settled = true), () => (settled = true));

    // The run's folder appears in the workspace storage; the recording there shows both workers.
    const dir = await waitFor('the never-ending run\'s recording folder', () =>
      storedRecordingFolders().find((d) => !known.has(d) && readdirSync(d).some((f) => f.endsWith('.gsr'))), { timeoutMs: 30_000, intervalMs: 250 });
    await waitFor('the live recording to show the threads churn-0 and churn-1', async () => {
      const cli = await runGilscopeCli(['report', dir, '--json']);
      if (cli.status !== 0) return undefined;
      const names = threadNames(JSON.parse(cli.stdout));
      return names.includes('churn-0') && names.includes('churn-1');
    }, { timeoutMs: 30_000, intervalMs: 500 });
    assert.equal(settled, false, 'the never-ending run ended by itself');
    await waitFor('the live report of never_ends.py', () => reportTabs().find((t) => t.label.includes('never_ends.py')));

    const stopping = performance.now();
    await vscode.commands.executeCommand('gilscope.stopProfiling');
    const result = await within('the stopped run to end', run, 15_000);
    const stopMs = performance.now() - stopping;
    assert.equal(result, dir, 'the command resolved to another folder than the one being recorded');
    const session = readSessionJson(dir);
    assert.equal(session.signal, 2, `session.json: exit code ${session.exitCode}, signal ${session.signal} (SIGINT ends never_ends.py)`);
    assert.ok(stopMs < 5_000, `the stop took ${stopMs.toFixed(0)} ms`);
    await waitForGilscopeLine(/run ended: The workload was stopped after [\d.]+ s; what was recorded until then is kept\./);

    const report = await reportJson(dir);
    assert.ok(threadNames(report).includes('churn-0') && threadNames(report).includes('churn-1'), `the report lists ${JSON.stringify(threadNames(report))}`);
    assert.ok(report.wallSeconds > 0);

    const roundTrip = await medianRoundTripMs();
    assert.ok(roundTrip < RESPONSIVE_MS, `a command round trip took ${roundTrip.toFixed(0)} ms after the stop`);
    await workbench({ kind: 'screenshot', name: 'stopped-run' });
  }, { timeoutMs: 90_000 });

  it('a workload that writes 50 MiB of output over 3 s finishes, says how much was not shown, and VS Code answers throughout', async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    const { run } = await startProfiling('flood.py');
    let settled = false;
    void run.then(() => (settled = true), () => (settled = true));
    // While it floods: the workbench keeps answering (sampled, every 200 ms, until the run is over).
    const during: number[] = [];
    await waitFor('the flood run to end', async () => {
      during.push(await workbenchRoundTripMs());
      return settled;
    }, { timeoutMs: 90_000, intervalMs: 200 });
    const dir = await run;
    assert.ok(dir, 'the flood left no recording');
    assert.equal(readSessionJson(dir).exitCode, 0);
    assert.ok(during.length >= 5, `only ${during.length} round trips were timed while it ran: the flood was over too soon to tell`);
    const slow = during.filter((ms) => ms >= RESPONSIVE_MS);
    const timings = `(${during.length} round trips: ${during.map((ms) => ms.toFixed(0)).join(', ')} ms)`;
    assert.ok(slow.length <= 1, `during the flood ${slow.length} command round trips took ${RESPONSIVE_MS} ms or more ${timings}`);
    assert.ok(Math.max(...during) < ONE_PAUSE_MS, `during the flood a command round trip took ${ONE_PAUSE_MS} ms or more ${timings}`);

    const [, seconds, amount, unit] = await waitForGilscopeLine(
      /run ended: The workload finished after ([\d.]+) s\. It wrote output faster than a terminal can show; ([\d.]+) (MiB|KiB) of it was not shown\./);
    // What went by: 409,601 lines, 52,428,828 bytes, each "\n" shown as "\r\n" (the terminal's line end).
    const totalMiB = (52_428_828 + 409_601) / 1024 / 1024;
    const skippedMiB = unit === 'MiB' ? Number(amount) : Number(amount) / 1024;
    // At most 512 KiB is shown in each one-second window the run touched (outputGate.ts).
    const shownAtMostMiB = 0.5 * (Math.ceil(Number(seconds)) + 2);
    assert.ok(skippedMiB <= totalMiB + 0.05, `${skippedMiB} MiB not shown, of ${totalMiB.toFixed(2)} MiB written`);
    assert.ok(skippedMiB >= totalMiB - shownAtMostMiB - 0.05, `only ${skippedMiB} MiB not shown of ${totalMiB.toFixed(2)} MiB in ${seconds} s`);
    const shown = await waitForNotification(/of it was not shown/);
    assert.match(shown, /MiB of it was not shown/);
    await workbench({ kind: 'screenshot', name: 'flood-message' });
    await vscode.commands.executeCommand('notifications.hideList');
    assert.ok(existsSync(dir));
    const report = await reportJson(dir);
    assert.ok(threadNames(report).includes('MainThread'), `the report lists ${JSON.stringify(threadNames(report))}`);

    const roundTrip = await medianRoundTripMs();
    assert.ok(roundTrip < RESPONSIVE_MS, `a command round trip took ${roundTrip.toFixed(0)} ms after the flood`);
  }, { timeoutMs: 120_000 });
});
