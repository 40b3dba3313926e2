import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { REPORT_FILE_BLOCKS } from '../../src/protocol/webviewProtocol';
import { gilscope } from '../support/gilscopeCli';
import { tempDir } from '../support/recordingFixtures';
import { recordOnce } from '../support/recordWorkload';
import type { Recorded } from '../support/recordWorkload';
import { repoRoot } from '../support/repoRoot';
import { heatmapPixels } from './support/canvasPixels';
import { PageSession } from './support/pageSession';
import type { PageGlobals } from './support/pageGlobals';

/**
 * `gilscope report DIR --html OUT` (dist/cli.js): one self-contained file that runs
 * the same report page as the webview under a strict CSP, opened from disk in
 * Chromium: no CSP violation, no error, the same content.
 */

const RESULTS = join(repoRoot, 'test-results', 'webview');
const session = new PageSession();
let recorded: Recorded;
let file = '';

/** Opens the file with the system's colour scheme; collects console errors and CSP violations. */
async function openFile(scheme: 'dark' | 'light'): Promise<{ page: Page; errors: string[]; violations: () => Promise<string[]> }> {
  const context = await session.need().newContext({ viewport: { width: 1280, height: 900 }, colorScheme: scheme, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(e.stack ?? e.message));
  await page.addInitScript(() => {
    const g = globalThis as unknown as PageGlobals;
    g.__csp = [];
    g.document.addEventListener('securitypolicyviolation', (e: { violatedDirective: string; blockedURI: string }) => g.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => ((globalThis as unknown as PageGlobals).gilscopeMetrics?.firstPaintMs ?? -1) >= 0, undefined, { timeout: 15_000 });
  return { page, errors, violations: () => page.evaluate(() => (globalThis as unknown as PageGlobals).__csp) };
}

describe('the CLI --html report in Chromium', { timeout: 180_000 }, () => {
  before(async () => {
    recorded = await recordOnce('lock_convoy');
    file = join(tempDir('gilscope-html-'), 'report.html');
    const cli = await gilscope(['report', recorded.dir, '--html', file]);
    assert.equal(cli.code, 0, cli.stderr);
    await session.start();
    mkdirSync(RESULTS, { recursive: true });
  });

  after(async () => {
    await session.close();
  });

  it('is one file whose scripts all carry the nonce, with the data in JSON blocks', () => {
    const html = readFileSync(file, 'utf8');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]?.replace(/&#39;/g, "'");
    assert.ok(csp, 'a CSP');
    assert.match(csp, /default-src 'none'/);
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce, 'scripts by nonce');
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!);
    for (const attrs of scripts) {
      assert.ok(attrs.includes(`nonce="${nonce}"`) || attrs.includes('type="application/json"'), `script ${attrs}`);
    }
    assert.equal(scripts.filter((a) => a.includes('nonce')).length, 2, 'the page bundle and its bootstrap');
    assert.doesNotMatch(html, /<script[^>]*\bsrc=/, 'nothing loaded from elsewhere');
    assert.match(html, new RegExp(`<script type="application/json" id="${REPORT_FILE_BLOCKS.report}">\\{"schemaVersion":1`));
    assert.match(html, new RegExp(`<script type="application/json" id="${REPORT_FILE_BLOCKS.message}">\\{"type":"report/show"`));
  });

  it('opens with no CSP violation or error and shows the report', async () => {
    session.need();
    const { page, errors, violations } = await openFile('dark');
    assert.deepEqual(await violations(), []);
    assert.deepEqual(errors, []);
    const threads = await page.locator('#threads table').innerText();
    for (const name of ['MainThread', 'convoy-0', 'convoy-1', 'convoy-2', 'convoy-3']) assert.match(threads, new RegExp(`\\b${name}\\b`));
    assert.match(await page.locator('#locks table').innerText(), /\bshared_lock\b/);
    assert.equal(await page.locator('.report-title').innerText(), 'lock_convoy.py');
    const px = await heatmapPixels(page, 'threads');
    assert.ok(px.labels.includes('convoy-0'));
    const row = px.rows[px.labels.indexOf('convoy-0')]!;
    assert.ok(new Set(row.map((p) => p.join())).size > 2, 'the heatmap is drawn');
    await page.screenshot({ path: join(RESULTS, 'html-report-dark.png'), fullPage: true });
    await page.context().close();
  });

  it('zooms from the file alone, and a cell offers its line as a vscode:// link', async () => {
    session.need();
    const { page, errors, violations } = await openFile('light');
    assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.body.classList.contains('vscode-light')), true);
    const canvas = page.locator('.heatmap-threads canvas.heatmap-canvas');
    await canvas.focus();
    const wall = await page.evaluate(() => (globalThis as unknown as PageGlobals).gilscopeMetrics!.window.end);
    await page.keyboard.press('+');
    await page.waitForFunction((w) => {
      const m = (globalThis as unknown as PageGlobals).gilscopeMetrics!.window;
      return m.end - m.start < w * 0.7;
    }, wall);
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    const labels = await page.locator('.heatmap-threads .heatmap-label').allInnerTexts();
    await page.mouse.click(box.x + box.width / 2, box.y + labels.indexOf('convoy-1') * 16 + 8);
    const link = page.locator('.file-toast a');
    await link.waitFor();
    assert.match((await link.getAttribute('href')) ?? '', /^vscode:\/\/file\/.*lock_convoy\.py:\d+$/);
    assert.deepEqual(await violations(), []);
    assert.deepEqual(errors, []);
    await page.screenshot({ path: join(RESULTS, 'html-report-light.png') });
    await page.context().close();
  });
});
