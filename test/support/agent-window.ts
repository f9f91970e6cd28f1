/**
 * Helpers for the agent window's end-to-end tests (test/e2e/window-*.test.ts): open the whole app
 * once per file, sign in through the real form, read what the platform holds, record what was
 * sent to it, and write screenshots of the main states to test-results/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { attachEmbeddedSip } from '../../src/emulator/sip/embedded';
import { silentLogger } from '../../src/lib/ports';
import { startApp } from './app-harness';
import { waitFor } from './wait';
import type { App, AppOptions } from './app-harness';
import type { AgentWire, RunningEmulator } from '../../src/emulator/index';
import type { Page } from 'playwright-core';

/** Where screenshots land (gitignored); the good ones are copied to docs/screenshots/. */
export const SCREENSHOT_DIR = resolve('test-results/screenshots');

/** Bounded wait for anything the window or the platform should show (ms). */
export const SEEN_WITHIN = 5_000;

export interface WindowApp extends App {
  /** `METHOD /path` of every request the platform received, in order (query left off). */
  requests: string[];
}

export interface WindowOptions extends AppOptions {
  /**
   * Also serve SIP over WebSocket on the emulator (its embedded registrar) and point the
   * desktop's SIP line at it, as the real app's demo platform does: the agent's extension
   * registers after sign-in and the readiness light can say "ready to take calls".
   */
  sip?: boolean;
}

/**
 * Starts the app at the documentation's viewport (1000×700) with short waits, and records every
 * request the emulator receives so a test can say "nothing was sent".
 */
export async function openWindow(options: WindowOptions = {}): Promise<WindowApp> {
  const { sip: withSip, ...appOptions } = options;
  const app = await startApp(appOptions);
  const requests: string[] = [];
  app.emulator.server.on('request', (req: { method?: string; url?: string }) => {
    const path = decodeURIComponent((req.url ?? '').split('?')[0] ?? '');
    requests.push(`${req.method ?? '?'} ${path}`);
  });
  const closeApp = app.close.bind(app);
  // The emulator's close() runs once; a test that brought its server back closes it here.
  const close = async () => {
    await closeApp();
    const { server } = app.emulator;
    if (server.listening) {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    }
  };
  app.close = close;
  if (withSip) {
    const { emulator, core } = app;
    const sip = attachEmbeddedSip(emulator.server, emulator.store, {
      domain: core.settings().sipDomain,
      logger: silentLogger,
    });
    const sipWsUrl = `ws://127.0.0.1:${emulator.port}${sip.wsPath}`;
    const updated = await core.dispatch('settings:update', { sipWsUrl });
    if (!updated.ok) throw new Error(`cannot point the SIP line at ${sipWsUrl}`);
    app.close = async () => {
      await close();
      await sip.close();
    };
  }
  app.page.setDefaultTimeout(SEEN_WITHIN);
  await app.page.setViewportSize({ width: 1000, height: 700 });
  return Object.assign(app, { requests });
}

/**
 * Recorded requests of `method` to the agents collection (`name` omitted: logins and team
 * pages) or to one agent, optionally its sub-resource (e.g. `state`).
 */
export function requestsTo(app: WindowApp, method: string, name?: string, sub?: string): string[] {
  const suffix = `/callcenter/agent${name ? `/${name}` : ''}${sub ? `/${sub}` : ''}`;
  return app.requests.filter((r) => r.startsWith(`${method} `) && r.endsWith(suffix));
}

export interface SignInFields {
  name: string;
  /** Extension id chosen from the list, or typed when `typeExtension` is set. */
  extension: string;
  typeExtension?: boolean;
  num?: string;
  /** Label of the "state after sign-in" option (default 在线). */
  initialState?: string;
}

/** Fills the sign-in form as an agent would and presses 签入 (does not wait for the outcome). */
export async function submitSignIn(page: Page, fields: SignInFields): Promise<void> {
  await page.getByRole('heading', { name: '座席签入' }).waitFor();
  await page.getByRole('textbox', { name: '座席名' }).fill(fields.name);
  await page.getByRole('textbox', { name: '工号（可选）' }).fill(fields.num ?? '');
  const picker = page.getByRole('combobox', { name: '分机', exact: true });
  // The list loads from the platform first; the picker is disabled until then.
  await waitFor(async () => !(await picker.isDisabled()), 'the extension list');
  if (fields.typeExtension) {
    await picker.selectOption({ label: '手动输入分机 ID…' });
    await page.getByRole('textbox', { name: '分机 ID' }).fill(fields.extension);
  } else {
    await picker.selectOption(fields.extension);
  }
  await page
    .getByRole('combobox', { name: '签入后状态' })
    .selectOption({ label: fields.initialState ?? '在线' });
  await page.getByRole('button', { name: '签入', exact: true }).click();
}

/** Signs in through the form and waits until the status screen shows. */
export async function signIn(page: Page, fields: SignInFields): Promise<void> {
  await submitSignIn(page, fields);
  await page.getByRole('heading', { name: '当前状态' }).waitFor();
}

/** Signs out through the header when signed in (no call), and waits for the form. */
export async function signOutIfSignedIn(page: Page): Promise<void> {
  const button = page.getByRole('button', { name: '签出', exact: true });
  if (await button.isVisible()) {
    await button.click();
    await page.getByRole('heading', { name: '座席签入' }).waitFor();
  }
}

/** The agent as the platform holds it, or null when the platform does not know the name. */
export function platformAgent(emulator: RunningEmulator, name: string): AgentWire | null {
  const result = emulator.store.getAgent(name);
  return result.code === '000000' ? result.data : null;
}

/** Waits until the platform holds `state` for the agent; returns the agent. */
export async function platformState(
  emulator: RunningEmulator,
  name: string,
  state: string,
): Promise<AgentWire> {
  return waitFor(
    () => {
      const agent = platformAgent(emulator, name);
      return agent?.state === state ? agent : null;
    },
    `the platform to hold ${name} as ${state} (has ${platformAgent(emulator, name)?.state})`,
    SEEN_WITHIN,
  );
}

/** How the window's polite live region begins a state it announces (zh-CN `status.announce`). */
export const ANNOUNCED_STATE = '当前状态：';

/** Waits until the status screen's live region announces exactly `label` (e.g. 忙碌 · 会议). */
export async function announced(
  page: Page,
  label: string,
  prefix = ANNOUNCED_STATE,
): Promise<void> {
  const text = `${prefix}${label}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await page.locator('[aria-live="polite"]', { hasText: new RegExp(`^\\s*${text}\\s*$`) }).waitFor({
    state: 'attached',
  });
}

/** Waits until a control is disabled (true) or enabled (false). */
export async function disabled(
  page: Page,
  role: 'button',
  name: string,
  expected: boolean,
): Promise<void> {
  const control = page.getByRole(role, { name, exact: true });
  await waitFor(
    async () => (await control.isDisabled()) === expected,
    `${role} ${name} ${expected ? 'disabled' : 'enabled'}`,
  );
}

/** Writes test-results/screenshots/<name>.png of the window as it is now. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  return path;
}
