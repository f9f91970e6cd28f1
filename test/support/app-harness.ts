/**
 * The whole app without Electron: the emulator, the real core, the browser host and the real
 * renderer in Debian's Chromium (playwright-core). Every end-to-end test starts from here.
 */
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { createDesktopCore } from '../../src/main/core/create-core';
import { MemorySecretStore } from '../../src/lib/ports';
import { startBrowserHost } from '../../src/dev-host/browser-host';
import { startEmulator } from '../../src/emulator/index';
import { CHROMIUM_ARGS, SYSTEM } from './system';
import type { Browser, Page } from 'playwright-core';
import type { Core, CoreOptions } from '../../src/main/core/create-core';
import type { BrowserHost } from '../../src/dev-host/browser-host';
import type { RunningEmulator } from '../../src/emulator/index';

export { CHROMIUM_ARGS };

export interface App {
  emulator: RunningEmulator;
  core: Core;
  host: BrowserHost;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

export interface AppOptions extends Partial<CoreOptions> {
  keepaliveTimeoutSec?: number;
  locale?: string;
}

/** Starts everything on loopback and opens the window's page. */
export async function startApp(options: AppOptions = {}): Promise<App> {
  const emulator = await startEmulator({
    port: 0,
    auth: 'generate',
    keepaliveTimeoutSec: options.keepaliveTimeoutSec ?? 300,
  });
  const core = await createDesktopCore({
    secrets: new MemorySecretStore(),
    settingsFile: null,
    startEmbedded: async () => ({ emulator, sipWsUrl: null, close: async () => undefined }),
    ...options,
  });
  const host = await startBrowserHost({ core, rendererDir: resolve('out/renderer') });
  const browser = await chromium.launch({ executablePath: SYSTEM.chromium, args: CHROMIUM_ARGS });
  const context = await browser.newContext({
    locale: options.locale ?? 'zh-CN',
    viewport: { width: 1100, height: 760 },
  });
  const page = await context.newPage();
  await page.goto(host.url);
  return {
    emulator,
    core,
    host,
    browser,
    page,
    async close() {
      await browser.close().catch(() => undefined);
      await core.shutdown(1000);
      await host.close();
      await emulator.close();
    },
  };
}
