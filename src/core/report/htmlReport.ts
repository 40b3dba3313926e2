import { randomBytes } from 'node:crypto';
import type { Report } from './schema';

/**
 * A self-contained HTML report: the JSON report embedded as data (never as
 * code), the webview bundle (dist/webview/report.js) inlined under a strict
 * CSP when the caller passes it, and a static summary for when scripts are
 * off. The interactive page is the webview's job; this module only packs.
 */
export function htmlReport(report: Report, webviewBundle: string | undefined): string {
  const nonce = randomBytes(16).toString('base64');
  const data = JSON.stringify(report).replace(/</g, '\\u003c');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; img-src data:`;
  const script = webviewBundle ? `<script nonce="${nonce}">${webviewBundle.replace(/<\/script/gi, '<\\/script')}</script>` : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>gilscope report</title>
<style>body{font:13px system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse}td,th{padding:2px 8px;text-align:right}td:first-child,th:first-child{text-align:left}</style>
</head><body>
<div id="root">${staticSummary(report)}</div>
<script type="application/json" id="gilscope-report">${data}</script>
${script}
</body></html>
`;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function staticSummary(r: Report): string {
  const parts = [`<h1>gilscope report</h1><p>${esc(r.python.implementation)} ${esc(r.python.version)}, ${r.wallSeconds.toFixed(3)} s</p>`];
  for (const w of r.warnings) parts.push(`<p><strong>warning:</strong> ${esc(w)}</p>`);
  for (const p of r.processes) {
    parts.push(`<h2>Process ${p.pid} ${esc(p.argv.join(' '))}</h2><table><tr><th>thread</th><th>held</th><th>wait</th><th>released</th><th>lock wait (s)</th></tr>`);
    for (const t of p.threads) {
      parts.push(`<tr><td>${esc(t.name)}</td><td>${pct(t.gilShares.held)}</td><td>${pct(t.gilShares.wait)}</td><td>${pct(t.gilShares.released)}</td><td>${t.lockWaitSeconds.toFixed(4)}</td></tr>`);
    }
    parts.push('</table>');
  }
  return parts.join('\n');
}
