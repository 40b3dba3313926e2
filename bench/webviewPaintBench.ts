/**
 * The report page's paint benchmark (built and driven by bench/webviewPaint.mjs):
 *   node out/bench/webviewPaintBench.js DIR [repeats]
 * Analyses the recording in DIR, then in headless Chromium (Debian's, as the browser
 * tests use) shows it on the report page R times, timing the first paint with the
 * Performance API, and pans and zooms it by keyboard, timing each redraw. Prints one
 * JSON line.
 */
import { analyzeRecording } from '../src/core/analysis/recordingSession';
import { buildReport } from '../src/core/report/buildReport';
import { heatmapData, overviewHeatmaps } from '../src/core/report/heatmapMessage';
import type { ReportShowMessage } from '../src/protocol/webviewProtocol';
import { launchChromium } from '../test/webview/support/chromium';
import { FakeHost } from '../test/webview/support/fakeHost';
import { HarnessServer } from '../test/webview/support/harnessServer';
import type { PageGlobals } from '../test/webview/support/pageGlobals';

const STEPS = ['+', '+', '+', 'ArrowRight', 'ArrowRight', '+', '+', 'ArrowLeft', '-', 'ArrowRight', '+', '+', '+', 'ArrowLeft', '-', '-', 'ArrowRight', '-', 'Home', '+'];

async function main(): Promise<void> {
  const [dir, repeatsText] = process.argv.slice(2);
  if (!dir) throw new Error('usage: webviewPaintBench DIR [repeats]');
  const repeats = Number(repeatsText ?? 5);
  const t0 = performance.now();
  const analysis = analyzeRecording(dir);
  const report = buildReport(analysis);
  const analyseMs = performance.now() - t0;
  const t1 = performance.now();
  const show: ReportShowMessage = { type: 'report/show', recordingId: dir, report, heatmaps: overviewHeatmaps(analysis), live: false, heatmapRequests: true };
  const messageMs = performance.now() - t1;
  const messageBytes = JSON.stringify(show).length;
  const launched = await launchChromium();
  if ('reason' in launched) throw new Error(launched.reason);
  const server = await HarnessServer.start();
  const answerMs: number[] = [];
  const firstPaint: number[] = [];
  const postToPaint: number[] = [];
  const redraw: number[] = [];
  const steps: Record<string, number>[] = [];
  try {
    for (let r = 0; r < repeats; r++) {
      const host = await FakeHost.open(launched.browser, server, 'report', {
        viewport: { width: 1600, height: 1000 },
        answer: (m) => {
          if (m.type !== 'heatmap/request') return undefined;
          const a = performance.now();
          const data = heatmapData(analysis, m.kind, { startSeconds: m.startSeconds, endSeconds: m.endSeconds, columns: m.columns });
          answerMs.push(performance.now() - a);
          return { type: 'heatmap/data', requestId: m.requestId, data };
        },
      });
      // The message is in the page before the clock starts; posting it is what the host does.
      await host.page.evaluate((m) => ((globalThis as unknown as { __show: unknown }).__show = m), show);
      const posted = await host.page.evaluate(() => {
        const g = globalThis as unknown as PageGlobals & { __show: unknown; performance: { now(): number } };
        const at = g.performance.now();
        g.postMessage(g.__show, '*');
        return at;
      });
      await host.page.waitForFunction(() => (globalThis as unknown as PageGlobals).gilscopeMetrics!.firstPaintMs >= 0, undefined, { timeout: 60_000 });
      const m = await host.page.evaluate(() => (globalThis as unknown as PageGlobals).gilscopeMetrics!);
      firstPaint.push(m.firstPaintMs);
      postToPaint.push(m.firstPaintAt - posted);
      await host.page.locator('.heatmap-threads canvas.heatmap-canvas').focus();
      for (const key of STEPS) {
        const before = (await host.page.evaluate(() => (globalThis as unknown as PageGlobals).gilscopeMetrics!.redraws)) as number;
        await host.page.keyboard.press(key);
        await host.page.waitForFunction((n) => (globalThis as unknown as PageGlobals).gilscopeMetrics!.redraws > n, before);
        const m2 = await host.page.evaluate(() => (globalThis as unknown as PageGlobals).gilscopeMetrics! as unknown as { lastRedrawMs: number; lastSteps: Record<string, number> });
        redraw.push(m2.lastRedrawMs);
        steps.push(m2.lastSteps);
        // Let the host's answer for the window arrive, as a user pausing would.
        await host.page.waitForTimeout(80);
      }
      await host.close();
    }
  } finally {
    await launched.browser.close();
    await server.close();
  }
  const browserVersion = launched.browser.version();
  process.stdout.write(
    `${JSON.stringify({
      records: analysis.records,
      threads: report.processes.reduce((n, p) => n + p.threads.length, 0),
      wallSeconds: report.wallSeconds,
      analyseMs,
      messageMs,
      messageBytes,
      browser: browserVersion,
      firstPaintMs: firstPaint,
      postToPaintMs: postToPaint,
      redrawMs: redraw,
      redrawSteps: steps,
      answerMs,
    })}\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
