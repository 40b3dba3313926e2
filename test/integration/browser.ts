import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { type BrowserContext, type Page, chromium } from 'playwright-core';

/**
 * Headless Debian Chromium driven by playwright-core, with a profile folder of our own so that
 * its processes can be found (and killed) by that folder if closing it does not end them.
 * The flags keep it off the network: this machine refuses outside connections.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export class HeadlessChromium {
  private crash: string | undefined;

  private constructor(
    private readonly context: BrowserContext,
    readonly page: Page,
    private readonly profileDir: string,
  ) {}

  static async launch(executablePath: string, profileDir: string, consoleLog: string): Promise<HeadlessChromium> {
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 900 },
      timeout: 60_000,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const browser = new HeadlessChromium(context, page, profileDir);
    page.on('console', (message) => appendFileSync(consoleLog, `[${message.type()}] ${message.text()}\n`));
    page.on('pageerror', (error) => appendFileSync(consoleLog, `[pageerror] ${error.stack ?? error.message}\n`));
    page.on('crash', () => {
      browser.crash = 'the workbench page crashed';
    });
    return browser;
  }

  /** Why the page is unusable, or undefined. */
  broken(): string | undefined {
    return this.crash;
  }

  /** Saves a PNG of the page; never throws (a failed screenshot must not hide the real failure). */
  async screenshot(path: string): Promise<string | undefined> {
    try {
      await this.page.screenshot({ path, timeout: 15_000 });
      return path;
    } catch {
      return undefined;
    }
  }

  /** Closes the browser; any of its processes still there after `timeoutMs` is killed. */
  async close(timeoutMs = 10_000): Promise<void> {
    await Promise.race([this.context.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    for (const pid of processesMentioning(this.profileDir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/** Ids of the processes whose command line contains `text` (here: our unique profile folder). */
function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids.filter((pid) => pid !== process.pid);
}
