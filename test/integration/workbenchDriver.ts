import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { WorkbenchAction, WorkbenchRequest, WorkbenchResponse } from './protocol';

/**
 * Runner side of the suites' workbench requests (protocol.ts): acts on the workbench page in
 * Chromium when a suite asks, and answers. One handler per action kind; every wait has a timeout.
 */
const UI_TIMEOUT_MS = 10_000;

type Handlers = { [K in WorkbenchAction['kind']]: (page: Page, action: Extract<WorkbenchAction, { kind: K }>) => Promise<string | undefined> };

export class WorkbenchDriver {
  private readonly answered = new Set<string>();

  constructor(
    private readonly page: Page,
    readonly requestsDir: string,
    private readonly artifactsDir: string,
  ) {
    mkdirSync(requestsDir, { recursive: true });
  }

  private readonly handlers: Handlers = {
    screenshot: async (page, { name }) => {
      const path = join(this.artifactsDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
      await page.screenshot({ path, timeout: 15_000 });
      return path;
    },
    showOutputChannel: async (page, { channel }) => {
      await runCommand(page, 'Output: Show Output Channels');
      await page.locator('.quick-input-widget input[placeholder*="Output Channel"]').waitFor({ timeout: UI_TIMEOUT_MS });
      await page.keyboard.type(channel);
      const row = page.locator('.quick-input-list .monaco-list-row').getByText(channel, { exact: true });
      await row.first().waitFor({ timeout: UI_TIMEOUT_MS }).catch(async () => {
        const shot = join(this.artifactsDir, 'output-channel-picker.png');
        await page.screenshot({ path: shot, timeout: 15_000 }).catch(() => undefined);
        throw new Error(`the output channel picker does not list "${channel}" (screenshot: ${shot})`);
      });
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
      return undefined;
    },
    readText: async (page, { selector, frames = 'page' }) => {
      const texts: string[] = [];
      for (const frame of frames === 'all' ? page.frames() : [page.mainFrame()]) {
        // A frame may go away meanwhile (a webview reloading): it then has no text to give.
        const found = await frame.locator(selector).allInnerTexts().catch(() => [] as string[]);
        texts.push(...found);
      }
      return JSON.stringify(texts);
    },
  };

  /** Answers every request not answered yet; called on each poll while the suite runs. */
  async serve(): Promise<void> {
    for (const file of readdirSync(this.requestsDir)) {
      if (!file.endsWith('.request.json')) continue;
      const request = JSON.parse(readFileSync(join(this.requestsDir, file), 'utf8')) as WorkbenchRequest;
      if (this.answered.has(request.id)) continue;
      this.answered.add(request.id);
      let response: WorkbenchResponse;
      try {
        const handler = this.handlers[request.action.kind] as (page: Page, action: WorkbenchAction) => Promise<string | undefined>;
        if (!handler) throw new Error(`this runner does not know the workbench action "${request.action.kind}"`);
        const detail = await handler(this.page, request.action);
        response = detail === undefined ? { ok: true } : { ok: true, detail };
      } catch (error) {
        response = { ok: false, error: error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error) };
      }
      const path = join(this.requestsDir, `${request.id}.response.json`);
      if (!existsSync(path)) {
        writeFileSync(`${path}.tmp`, JSON.stringify(response));
        renameSync(`${path}.tmp`, path);
      }
    }
  }
}

/** Runs a command by its title from the command palette (F1). */
async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('Escape'); // close any quick input left open
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').waitFor({ timeout: UI_TIMEOUT_MS });
  await page.keyboard.type(title);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: UI_TIMEOUT_MS });
  await page.keyboard.press('Enter');
}
