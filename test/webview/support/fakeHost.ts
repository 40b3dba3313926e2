import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { HostToPageMessage, PageToHostMessage } from '../../../src/protocol/webviewProtocol';
import type { HarnessServer, PageName, ThemeClass } from './harnessServer';
import type { PageGlobals } from './pageGlobals';

export interface OpenOptions {
  readonly theme?: ThemeClass;
  /** What `vscode.getState()` returns, as if VS Code recreated the page. */
  readonly state?: unknown;
  /** The host's answer to a page's message (e.g. `heatmap/data` for `heatmap/request`). */
  readonly answer?: (message: PageToHostMessage) => HostToPageMessage | undefined;
  readonly viewport?: { readonly width: number; readonly height: number };
}


/**
 * A page in a fake webview: `acquireVsCodeApi` (once per page, as in VS Code) records
 * what the page posts and keeps its state; the test posts host messages with `send`,
 * and `answer` replies to the page's requests through a binding to Node.
 */
export class FakeHost {
  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly errors: string[],
  ) {}

  static async open(browser: Browser, server: HarnessServer, name: PageName, options: OpenOptions = {}): Promise<FakeHost> {
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.stack ?? e.message));
    await page.exposeBinding('gilscopeHost', async (_source, message: PageToHostMessage) => {
      const reply = options.answer?.(message);
      if (reply) await page.evaluate((m) => (globalThis as unknown as PageGlobals).postMessage(m, '*'), reply);
    });
    await page.addInitScript((state: unknown) => {
      const window = globalThis as unknown as PageGlobals;
      window.__posted = [];
      window.__state = state;
      window.__csp = [];
      window.document.addEventListener('securitypolicyviolation', (e: { violatedDirective: string; blockedURI: string }) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
      let acquired = false;
      window.acquireVsCodeApi = () => {
        if (acquired) throw new Error('acquireVsCodeApi may be called only once');
        acquired = true;
        return {
          postMessage: (m: PageToHostMessage): void => {
            window.__posted.push(m);
            void window.gilscopeHost?.(m);
          },
          getState: () => window.__state,
          setState: (s: unknown) => {
            window.__state = s;
          },
        };
      };
    }, options.state ?? null);
    await page.goto(server.url(name, options.theme));
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).__posted.some((m) => m.type === 'ready'), undefined, { timeout: 15_000 }).catch((e: Error) => {
      throw new Error(`the ${name} page never posted ready: ${e.message}; page errors: ${JSON.stringify(errors)}`);
    });
    return new FakeHost(context, page, errors);
  }

  send(message: HostToPageMessage): Promise<void> {
    return this.page.evaluate((m) => (globalThis as unknown as PageGlobals).postMessage(m, '*'), message);
  }

  posted(): Promise<PageToHostMessage[]> {
    return this.page.evaluate(() => (globalThis as unknown as PageGlobals).__posted);
  }

  state(): Promise<unknown> {
    return this.page.evaluate(() => (globalThis as unknown as PageGlobals).__state);
  }

  cspViolations(): Promise<string[]> {
    return this.page.evaluate(() => (globalThis as unknown as PageGlobals).__csp);
  }

  close(): Promise<void> {
    return this.context.close();
  }
}
