/**
 * The agent window in Chromium, through the browser host, against the emulator: signing out
 * during a call (the force question, cancel, confirm), switching the language to English at run
 * time, and the platform going away and coming back (the banner, a choice made meanwhile that
 * reaches the platform on its return). The window AND the platform are checked each time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS } from '../../src/emulator/index';
import {
  announced,
  openWindow,
  platformAgent,
  platformState,
  requestsTo,
  screenshot,
  signIn,
} from '../support/agent-window';
import { missingSystem } from '../support/system';
import { waitFor } from '../support/wait';
import type { WindowApp } from '../support/agent-window';

const skip = missingSystem('chromium');
const EXT = DEMO_EXTENSIONS[3]!.id;

describe.skipIf(skip)(skip ?? 'agent window: session (Chromium)', () => {
  let app: WindowApp;

  beforeAll(async () => {
    // A short keepalive: read-backs and the platform's absence are noticed within ~1 s.
    app = await openWindow({ keepaliveMs: 500, sip: true });
  });
  afterAll(async () => {
    await app?.close();
  });

  const button = (name: string) => app.page.getByRole('button', { name, exact: true });
  const language = (name: '语言' | 'Language', option: '中文' | 'English') =>
    app.page.getByRole('combobox', { name, exact: true }).selectOption({ label: option });

  it('signing out in a call asks first; cancel keeps the call, confirm forces', async () => {
    const { page, emulator } = app;
    await signIn(page, { name: 'agent_11', extension: EXT, initialState: '空闲' });
    // A call reaches the agent: the platform says talking, the desktop reads it back.
    expect(emulator.store.forceState('agent_11', 'talking').code).toBe('000000');
    await announced(page, '通话中');

    await button('签出').click();
    const dialog = page.getByRole('alertdialog', { name: '正在通话中' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('强制签出会挂断当前通话。是否强制签出？');
    // The safe choice holds the focus; nothing was sent yet.
    expect(await button('取消').evaluate((el) => el === document.activeElement)).toBe(true);
    expect(requestsTo(app, 'DELETE', 'agent_11')).toEqual([]);

    await button('取消').click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByRole('heading', { name: '当前状态' }).isVisible()).toBe(true);
    expect(platformAgent(emulator, 'agent_11')?.state).toBe('talking');

    await button('签出').click();
    await dialog.waitFor();
    await button('强制签出并挂断').click();
    await page.getByRole('heading', { name: '座席签入' }).waitFor();
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    // The platform ended the call and forgot the agent; its extension is free again.
    expect(platformAgent(emulator, 'agent_11')).toBeNull();
    expect(requestsTo(app, 'DELETE', 'agent_11')).toHaveLength(1);
    expect(emulator.store.extensionRecords().find((e) => e.id === EXT)?.boundTo).toBeNull();
  });

  it('switches to English at run time, and back', async () => {
    const { page, emulator, core } = app;
    await page.getByRole('heading', { name: '座席签入' }).waitFor();
    await language('语言', 'English');
    await page.getByRole('heading', { name: 'Agent sign-in' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await waitFor(() => core.settings().language === 'en', 'the language setting saved');

    await page.getByRole('textbox', { name: 'Agent name' }).fill('agent_12');
    await page.getByRole('combobox', { name: 'Extension', exact: true }).selectOption(EXT);
    await page.getByRole('combobox', { name: 'State after sign-in' }).selectOption('online');
    await button('Sign in').click();
    await page.getByRole('heading', { name: 'Current state' }).waitFor();
    await announced(page, 'Online', 'Current state: ');
    await button('Busy').click();
    await page.getByRole('menu', { name: 'Busy reasons' }).waitFor();
    expect(await page.getByRole('menuitem', { name: 'No reason' }).isVisible()).toBe(true);
    await page.getByRole('menuitem', { name: '会议' }).click();
    await platformState(emulator, 'agent_12', 'busy/会议');
    await announced(page, 'Busy · 会议', 'Current state: ');
    expect(await page.getByRole('navigation', { name: 'Main navigation' }).textContent()).toMatch(
      /Status\s*History\s*Team\s*Skills & extension\s*Settings/,
    );

    await language('Language', '中文');
    await page.getByRole('heading', { name: '当前状态' }).waitFor();
    await announced(page, '忙碌 · 会议');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await waitFor(() => core.settings().language === 'zh-CN', 'the language setting saved');
  });

  it('says when the platform is unreachable, and recovers when it is back', async () => {
    const { page, emulator } = app;
    // Healthy but busy: the headline says why no call comes (not "ready to take calls").
    await page.getByRole('status').filter({ hasText: '平台不会分配来电：当前为忙碌' }).waitFor();
    const { port } = emulator;
    await emulator.close();

    const banner = page.getByRole('alert').filter({ hasText: '无法连接平台，正在自动重试。' });
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(
      /^无法连接平台，正在自动重试。下次重试：\d{2}:\d{2}:\d{2}。$/,
    );
    await page.getByRole('status').filter({ hasText: '暂不能接听：平台无法连接' }).waitFor();
    // The last state the platform acknowledged stays on screen.
    await announced(page, '忙碌 · 会议');
    await screenshot(page, 'platform-unreachable');

    // A choice made meanwhile is not taken yet, says so, and is kept for when the platform is
    // back (the banner names it in words).
    await button('空闲').click();
    await page.getByRole('status').filter({ hasText: '平台尚未接受，正在自动重试。' }).waitFor();
    await page.getByRole('status').filter({ hasText: '平台尚未接受“空闲”' }).waitFor();

    await language('语言', 'English');
    const english = page
      .getByRole('alert')
      .filter({ hasText: 'Cannot reach the platform. Retrying automatically' });
    await english.waitFor();
    await page.getByText('Cannot take calls: the platform is unreachable').waitFor();
    // The change still waiting is said again in the new language.
    const failedChange = page
      .getByRole('status')
      .filter({ hasText: 'Not taken yet — retrying automatically.' });
    await failedChange.waitFor();
    // At the documentation's 1000 px, in English on the demo platform, an everyday name is
    // shown whole in the header (only a long one gives way, window-header.test.ts).
    const name = page.getByRole('banner').getByText('agent_12', { exact: true });
    expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await screenshot(page, 'platform-unreachable-en');

    // The platform comes back on the same address, still holding the agent.
    await new Promise<void>((resolve, reject) => {
      emulator.server.once('error', reject);
      emulator.server.listen(port, '127.0.0.1', () => {
        emulator.server.off('error', reject);
        resolve();
      });
    });
    await english.waitFor({ state: 'detached' });
    await page.getByText('Platform: OK').waitFor();
    // The agent's choice reached the platform, and the window shows it.
    await platformState(emulator, 'agent_12', 'idle');
    await announced(page, 'Idle', 'Current state: ');
    // …so it no longer waits.
    await failedChange.waitFor({ state: 'detached' });
    await language('Language', '中文');
    await button('签出').click();
    await page.getByRole('heading', { name: '座席签入' }).waitFor();
    expect(platformAgent(emulator, 'agent_12')).toBeNull();
  });
});
