import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { analyzeRecording } from '../../src/core/analysis/recordingSession';
import { buildReport } from '../../src/core/report/buildReport';
import { overviewHeatmaps } from '../../src/core/report/heatmapMessage';
import type { ReportShowMessage } from '../../src/protocol/webviewProtocol';
import { sampledMachine } from '../support/machineScenario';
import { ms, writeRecording } from '../support/recordingFixtures';
import { RecordingWriter } from '../support/recordingWriter';
import { sampledDegraded } from '../support/unknownScenario';
import { heatmapPixels, nearest, themeColours } from './support/canvasPixels';
import type { Rgb } from './support/canvasPixels';
import { PageSession } from './support/pageSession';
import { FakeHost } from './support/fakeHost';
import type { PageGlobals } from './support/pageGlobals';

/**
 * The report page's thread table shows each thread's wait for a CPU (format
 * version 2's CPU samples) beside its GIL wait, and the page says when an
 * attached recording began: synthetic recordings (test/support/machineScenario.ts)
 * through a fake webview host in headless Chromium.
 */

const session = new PageSession();

function showMessage(dir: string): ReportShowMessage {
  const analysis = analyzeRecording(dir);
  return { type: 'report/show', recordingId: dir, report: buildReport(analysis, 'gilscope', 2), heatmaps: overviewHeatmaps(analysis), live: false, heatmapRequests: false };
}

async function show(message: ReportShowMessage): Promise<FakeHost> {
  const host = await session.open('report');
  await host.send(message);
  await host.page.waitForFunction(() => (globalThis as unknown as PageGlobals).gilscopeMetrics!.firstPaintMs >= 0, undefined, { timeout: 15_000 });
  return host;
}

describe('report page: CPU wait and attached recordings', { timeout: 120_000 }, () => {
  before(async () => {
    if (!(await session.start())) return;
  });

  after(async () => {
    await session.close();
  });

  it('the thread table has a CPU wait column beside GIL wait, with the share of the thread\'s life', async () => {
    session.need();
    const host = await show(showMessage(writeRecording([sampledMachine()])));
    const table = host.page.locator('#threads table');
    const headers = await table.locator('th').allInnerTexts();
    const at = headers.findIndex((h) => /GIL wait/.test(h));
    assert.match(headers[at + 1] ?? '', /CPU wait/, JSON.stringify(headers));
    const row = await table.locator('tr', { hasText: 'thread 2' }).locator('td').allInnerTexts();
    assert.equal(row[at + 1], '24 ms (20.0%)', JSON.stringify(row));
    assert.match((await host.page.locator('.warnings').innerText()), /the machine was busy: other programs used 1\.4 of 2 CPUs/);
    assert.doesNotMatch(await table.innerText(), /gilscope-sampler/);
    // an exact recording of a GIL build: no key for states it cannot have
    assert.doesNotMatch(await host.page.locator('.timeline').innerText(), /Unknown \(sampled\)|Stopped by the world/);
    assert.deepEqual(host.errors, []);
  });

  it('a sampled thread whose state could not be known has it in an Unknown column, not in Released', async () => {
    session.need();
    const host = await show(showMessage(sampledDegraded()));
    const table = host.page.locator('#threads table');
    const headers = await table.locator('th').allInnerTexts();
    const unknown = headers.findIndex((h) => /^Unknown/.test(h));
    const released = headers.findIndex((h) => /^Released/.test(h));
    assert.ok(unknown > released && released >= 0, JSON.stringify(headers));
    // worker: unknown 0-6 and 10-14 ms, released 14-18 ms, of an 18 ms life (test/support/unknownScenario.ts)
    const row = await table.locator('tr', { hasText: 'worker' }).locator('td').allInnerTexts();
    assert.equal(row[unknown], '10 ms (55.6%)', JSON.stringify(row));
    assert.equal(row[released], '4 ms (22.2%)', JSON.stringify(row));
    const cell = table.locator('tr', { hasText: 'worker' }).locator('td').nth(unknown);
    assert.match((await cell.getAttribute('title')) ?? '', /could not read this interpreter’s GIL/);
    // The timeline draws the unknown time in its own grey, not in the released tint.
    const px = await heatmapPixels(host.page, 'threads');
    const c = await themeColours(host.page, ['editor-background', 'foreground']);
    const tint = (k: number): Rgb => [0, 1, 2].map((i) => c['editor-background']![i]! + (c['foreground']![i]! - c['editor-background']![i]!) * k) as unknown as Rgb;
    const palette = { released: tint(0.14), unknown: tint(0.6) };
    const worker = px.rows[px.labels.indexOf('worker')]!;
    // 20 ms across the canvas: 3 and 12 ms unknown, 16 ms released
    const at = (msAt: number): string => nearest(worker[Math.floor((msAt / 20) * px.width)]!, palette);
    assert.deepEqual([at(3), at(12), at(16)], ['unknown', 'unknown', 'released']);
    assert.match(await host.page.locator('.timeline').innerText(), /Unknown \(sampled\)/);
    assert.deepEqual(host.errors, []);
  });

  it('an attached recording says when recording began; an older recording shows no CPU wait figures', async () => {
    session.need();
    const w = new RecordingWriter({ formatVersion: 2, attachNs: 0 });
    w.thread(1).start(0, 1, true).gilAcquire(0, 0, true).gilRelease(ms(10)).end(ms(20));
    w.end(1, 0, ms(20));
    const host = await show(showMessage(writeRecording([w])));
    assert.match(await host.page.locator('.report-meta').innerText(), /attached at 0/);
    const old = new RecordingWriter();
    old.thread(1).start(0, 1, true).gilAcquire(0, 0, true).gilRelease(ms(10)).end(ms(20));
    old.end(1, 0, ms(20));
    const page = (await show(showMessage(writeRecording([old])))).page;
    const row = await page.locator('#threads table tr', { hasText: 'MainThread' }).locator('td').allInnerTexts();
    assert.ok(row.includes('–'), JSON.stringify(row));
    assert.doesNotMatch(await page.locator('.report-meta').innerText(), /attached/);
  });
});
