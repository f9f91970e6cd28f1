/**
 * The agent window in Chromium, through the browser host, against the emulator: signing in, and
 * the platform's refusals said in words (040201 signed in elsewhere, 040102 extension bound to
 * someone else, 040103 unknown extension typed). Every check looks at the window AND at what the
 * platform holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS } from '../../src/emulator/index';
import { PlatformClient } from '../../src/lib/platform/client';
import {
  announced,
  openWindow,
  platformAgent,
  requestsTo,
  screenshot,
  signIn,
  signOutIfSignedIn,
  submitSignIn,
} from '../support/agent-window';
import { missingSystem } from '../support/system';
import type { WindowApp } from '../support/agent-window';

const skip = missingSystem('chromium');
const [E1, E2, E3] = DEMO_EXTENSIONS.map((e) => e.id);

describe.skipIf(skip)(skip ?? 'agent window: sign-in (Chromium)', () => {
  let app: WindowApp;

  beforeAll(async () => {
    app = await openWindow();
  });
  afterAll(async () => {
    await app?.close();
  });

  /** The sign-in form's alert, once it says `text`. */
  const refusal = (text: string) =>
    app.page.getByRole('alert').filter({ hasText: text }).textContent();

  it('shows the sign-in form first (screenshot: signed out)', async () => {
    const { page } = app;
    await page.getByRole('heading', { name: '座席签入' }).waitFor();
    expect(await page.getByText('当前连接的是内置演示平台').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: '签出', exact: true }).count()).toBe(0);
    // Filled in, about to sign in.
    await page.getByRole('textbox', { name: '座席名' }).fill('agent_01');
    const picker = page.getByRole('combobox', { name: '分机', exact: true });
    await picker.selectOption(E1!);
    await screenshot(page, 'signed-out');
  });

  it('checks the name locally and sends nothing for a bad one', async () => {
    const { page } = app;
    const logins = requestsTo(app, 'POST').length;
    await submitSignIn(page, { name: 'agent 01', extension: E1! });
    const message = page.getByText('座席名须为 1–32 位字母、数字或下划线');
    await message.waitFor();
    expect(await page.getByRole('textbox', { name: '座席名' }).getAttribute('aria-invalid')).toBe(
      'true',
    );
    expect(requestsTo(app, 'POST')).toHaveLength(logins); // nothing sent
  });

  it('signs in: the window shows the state and the platform holds the agent', async () => {
    const { page, emulator } = app;
    await signIn(page, { name: 'agent_01', num: '1001', extension: E1!, initialState: '空闲' });
    await announced(page, '空闲');
    expect(await page.locator('header').getByText('agent_01').isVisible()).toBe(true);
    expect(platformAgent(emulator, 'agent_01')).toMatchObject({
      name: 'agent_01',
      num: '1001',
      extension: E1,
      state: 'idle',
    });
    await signOutIfSignedIn(page);
    expect(platformAgent(emulator, 'agent_01')).toBeNull();
    expect(await page.locator('header').getByText('agent_01').count()).toBe(0);
  });

  it('040201: the name is signed in elsewhere', async () => {
    const { page, emulator } = app;
    // Another desktop signs in as agent_02 first, over the platform's own HTTP API.
    const other = new PlatformClient({
      baseUrl: emulator.baseUrl,
      credentials: emulator.credentials,
    });
    expect((await other.login({ name: 'agent_02', extension: E2! })).ok).toBe(true);

    await submitSignIn(page, { name: 'agent_02', extension: E1! });
    expect(await refusal('该座席已在别处登录')).toBe(
      '签入失败。该座席已在别处登录。请先在另一处退出，或等待其会话过期（约 5 分钟）后再登录。',
    );
    expect(await page.getByRole('heading', { name: '座席签入' }).isVisible()).toBe(true);
    // The other login is untouched; our extension stays free.
    expect(platformAgent(emulator, 'agent_02')?.extension).toBe(E2);
    expect(emulator.store.extensionRecords().find((e) => e.id === E1)?.boundTo).toBeNull();

    // Once the other desktop signs out, the same form signs in.
    expect((await other.logout('agent_02', { force: false })).ok).toBe(true);
    await signIn(page, { name: 'agent_02', extension: E1! });
    expect(platformAgent(emulator, 'agent_02')?.extension).toBe(E1);
    await signOutIfSignedIn(page);
  });

  it('040102: the extension is bound to someone else', async () => {
    const { page, emulator } = app;
    expect((await emulator.store.login({ name: 'holder', extension: E3! })).code).toBe('000000');

    await submitSignIn(page, { name: 'agent_03', extension: E3! });
    expect(await refusal('该分机已绑定其他座席')).toBe(
      '签入失败。该分机已绑定其他座席。请选择其他分机，或请对方先退出。',
    );
    expect(platformAgent(emulator, 'agent_03')).toBeNull();
    expect(platformAgent(emulator, 'holder')?.extension).toBe(E3);
  });

  it('040103: an extension id that does not exist, typed by hand', async () => {
    const { page, emulator } = app;
    const unknown = '0123456789abcdef0123456789abcdef';
    const logins = requestsTo(app, 'POST').length;
    await submitSignIn(page, { name: 'agent_04', extension: unknown, typeExtension: true });
    expect(await refusal('分机不存在')).toBe(
      '签入失败。分机不存在。请从列表中选择分机，或核对分机 ID。',
    );
    expect(platformAgent(emulator, 'agent_04')).toBeNull();
    // Nobody is signed in: the header names no agent.
    expect(await page.locator('header').getByText('agent_04').count()).toBe(0);
    // Switched to English, the refusal is said in English.
    const language = page.getByRole('combobox', { name: '语言', exact: true });
    await language.selectOption({ label: 'English' });
    expect(await refusal('Sign-in failed.')).toBe(
      'Sign-in failed. That extension does not exist. Pick one from the list or check the extension ID.',
    );
    await page.getByRole('combobox', { name: 'Language', exact: true }).selectOption('zh-CN');
    await page.getByRole('heading', { name: '座席签入' }).waitFor();
    // One login went out and the platform refused it: no retry behind the agent's back.
    expect(requestsTo(app, 'POST')).toHaveLength(logins + 1);
  });
});
