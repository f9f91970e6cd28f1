import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { FakeApi, fail, signedInSnapshot } from './fake-api';
import {
  click,
  getByRole,
  key,
  queryAllByRole,
  queryByRole,
  submit,
  textIn,
  type,
} from './queries';
import { mountApp } from './setup';

async function signedIn(patch: Parameters<typeof signedInSnapshot>[0] = {}) {
  const api = new FakeApi();
  api.snapshot = signedInSnapshot(patch);
  return mountApp(api);
}
const menuItems = () => queryAllByRole('menuitem').map((e) => e.textContent?.trim());

describe('state controls', () => {
  it('Idle sets idle', async () => {
    const { api } = await signedIn({ state: 'busy' });
    await click(getByRole('button', { name: '空闲' }));
    expect(api.callsOf('setState')).toEqual([['idle']]);
  });

  it('shows the state as words and icon, with its reason and time in state', async () => {
    await signedIn({ state: 'busy/小休', stateSince: Date.now() - 65_000 });
    const status = getByRole('heading', { name: '当前状态' }).parentElement!;
    expect(textIn(status)).toContain('忙碌');
    expect(textIn(status)).toContain('小休');
    expect(textIn(status)).toMatch(/01:0[5-6]/);
    expect(status.querySelector('[aria-live="polite"]')?.textContent).toContain(
      '当前状态：忙碌 · 小休',
    );
  });

  it("names the app's own hold in words, not as sent (a locked screen: 离开 · 锁屏)", async () => {
    await signedIn({ state: 'away/system/lock', hold: { reason: 'lock', since: Date.now() } });
    const status = getByRole('heading', { name: '当前状态' }).parentElement!;
    expect(textIn(status)).toContain('离开');
    expect(textIn(status)).toContain('锁屏');
    expect(textIn(status)).not.toContain('system/');
    expect(status.querySelector('[aria-live="polite"]')?.textContent).toContain(
      '当前状态：离开 · 锁屏',
    );
  });

  it('a long reason gives way: the badge cuts it short and keeps all of it in its title', async () => {
    const reason = '维修单录入'.repeat(51);
    await signedIn({ state: `busy/${reason}` });
    const status = getByRole('heading', { name: '当前状态' }).parentElement!;
    const shown = status.querySelector(`[title="${reason}"]`);
    // The element the stylesheet cuts short (… at its max-width); all of it is still read out.
    expect(shown?.classList.contains('reason')).toBe(true);
    expect(shown?.textContent).toContain(reason);
  });

  it('a long recent reason is one menu item, its whole text in the title', async () => {
    const long = 'a'.repeat(200);
    await signedIn({ recentReasons: { busy: [long], away: [] } });
    await click(getByRole('button', { name: '忙碌' }));
    const item = getByRole('menuitem', { name: long });
    expect(item.getAttribute('title')).toBe(long);
  });

  it('Busy ▾ offers recent reasons first, then presets, then no reason', async () => {
    const { api } = await signedIn({ recentReasons: { busy: ['培训', '其他/加急'], away: [] } });
    const busy = getByRole('button', { name: '忙碌' });
    expect(busy.getAttribute('aria-haspopup')).toBe('menu');
    await click(busy);
    expect(busy.getAttribute('aria-expanded')).toBe('true');
    expect(menuItems()).toEqual(['培训', '其他/加急', '小休', '会议', '维修单录入', '不填原因']);
    await click(getByRole('menuitem', { name: '会议' }));
    expect(api.callsOf('setState')).toEqual([['busy/会议']]);
    expect(queryByRole('menu')).toBeNull();
  });

  it('offers the same recent reasons as the tray: at most 5, valid ones only', async () => {
    const recent = ['a//b', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6'];
    await signedIn({ recentReasons: { busy: recent, away: [] } });
    await click(getByRole('button', { name: '忙碌' }));
    expect(menuItems()).toEqual([
      'r1',
      'r2',
      'r3',
      'r4',
      'r5',
      '小休',
      '会议',
      '培训',
      '维修单录入',
      '不填原因',
    ]);
  });

  it('locks the state choices during a call the platform did not route', async () => {
    // A call straight to the extension: the platform still says idle, but the tray locks its
    // state choices, and so must the window.
    const call = {
      id: 'c1',
      caller: '13800000000',
      phase: 'talking' as const,
      ringingSince: 0,
      talkingSince: 0,
      muted: false,
    };
    await signedIn({ state: 'idle', call });
    expect(getByRole('button', { name: '空闲' }).hasAttribute('disabled')).toBe(true);
    expect(getByRole('button', { name: '忙碌' }).hasAttribute('disabled')).toBe(true);
  });

  it('Busy with no reason sets plain busy', async () => {
    const { api } = await signedIn();
    await click(getByRole('button', { name: '忙碌' }));
    await click(getByRole('menuitem', { name: '不填原因' }));
    expect(api.callsOf('setState')).toEqual([['busy']]);
  });

  it('Away ▾ preset', async () => {
    const { api } = await signedIn();
    await click(getByRole('button', { name: '离开' }));
    expect(menuItems()).toEqual(['午餐', '小休', '会议', '培训', '不填原因']);
    await click(getByRole('menuitem', { name: '午餐' }));
    expect(api.callsOf('setState')).toEqual([['away/午餐']]);
  });

  it('accepts a custom reason with levels', async () => {
    const { api } = await signedIn();
    await click(getByRole('button', { name: '忙碌' }));
    const field = getByRole('textbox', { name: '自定义忙碌原因' });
    await type(field, '维修单录入/加急');
    await click(getByRole('button', { name: '设为忙碌' }));
    expect(api.callsOf('setState')).toEqual([['busy/维修单录入/加急']]);
  });

  it.each([
    ['a//b', '不能以 / 开头或结尾，也不能包含连续的 //'],
    ['/x', '不能以 / 开头或结尾'],
    ['x/', '不能以 / 开头或结尾'],
    ['长'.repeat(257), '原因最长 256 个字符（当前 257 个）'],
    ['', '请填写原因'],
    // The platform would take it, then refuse every later change as if in a call (040203).
    ['talking-to-supervisor', '原因不能包含 talking 或 fetching'],
  ])('refuses the custom reason %j inline and sends nothing', async (reason, sentence) => {
    const { api } = await signedIn();
    await click(getByRole('button', { name: '离开' }));
    const field = getByRole('textbox', { name: '自定义离开原因' });
    await type(field, reason);
    await submit(field.closest('form')!);
    expect(getByRole('alert').textContent).toContain(sentence);
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(api.callsOf('setState')).toEqual([]);
  });

  it('Enter in the custom field submits (a real form)', async () => {
    await signedIn();
    await click(getByRole('button', { name: '忙碌' }));
    const field = getByRole('textbox', { name: '自定义忙碌原因' });
    expect(field.closest('form')).not.toBeNull();
    expect(getByRole('button', { name: '设为忙碌' }).getAttribute('type')).toBe('submit');
  });

  it('is keyboard-operable: arrows move, Escape closes and returns focus', async () => {
    await signedIn();
    const busy = getByRole('button', { name: '忙碌' });
    busy.focus();
    await key(busy, 'ArrowDown');
    expect(document.activeElement?.textContent?.trim()).toBe('小休');
    await key(document.activeElement as HTMLElement, 'ArrowDown');
    expect(document.activeElement?.textContent?.trim()).toBe('会议');
    await key(document.activeElement as HTMLElement, 'ArrowUp');
    await key(document.activeElement as HTMLElement, 'ArrowUp');
    expect(document.activeElement?.textContent?.trim()).toBe('不填原因');
    await key(document.activeElement as HTMLElement, 'Escape');
    expect(queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(busy);
  });

  it('a click outside the open menu closes it (also on blank space)', async () => {
    await signedIn();
    const busy = getByRole('button', { name: '忙碌' });
    await click(busy);
    expect(queryByRole('menu')).not.toBeNull();
    // Inside the menu: stays open.
    getByRole('menuitem', { name: '小休' }).dispatchEvent(
      new PointerEvent('pointerdown', { bubbles: true }),
    );
    await flushPromises();
    expect(queryByRole('menu')).not.toBeNull();
    document.body.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
    await flushPromises();
    expect(queryByRole('menu')).toBeNull();
    expect(busy.getAttribute('aria-expanded')).toBe('false');
    // Nothing focusable was clicked: the keyboard's place is the Busy button again.
    await new Promise((r) => setTimeout(r));
    expect(document.activeElement).toBe(busy);
  });

  it('Escape closes the open menu with the focus on the page, then lets Escape be', async () => {
    await signedIn();
    const away = getByRole('button', { name: '离开' });
    await click(away);
    (document.activeElement as HTMLElement).blur();
    expect(document.activeElement).toBe(document.body);
    await key(document.body, 'Escape');
    expect(queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(away);
    // Closed, the picker no longer listens: Escape elsewhere leaves the focus where it is.
    const language = getByRole('combobox', { name: '语言' });
    language.focus();
    await key(language, 'Escape');
    expect(document.activeElement).toBe(language);
  });

  it.each(['fetching', 'talking', 'talking/外呼'])(
    'disables every state change while %s, and says why',
    async (state) => {
      await signedIn({ state });
      const why = '振铃或通话中不能切换状态；通话结束后平台会自动恢复状态。';
      for (const name of ['空闲', '忙碌', '离开']) {
        const button = getByRole('button', { name }) as HTMLButtonElement;
        expect(button.disabled).toBe(true);
        const described = document.getElementById(button.getAttribute('aria-describedby')!);
        expect(described?.textContent).toBe(why);
      }
      expect(textIn()).toContain(why);
    },
  );

  it('re-enables the controls when a push says the call ended', async () => {
    const { api } = await signedIn({ state: 'talking' });
    api.push(signedInSnapshot({ state: 'idle' }));
    await Promise.resolve();
    await new Promise((r) => setTimeout(r));
    expect((getByRole('button', { name: '空闲' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('explains the lock while the session is being restored', async () => {
    await signedIn({ phase: 'restoring' });
    expect((getByRole('button', { name: '空闲' }) as HTMLButtonElement).disabled).toBe(true);
    expect(textIn()).toContain('正在恢复会话，完成后即可切换状态。');
  });

  /**
   * Signed in busy; choosing 空闲 meets a platform out of reach: main keeps the choice
   * (pendingState) and says it failed. Returns the API and the state controls.
   */
  async function keptChange() {
    const api = new FakeApi();
    api.snapshot = signedInSnapshot({ state: 'busy/会议' });
    api.handlers.setState = (state) => {
      api.push({ ...api.snapshot, pendingState: state });
      return Promise.resolve(fail('transport'));
    };
    await mountApp(api);
    await click(getByRole('button', { name: '空闲' }));
    return { api, controls: getByRole('heading', { name: '切换状态' }).parentElement! };
  }

  it('a change main keeps retrying reads "not taken yet", not "failed"', async () => {
    const { api, controls } = await keptChange();
    expect(textIn(controls)).toContain('平台尚未接受，正在自动重试。');
    expect(textIn(controls)).not.toContain('切换失败');
    expect(queryByRole('alert', {}, controls)).toBeNull();
    // Main gives up without the state moving: the banners say why, the line here goes.
    api.push({ ...api.snapshot, pendingState: null });
    await flushPromises();
    expect(textIn(controls)).not.toContain('正在自动重试');
    expect(textIn(controls)).not.toContain('切换失败');
  });

  it('a kept change is not said to be retried once the platform refuses the credentials', async () => {
    const { api, controls } = await keptChange();
    expect(textIn(controls)).toContain('正在自动重试');
    // The next keepalive is answered 401: main keeps the choice, but no retry can succeed.
    const refused = { code: 'auth-failed' as const, message: 'HTTP 401' };
    api.push({
      ...api.snapshot,
      platform: { ...api.snapshot.platform, health: 'auth-failed', lastError: refused },
      lastError: refused,
    });
    await flushPromises();
    expect(textIn(controls)).not.toContain('正在自动重试');
    expect(textIn(controls)).not.toContain('切换失败');
  });

  it('shows a refused change as the platform sentence', async () => {
    const api = new FakeApi();
    api.snapshot = signedInSnapshot();
    api.handlers.setState = () => Promise.resolve(fail('040203', '座席正忙'));
    await mountApp(api);
    await click(getByRole('button', { name: '空闲' }));
    // What failed, then the platform's sentence (Chinese joins sentences without a space).
    expect(getByRole('alert').textContent?.trim()).toBe(
      '切换失败。座席正在通话或振铃中，无法执行该操作。',
    );
  });
});
