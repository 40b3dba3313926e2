import { REPORT_FILE_BLOCKS } from '../../protocol/webviewProtocol';
import type { HeatmapPair, ReportShowMessage } from '../../protocol/webviewProtocol';
import type { Report } from './schema';
import { escapeHtml, newNonce, webviewHtml } from './webviewHtml';

/** The webview code and styles the self-contained file inlines (read from dist/webview/ and media/). */
export interface HtmlReportAssets {
  /** dist/webview/report.js: the report page, the same bundle the extension's webview loads. */
  readonly pageScript: string;
  /** dist/webview/reportFile.js: plays the host's part in the file (theme, then `report/show`). */
  readonly hostScript: string;
  /** media/standalone.css (the --vscode-* theme a webview gets from VS Code), media/common.css, media/report.css. */
  readonly styles: readonly string[];
}

export interface HtmlReportOptions {
  /** Without assets (an unbuilt checkout) the file holds the static summary alone. */
  readonly assets?: HtmlReportAssets;
  /** The whole-recording heatmaps (overviewHeatmaps, at more columns than a webview's: the file cannot ask for more). */
  readonly heatmaps?: HeatmapPair;
  /** Shown as the recording's id: the directory the report was made from. */
  readonly recordingId?: string;
}

/**
 * A self-contained HTML report: the report page's webview code, run exactly as in
 * VS Code. The report (`gilscope-report`) and the rest of the `report/show` message
 * (`gilscope-message`) travel as JSON data blocks; the bootstrap posts them to the page.
 */
export function htmlReport(report: Report, options: HtmlReportOptions = {}): string {
  const { assets, heatmaps } = options;
  const rest: Omit<ReportShowMessage, 'report'> | undefined = heatmaps && {
    type: 'report/show',
    recordingId: options.recordingId ?? 'report',
    heatmaps,
    live: false,
    heatmapRequests: false,
  };
  return webviewHtml({
    title: `gilscope report${report.command ? ` — ${report.command.join(' ')}` : ''}`,
    nonce: newNonce(),
    cspSource: null,
    inlineStyles: assets?.styles ?? [FALLBACK_STYLE],
    inlineScripts: assets && rest ? [assets.pageScript, assets.hostScript] : [],
    dataBlocks: [{ id: REPORT_FILE_BLOCKS.report, json: JSON.stringify(report) }, ...(rest ? [{ id: REPORT_FILE_BLOCKS.message, json: JSON.stringify(rest) }] : [])],
    fallbackHtml: staticSummary(report),
  });
}

const FALLBACK_STYLE = 'body{font:13px system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse}td,th{padding:2px 8px;text-align:right}td:first-child,th:first-child{text-align:left}';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** What the file shows before (or without) its scripts. */
function staticSummary(r: Report): string {
  const parts = [`<h1>gilscope report</h1><p>${escapeHtml(r.python.implementation)} ${escapeHtml(r.python.version)}, ${r.wallSeconds.toFixed(3)} s</p>`];
  for (const w of r.warnings) parts.push(`<p><strong>warning:</strong> ${escapeHtml(w)}</p>`);
  for (const p of r.processes) {
    parts.push(`<h2>Process ${p.pid} ${escapeHtml(p.argv.join(' '))}</h2><table><tr><th>thread</th><th>held</th><th>wait</th><th>released</th><th>lock wait (s)</th></tr>`);
    for (const t of p.threads) {
      parts.push(`<tr><td>${escapeHtml(t.name)}</td><td>${pct(t.gilShares.held)}</td><td>${pct(t.gilShares.wait)}</td><td>${pct(t.gilShares.released)}</td><td>${t.lockWaitSeconds.toFixed(4)}</td></tr>`);
    }
    parts.push('</table>');
  }
  return parts.join('\n');
}
