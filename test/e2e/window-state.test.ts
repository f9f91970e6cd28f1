/**
 * The agent window in Chromium, through the browser host, against the emulator: every path of
 * the state pickers (Idle; Busy ▾ preset; Away ▾ preset; recently used first; no reason), the
 * custom reason checked inline before anything is sent, and the controls locked with the reason
 * said while the platform rings or talks. The window AND the platform are checked each time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS } from '../../src/emulator/index';
import {
  announced,
  disabled,
  openWindow,
  platformState,
  requestsTo,
  screenshot,
  signIn,
} from '../support/agent-window';
import { missingSystem } from '../support/system';
import { waitFor } from '../support/wait';
import type { WindowApp } from '../support/agent-window';

const skip = missingSystem('chromium');
const NAME = 'agent_07';
const LOCKED = '振铃或通话中不能切换状态；通话结束后平台会自动恢复状态。';

describe.skipIf(skip)(skip ?? 'agent window: state changes (Chromium)', () => {
  let app: WindowApp;

  beforeAll(async () => {
    // A short keepalive: platform-driven states (fetching, talking) are read back within ~1 s.
    app = await openWindow({ keepaliveMs: 500, sip: true });
    await signIn(app.page, { name: NAME, num: '7007', extension: DEMO_EXTENSIONS[1]!.id });
    await announced(app.page, '在线');
  });
  afterAll(async () => {
    await app?.close();
  });

  const button = (name: string) => app.page.getByRole('button', { name, exact: true });
  const item = (name: string) => app.page.getByRole('menuitem', { name, exact: true });
  /** Opens Busy ▾ or Away ▾ and returns its menu's item names in order. */
  async function open(picker: '忙碌' | '离开'): Promise<string[]> {
    await button(picker).click();
    const menu = app.page.getByRole('menu', { name: `${picker}原因` });
    await menu.waitFor();
    return menu
      .getByRole('menuitem')
      .allTextContents()
      .then((all) => all.map((s) => s.trim()));
  }

  it('Idle (screenshot: idle)', async () => {
    await button('空闲').click();
    await platformState(app.emulator, NAME, 'idle');
    await announced(app.page, '空闲');
    // The extension registered on the demo platform's SIP side: calls can come.
    await app.page.getByRole('status').filter({ hasText: '可以接听来电' }).waitFor();
    await screenshot(app.page, 'idle');
  });

  it('Busy ▾ with a preset reason (screenshot: busy with reason)', async () => {
    expect(await open('忙碌')).toEqual(['小休', '会议', '培训', '维修单录入', '不填原因']);
    await item('会议').click();
    await platformState(app.emulator, NAME, 'busy/会议');
    await announced(app.page, '忙碌 · 会议');
    // The menu closed and the focus went back to its button.
    expect(await app.page.getByRole('menu').count()).toBe(0);
    await waitFor(
      () => button('忙碌').evaluate((el) => el === document.activeElement),
      'the focus back on 忙碌',
    );
    await screenshot(app.page, 'busy-with-reason');
  });

  it('Away ▾ with a preset reason (screenshot: away)', async () => {
    expect(await open('离开')).toEqual(['午餐', '小休', '会议', '培训', '不填原因']);
    await item('午餐').click();
    await platformState(app.emulator, NAME, 'away/午餐');
    await announced(app.page, '离开 · 午餐');
    await screenshot(app.page, 'away');
  });

  it('lists recently used reasons first, newest first, each once', async () => {
    await open('忙碌');
    await item('培训').click();
    await platformState(app.emulator, NAME, 'busy/培训');
    // Recently used: 培训, 会议; then the other presets; then no reason.
    expect(await open('忙碌')).toEqual(['培训', '会议', '小休', '维修单录入', '不填原因']);
    expect(await app.page.getByRole('menu').getByText('最近使用').isVisible()).toBe(true);
    await screenshot(app.page, 'busy-menu');
    await item('会议').click();
    await platformState(app.emulator, NAME, 'busy/会议');
    expect(await open('忙碌')).toEqual(['会议', '培训', '小休', '维修单录入', '不填原因']);
    await app.page.keyboard.press('Escape');
    expect(await app.page.getByRole('menu').count()).toBe(0);
    // Away keeps its own list.
    expect((await open('离开'))[0]).toBe('午餐');
    await item('不填原因').click();
    await platformState(app.emulator, NAME, 'away');
    await announced(app.page, '离开');
  });

  it('checks a custom reason inline and sends nothing until it is valid', async () => {
    const { page, emulator } = app;
    const sent = requestsTo(app, 'POST', NAME, 'state').length;
    await open('忙碌');
    const field = page.getByRole('textbox', { name: '自定义忙碌原因' });
    const refusals: [string, string][] = [
      ['a//b', '原因不能以 / 开头或结尾，也不能包含连续的 //（如 维修单录入/加急）。'],
      ['/x', '原因不能以 / 开头或结尾，也不能包含连续的 //（如 维修单录入/加急）。'],
      ['x/', '原因不能以 / 开头或结尾，也不能包含连续的 //（如 维修单录入/加急）。'],
      ['长'.repeat(257), '原因最长 256 个字符（当前 257 个）。'],
    ];
    for (const [reason, message] of refusals) {
      await field.fill(reason);
      await button('设为忙碌').click();
      expect(await page.getByRole('alert').filter({ hasText: message }).textContent()).toBe(
        message,
      );
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      // Still open, still away: nothing went to the platform.
      expect(await page.getByRole('menu', { name: '忙碌原因' }).isVisible()).toBe(true);
      expect(emulator.store.getAgent(NAME).data?.state).toBe('away');
    }
    expect(requestsTo(app, 'POST', NAME, 'state')).toHaveLength(sent);

    await field.fill('维修单录入/加急');
    // Typing clears the complaint.
    expect(await page.getByRole('alert').count()).toBe(0);
    await button('设为忙碌').click();
    await platformState(emulator, NAME, 'busy/维修单录入/加急');
    await announced(page, '忙碌 · 维修单录入/加急');
    expect(requestsTo(app, 'POST', NAME, 'state')).toHaveLength(sent + 1);
    // …and it is offered as recently used next time.
    expect((await open('忙碌'))[0]).toBe('维修单录入/加急');
    await page.keyboard.press('Escape');
  });

  it('locks the controls, saying why, while the platform rings or talks', async () => {
    const { page, emulator } = app;
    await button('空闲').click();
    await platformState(emulator, NAME, 'idle');
    const sent = requestsTo(app, 'POST', NAME, 'state').length;

    for (const [state, label] of [
      ['fetching', '振铃中'],
      ['talking', '通话中'],
    ] as const) {
      // The platform's routing moves the agent; the desktop learns it from its read-back.
      expect(emulator.store.forceState(NAME, state).code).toBe('000000');
      await announced(page, label);
      for (const name of ['空闲', '忙碌', '离开']) await disabled(page, 'button', name, true);
      expect(await page.getByText(LOCKED).isVisible()).toBe(true);
      // Each button names the reason as its description (what a screen reader reads out).
      const describedBy = await button('忙碌').getAttribute('aria-describedby');
      expect(await page.locator(`#${describedBy}`).textContent()).toBe(LOCKED);
      // A click on the locked menu opens nothing.
      await button('忙碌').click({ force: true });
      expect(await page.getByRole('menu').count()).toBe(0);
    }
    expect(requestsTo(app, 'POST', NAME, 'state')).toHaveLength(sent);

    // The call ends: the platform sets the agent back, and the controls unlock.
    expect(emulator.store.forceState(NAME, 'idle').code).toBe('000000');
    await announced(page, '空闲');
    for (const name of ['空闲', '忙碌', '离开']) await disabled(page, 'button', name, false);
    expect(await page.getByText(LOCKED).count()).toBe(0);
    await open('离开');
    await item('会议').click();
    await platformState(emulator, NAME, 'away/会议');
  });
  it('a state a supervisor sets on the platform is shown, said when, and kept', async () => {
    const { page, emulator } = app;
    await button('空闲').click();
    await platformState(emulator, NAME, 'idle');
    const sent = requestsTo(app, 'POST', NAME, 'state').length;
    expect(emulator.store.forceState(NAME, 'busy/培训').code).toBe('000000');
    await announced(page, '忙碌 · 培训');
    const notice = page.getByTestId('state-set-elsewhere');
    expect(await notice.textContent()).toContain('平台上的状态被改为“忙碌 · 培训”');
    // Not taken for another desktop: a few keepalive rounds on, still signed in, nothing
    // pushed back over the supervisor's choice.
    await page.waitForTimeout(1_500);
    expect(await page.getByRole('button', { name: '签出' }).isVisible()).toBe(true);
    expect(await page.getByTestId('takeover-banner').count()).toBe(0);
    expect(requestsTo(app, 'POST', NAME, 'state')).toHaveLength(sent);
    expect(emulator.store.agentStatus(NAME)?.state).toBe('busy/培训');
    // The agent chooses: the notice goes.
    await button('空闲').click();
    await platformState(emulator, NAME, 'idle');
    await notice.waitFor({ state: 'detached' });
  });
});
