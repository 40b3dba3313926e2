import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyzeRecording } from '../../src/core/analysis/recordingSession';
import { buildReport } from '../../src/core/report/buildReport';
import { recordingSummary } from '../../src/core/report/recordingSummary';
import type { RecordingSummary } from '../../src/protocol/webviewProtocol';
import { recordOnce } from '../support/recordWorkload';
import { repoRoot } from '../support/repoRoot';
import { PageSession } from './support/pageSession';
import { decodePng, luminance, pixel } from './support/png';

/** The profiling panel (webview/panel.ts): the workspace's recordings, chosen by mouse or keyboard. */

const RESULTS = join(repoRoot, 'test-results', 'webview');
const session = new PageSession();
let summaries: RecordingSummary[] = [];

describe('profiling panel in Chromium', { timeout: 120_000 }, () => {
  before(async () => {
    if (!(await session.start())) return;
    const recorded = await recordOnce('lock_convoy');
    const report = buildReport(analyzeRecording(recorded.dir));
    const saved = JSON.parse(readFileSync(join(recorded.dir, 'session.json'), 'utf8')) as { startedAt?: number };
    const real = recordingSummary(report, { id: recorded.dir, startedAtSeconds: saved.startedAt ?? null });
    // A second, still running, started an hour earlier.
    const live: RecordingSummary = { ...real, id: `${recorded.dir}-live`, label: 'server.py', state: 'recording', startedAtMs: Date.now() - 3600e3, topLock: null, warnings: ['still running'] };
    summaries = [real, live];
    mkdirSync(RESULTS, { recursive: true });
  });

  after(async () => {
    await session.close();
  });

  it('lists each recording with its command, time, top thread and lock, and interpreter', async () => {
    session.need();
    const host = await session.open('panel', { viewport: { width: 700, height: 320 } });
    await host.send({ type: 'recordings/list', recordings: summaries, selectedId: summaries[0]!.id });
    const items = host.page.getByRole('option');
    await items.first().waitFor();
    assert.equal(await items.count(), 2);
    const first = await items.first().innerText();
    assert.match(first, /lock_convoy\.py/);
    assert.match(first, /just now|min ago/);
    assert.match(first, /convoy-\d waited \d+\.\d% of its life, mostly for a lock/);
    assert.match(first, /shared_lock: .* waited/);
    assert.match(first, /CPython 3\.\d+\.\d+/);
    assert.equal(await items.first().getAttribute('aria-selected'), 'true');
    assert.match((await items.first().getAttribute('title')) ?? '', /lock_convoy\.py/);
    const second = await items.nth(1).innerText();
    assert.match(second, /Recording/);
    assert.match(second, /1 h ago/);
    assert.match(second, /No lock contention/);
    const png = await host.page.screenshot({ path: join(RESULTS, 'panel-dark.png') });
    assert.ok(luminance(pixel(decodePng(png), 690, 310)) < 0.05, 'dark background');
    assert.deepEqual(host.errors, []);
  });

  it('chooses a recording with the mouse or the keyboard', async () => {
    session.need();
    const host = await session.open('panel', { theme: 'vscode-light' });
    await host.send({ type: 'recordings/list', recordings: summaries, selectedId: null });
    await host.page.getByRole('option').first().waitFor();
    // Keyboard: Tab into the list, arrows move, Enter chooses.
    await host.page.keyboard.press('Tab');
    await host.page.keyboard.press('ArrowDown');
    await host.page.keyboard.press('ArrowDown');
    await host.page.keyboard.press('ArrowUp');
    await host.page.keyboard.press('End');
    await host.page.keyboard.press('Enter');
    assert.deepEqual((await host.posted()).pop(), { type: 'recordings/select', id: summaries[1]!.id });
    assert.equal(await host.page.getByRole('option').nth(1).getAttribute('aria-selected'), 'true');
    await host.page.keyboard.press('Home');
    await host.page.keyboard.press(' ');
    assert.deepEqual((await host.posted()).pop(), { type: 'recordings/select', id: summaries[0]!.id });
    // Mouse.
    await host.page.getByRole('option').nth(1).click();
    assert.deepEqual((await host.posted()).pop(), { type: 'recordings/select', id: summaries[1]!.id });
    await host.page.screenshot({ path: join(RESULTS, 'panel-light.png') });
  });

  it('with no recordings, offers to record', async () => {
    session.need();
    const host = await session.open('panel');
    await host.send({ type: 'recordings/list', recordings: [], selectedId: null });
    const record = host.page.getByRole('button', { name: /Record a Python program/ });
    await record.click();
    assert.deepEqual((await host.posted()).pop(), { type: 'recordings/record' });
    assert.match(await host.page.locator('.empty').innerText(), /No recordings in this workspace yet/);
  });
});
