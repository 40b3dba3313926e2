import type { TestContext } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium';
import { FakeHost } from './fakeHost';
import type { OpenOptions } from './fakeHost';
import { HarnessServer } from './harnessServer';
import type { PageName } from './harnessServer';

/**
 * Headless Chromium and the page server for one test file: `start()` in
 * `before`, `close()` in `after`. Without Chromium each test skips, saying why.
 */
export class PageSession {
  private browser: Browser | undefined;
  private server: HarnessServer | undefined;
  private skipReason = '';
  private readonly opened: FakeHost[] = [];

  /** Launches Chromium and the server; false (and the tests will skip) when Chromium cannot run. */
  async start(): Promise<boolean> {
    const launched = await launchChromium();
    if ('reason' in launched) {
      this.skipReason = launched.reason;
      return false;
    }
    this.browser = launched.browser;
    this.server = await HarnessServer.start();
    return true;
  }

  /** True when the test can run; else it is marked skipped. */
  need(t: TestContext): boolean {
    if (this.browser) return true;
    t.skip(this.skipReason);
    return false;
  }

  /** Opens `name` in a fake webview host, closed with the session. */
  async open(name: PageName, options: OpenOptions = {}): Promise<FakeHost> {
    const host = await FakeHost.open(this.browser!, this.server!, name, options);
    this.opened.push(host);
    return host;
  }

  async close(): Promise<void> {
    for (const h of this.opened) await h.close().catch(() => undefined);
    await this.browser?.close();
    await this.server?.close();
  }
}
