import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from './chromium';
import { FakeHost } from './fakeHost';
import type { OpenOptions } from './fakeHost';
import { HarnessServer } from './harnessServer';
import type { PageName } from './harnessServer';

/**
 * Headless Chromium and the page server for one test file: `start()` in
 * `before`, `close()` in `after`. Without Chromium each test that needs it
 * fails, saying why: the pages are part of what gilscope promises, and a
 * skipped page test would pass a run that never looked at them.
 */
export class PageSession {
  private browser: Browser | undefined;
  private server: HarnessServer | undefined;
  private reason = 'Chromium was not launched (PageSession.start() in before)';
  private readonly opened: FakeHost[] = [];

  /** Launches Chromium and the server; false (and the tests that need them fail) when Chromium cannot run. */
  async start(): Promise<boolean> {
    const launched = await launchChromium();
    if ('reason' in launched) {
      this.reason = launched.reason;
      return false;
    }
    this.browser = launched.browser;
    this.server = await HarnessServer.start();
    return true;
  }

  /** Chromium, for a test that opens its own pages; fails the test with the reason there is none. */
  need(): Browser {
    if (!this.browser) assert.fail(this.reason);
    return this.browser;
  }

  /** Opens `name` in a fake webview host, closed with the session. */
  async open(name: PageName, options: OpenOptions = {}): Promise<FakeHost> {
    const host = await FakeHost.open(this.need(), this.server!, name, options);
    this.opened.push(host);
    return host;
  }

  async close(): Promise<void> {
    for (const h of this.opened) await h.close().catch(() => undefined);
    await this.browser?.close();
    await this.server?.close();
  }
}
