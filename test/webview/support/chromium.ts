import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { ensureCodeServer } from '../../integration/install';

/** Debian's Chromium (`apt-get install -y chromium`); GILSCOPE_CHROMIUM overrides. */
export const CHROMIUM_PATH = process.env['GILSCOPE_CHROMIUM'] || '/usr/bin/chromium';

/** Off the network and without the parts a headless test does not need. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * Launches headless Chromium, or says why it cannot (the tests that need it then fail with that
 * reason). Debian's Chromium, when missing, is installed by the integration tests' installer
 * (test/integration/setup/installCodeServer.mjs: one at a time under its lock, a no-op once done),
 * which a fresh machine's `npm test` runs anyway.
 */
export async function launchChromium(): Promise<{ browser: Browser } | { reason: string }> {
  if (!existsSync(CHROMIUM_PATH) && !process.env['GILSCOPE_CHROMIUM']) {
    const installed = await ensureCodeServer();
    if (!installed.ok) return { reason: `no Chromium at ${CHROMIUM_PATH}, and ${installed.reason}` };
  }
  if (!existsSync(CHROMIUM_PATH)) return { reason: `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set GILSCOPE_CHROMIUM)` };
  try {
    return { browser: await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 }) };
  } catch (e) {
    return { reason: `Chromium at ${CHROMIUM_PATH} did not start: ${(e as Error).message.split('\n')[0]}` };
  }
}
