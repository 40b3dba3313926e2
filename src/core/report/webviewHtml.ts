import { randomBytes } from 'node:crypto';

/**
 * The one HTML builder of the webview pages, for the extension's webviews and the
 * CLI's self-contained --html file alike, so both run the same page code under the
 * same strict CSP:
 *
 *   default-src 'none'; script-src 'nonce-N'; style-src <cspSource> 'nonce-N';
 *   img-src <cspSource> data:; font-src <cspSource>
 *
 * Scripts run only by the nonce (bundled pages, and in the CLI file a bootstrap that
 * plays the host's part); no data is ever pasted into code: a webview gets its data
 * by postMessage, and the CLI file carries it in `application/json` blocks that the
 * bootstrap reads and posts to the page as the same messages the host sends.
 */
export interface WebviewHtmlOptions {
  /** The document title. */
  readonly title: string;
  /** From `newNonce()`, fresh for every page load. */
  readonly nonce: string;
  /** `webview.cspSource` in VS Code; null for a self-contained file (everything inline). */
  readonly cspSource: string | null;
  /** `webview.asWebviewUri` of the bundle(s) (dist/webview/<page>.js), in order. */
  readonly scriptUris?: readonly string[];
  /** `webview.asWebviewUri` of the style sheets (media/common.css, media/<page>.css). */
  readonly styleUris?: readonly string[];
  /** Style sheets' text, inlined under the nonce (self-contained file). */
  readonly inlineStyles?: readonly string[];
  /** Scripts' text, inlined under the nonce after `scriptUris` (self-contained file: the bundle, then the bootstrap). */
  readonly inlineScripts?: readonly string[];
  /** JSON placed in `<script type="application/json" id=…>` blocks: data, never executed. */
  readonly dataBlocks?: readonly { readonly id: string; readonly json: string }[];
  /** Escaped HTML shown in the root until the page script replaces it (e.g. a static summary). */
  readonly fallbackHtml?: string;
}

/**
 * Each page's files: its bundle in dist/webview/ and its style sheets in media/, in
 * order. The extension passes them as webview URIs; the CLI's file inlines them.
 */
export const PAGE_ASSETS = {
  report: { script: 'report.js', styles: ['common.css', 'report.css'] },
  panel: { script: 'panel.js', styles: ['common.css', 'panel.css'] },
  compare: { script: 'compare.js', styles: ['common.css', 'report.css', 'compare.css'] },
} as const;

/** Outside VS Code a page also needs the --vscode-* theme variables VS Code would give it. */
export const STANDALONE_STYLE = 'standalone.css';

/** A CSP nonce: 128 random bits. */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/** Text safe inside a <script> or <style> element: no closing tag, no comment opener. */
function rawText(text: string, tag: 'script' | 'style'): string {
  return text.replace(new RegExp(`</${tag}`, 'gi'), `<\\/${tag}`).replace(/<!--/g, '<\\!--');
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that cannot end its <script> block. */
export function jsonForHtml(json: string): string {
  return json.replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function contentSecurityPolicy(cspSource: string | null, nonce: string): string {
  const from = cspSource ? `${cspSource} ` : '';
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${from}'nonce-${nonce}'`,
    `img-src ${from}data:`,
    ...(cspSource ? [`font-src ${cspSource}`] : []),
  ].join('; ');
}

export function webviewHtml(o: WebviewHtmlOptions): string {
  const n = escapeHtml(o.nonce);
  const styles = [
    ...(o.styleUris ?? []).map((u) => `<link rel="stylesheet" nonce="${n}" href="${escapeHtml(u)}">`),
    ...(o.inlineStyles ?? []).map((s) => `<style nonce="${n}">${rawText(s, 'style')}</style>`),
  ];
  const data = (o.dataBlocks ?? []).map((d) => `<script type="application/json" id="${escapeHtml(d.id)}">${jsonForHtml(d.json)}</script>`);
  const scripts = [
    ...(o.scriptUris ?? []).map((u) => `<script nonce="${n}" src="${escapeHtml(u)}"></script>`),
    ...(o.inlineScripts ?? []).map((s) => `<script nonce="${n}">${rawText(s, 'script')}</script>`),
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(o.title)}</title>
${styles.join('\n')}
</head>
<body>
<div id="root">${o.fallbackHtml ?? ''}</div>
${data.join('\n')}
${scripts.join('\n')}
</body>
</html>
`;
}
