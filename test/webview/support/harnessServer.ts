import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { newNonce, PAGE_ASSETS, STANDALONE_STYLE, webviewHtml } from '../../../src/core/report/webviewHtml';
import { repoRoot } from '../../support/repoRoot';

export type PageName = keyof typeof PAGE_ASSETS;
/** The body class VS Code sets for the theme's kind. */
export type ThemeClass = 'vscode-dark' | 'vscode-light' | 'vscode-high-contrast';

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };
/** Only the built pages and the styles are served, like a webview's localResourceRoots. */
const ROOTS = ['dist/webview/', 'media/'];

/**
 * Serves the pages as a VS Code webview gets them: the HTML from the one builder
 * (src/core/report/webviewHtml.ts) with the server as `cspSource`, the bundles from
 * dist/webview/ and the styles from media/, plus media/standalone.css for the theme
 * variables that VS Code would set (the body gets the theme's class).
 */
export class HarnessServer {
  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(): Promise<HarnessServer> {
    // Read once: the files a test sees cannot change (or vanish in a rebuild) while it runs.
    const files = new Map<string, Buffer>();
    for (const dir of ROOTS) {
      for (const name of readdirSync(join(repoRoot, dir))) {
        if (/\.(js|css)$/.test(name)) files.set(`${dir}${name}`, readFileSync(join(repoRoot, dir, name)));
      }
    }
    let origin = '';
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', origin);
      const page = /^\/(report|panel|compare)\.html$/.exec(url.pathname)?.[1] as PageName | undefined;
      if (page) {
        const theme = (url.searchParams.get('theme') ?? 'vscode-dark') as ThemeClass;
        const html = webviewHtml({
          title: `gilscope ${page}`,
          nonce: newNonce(),
          cspSource: origin,
          scriptUris: [`${origin}/dist/webview/${PAGE_ASSETS[page].script}`],
          styleUris: [STANDALONE_STYLE, ...PAGE_ASSETS[page].styles].map((s) => `${origin}/media/${s}`),
        }).replace('<body>', `<body class="${theme}">`);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
        return;
      }
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      const rel = normalize(decodeURIComponent(url.pathname)).replace(/^[/\\]+/, '');
      const body = files.get(rel);
      if (!body) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return new HarnessServer(server, origin);
  }

  url(page: PageName, theme: ThemeClass = 'vscode-dark'): string {
    return `${this.origin}/${page}.html?theme=${theme}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
