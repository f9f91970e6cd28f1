import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { ERROR_TEXT } from '../../src/shared/domain/errors';
import { FakeApi, fail, signedOutSnapshot } from './fake-api';
import { click, getByLabel, getByRole, queryByRole, textIn, type } from './queries';
import { mountApp } from './setup';
import type { ErrorCode, Language } from '../../src/shared/domain/errors';

async function fill(name: string, extension = 'ext1') {
  await type(getByRole('textbox', { name: '座席名' }), name);
  await type(getByRole('combobox', { name: '分机' }), extension);
}

describe('sign-in', () => {
  it('refuses a bad agent name locally, with the rule said, and sends nothing', async () => {
    const { api } = await mountApp();
    for (const bad of ['', 'agent-01', 'a'.repeat(33), '座席']) {
      await fill(bad);
      await click(getByRole('button', { name: '签入' }));
      expect(textIn()).toContain('座席名须为 1–32 位字母、数字或下划线');
      expect(getByRole('textbox', { name: '座席名' }).getAttribute('aria-invalid')).toBe('true');
    }
    expect(api.callsOf('signIn')).toEqual([]);
  });

  it('requires an extension', async () => {
    const { api } = await mountApp();
    await type(getByRole('textbox', { name: '座席名' }), 'agent_01');
    await click(getByRole('button', { name: '签入' }));
    expect(textIn()).toContain('请选择或输入分机。');
    expect(api.callsOf('signIn')).toEqual([]);
  });

  it('sends a good profile, with the initial state and reason', async () => {
    const { api } = await mountApp();
    await fill('agent_01', 'ext2');
    await type(getByRole('textbox', { name: '工号（可选）' }), '1001');
    await type(getByRole('combobox', { name: '签入后状态' }), 'busy');
    await type(getByRole('combobox', { name: '原因（可选）' }), '维修单录入/加急');
    await click(getByRole('button', { name: '签入' }));
    expect(api.callsOf('signIn')).toEqual([
      [{ name: 'agent_01', num: '1001', extension: 'ext2', initialState: 'busy/维修单录入/加急' }],
    ]);
    // Signed in: the status screen replaces the form.
    expect(getByRole('button', { name: '空闲' })).toBeTruthy();
  });

  it('refuses a bad initial reason locally', async () => {
    const { api } = await mountApp();
    await fill('agent_01');
    await type(getByRole('combobox', { name: '签入后状态' }), 'away');
    await type(getByRole('combobox', { name: '原因（可选）' }), 'a//b');
    await click(getByRole('button', { name: '签入' }));
    expect(textIn()).toContain('原因不能以 / 开头或结尾');
    expect(api.callsOf('signIn')).toEqual([]);
  });

  it('lets the agent type an extension id that is not in the list', async () => {
    const { api } = await mountApp();
    await type(getByRole('textbox', { name: '座席名' }), 'agent_01');
    await type(getByRole('combobox', { name: '分机' }), '\u0000manual');
    await type(getByRole('textbox', { name: '分机 ID' }), 'abc123');
    await click(getByRole('button', { name: '签入' }));
    expect(api.callsOf('signIn')[0]?.[0]).toMatchObject({ extension: 'abc123' });
  });

  it('offers the extension list from listExtensions(1, 100)', async () => {
    const { api } = await mountApp();
    expect(api.callsOf('listExtensions')).toEqual([[1, 100]]);
    const select = getByRole('combobox', { name: '分机' }) as HTMLSelectElement;
    expect(Array.from(select.options).map((o) => o.value)).toEqual([
      '',
      'ext1',
      'ext2',
      '\u0000manual',
    ]);
  });

  it('remembers the last profile (non-secret fields only)', async () => {
    const first = await mountApp();
    await fill('agent_07', 'ext2');
    await click(getByRole('button', { name: '签入' }));
    first.wrapper.unmount();
    expect(JSON.parse(localStorage.getItem('agentDesktop.lastProfile')!)).toEqual({
      name: 'agent_07',
      extension: 'ext2',
      initialState: 'online',
    });
    await mountApp();
    expect((getByRole('textbox', { name: '座席名' }) as HTMLInputElement).value).toBe('agent_07');
    expect((getByRole('combobox', { name: '分机' }) as HTMLSelectElement).value).toBe('ext2');
  });

  it('says which start states receive calls', async () => {
    await mountApp();
    const select = getByRole('combobox', { name: '签入后状态' });
    const hint = () => document.getElementById(select.getAttribute('aria-describedby')!)!;
    expect(hint().textContent).toContain('在线不会收到来电');
    expect(hint().textContent).toContain('只有空闲会收到来电');
    await type(select, 'idle');
    expect(hint().textContent).toContain('空闲：签入后即可收到来电');
  });

  it("remembers the agent's last start state", async () => {
    const first = await mountApp();
    await fill('agent_07', 'ext2');
    await type(getByRole('combobox', { name: '签入后状态' }), 'idle');
    await click(getByRole('button', { name: '签入' }));
    first.wrapper.unmount();
    await mountApp();
    expect((getByRole('combobox', { name: '签入后状态' }) as HTMLSelectElement).value).toBe('idle');
  });

  it('marks extensions already bound to other agents', async () => {
    const api = new FakeApi();
    api.agents = [
      { name: 'agent_02', num: null, state: 'idle', extension: 'ext2', skills: [] },
      { name: 'agent_01', num: null, state: 'idle', extension: 'ext1', skills: [] },
    ];
    await mountApp(api);
    await flushPromises();
    await type(getByRole('textbox', { name: '座席名' }), 'agent_01');
    const select = getByRole('combobox', { name: '分机' }) as HTMLSelectElement;
    const text = (value: string) =>
      Array.from(select.options).find((o) => o.value === value)?.textContent ?? '';
    expect(text('ext2')).toContain('已绑定座席 agent_02');
    // Bound to the agent signing in: not someone else's.
    expect(text('ext1')).not.toContain('已绑定');
  });

  it('marks an extension taken since the form opened, when the agent comes to the list', async () => {
    const api = new FakeApi();
    api.agents = [];
    await mountApp(api);
    await flushPromises();
    const select = getByRole('combobox', { name: '分机' }) as HTMLSelectElement;
    const text = (value: string) =>
      Array.from(select.options).find((o) => o.value === value)?.textContent ?? '';
    expect(text('ext2')).not.toContain('已绑定');
    // A colleague signs in on ext2 while this form stays open.
    api.agents = [{ name: 'agent_02', num: null, state: 'idle', extension: 'ext2', skills: [] }];
    select.dispatchEvent(new FocusEvent('focus'));
    await flushPromises();
    expect(text('ext2')).toContain('已绑定座席 agent_02');
  });

  it('marks the demo platform visibly', async () => {
    await mountApp();
    expect(textIn(getByRole('banner'))).toContain('演示平台');
  });

  const cases: [ErrorCode, Language, string][] = [];
  for (const code of ['040201', '040102', '040103', 'auth-failed'] as const) {
    cases.push([code, 'zh-CN', ERROR_TEXT[code]['zh-CN']]);
    cases.push([code, 'en', ERROR_TEXT[code].en]);
  }
  /** Signs in through the form, main refusing with `code`; what the form then says. */
  async function refusedWith(code: ErrorCode, language: Language): Promise<string> {
    const api = new FakeApi();
    api.handlers.signIn = () => Promise.resolve(fail(code, 'raw'));
    await mountApp(api, { language });
    const zh = language === 'zh-CN';
    await type(getByRole('textbox', { name: zh ? '座席名' : 'Agent name' }), 'agent_01');
    await type(getByRole('combobox', { name: zh ? '分机' : 'Extension' }), 'ext1');
    await click(getByRole('button', { name: zh ? '签入' : 'Sign in' }));
    return getByRole('alert').textContent!;
  }

  it.each(cases)(
    'shows %s in %s as a sentence with what to do',
    async (code, language, sentence) => {
      expect(await refusedWith(code, language)).toContain(sentence);
    },
  );

  // Nothing signs in again for the agent after a failed attempt: no "the app will retry".
  it.each([
    ['transport', 'zh-CN', '签入失败。无法连接平台。请检查网络后重试。'],
    [
      'transport',
      'en',
      'Sign-in failed. Cannot reach the platform. Check the network and try again.',
    ],
    ['timeout', 'zh-CN', '签入失败。平台响应超时。请稍后重试。'],
    ['http-error', 'en', 'answered with an error (HTTP). Try again shortly; if this persists'],
    ['malformed-reply', 'zh-CN', '平台返回了无法识别的响应。请稍后重试'],
  ] as const)(
    'a sign-in that could not get through (%s, %s) asks the agent to try again',
    async (code, language, sentence) => {
      const said = await refusedWith(code, language);
      expect(said).toContain(sentence);
      expect(said).not.toMatch(/自动|by itself|will retry/);
    },
  );

  it('shows why a session ended (e.g. signed in elsewhere) on the sign-in screen', async () => {
    const api = new FakeApi();
    api.snapshot = signedOutSnapshot({ lastError: { code: '040201', message: '座席已经登录' } });
    await mountApp(api);
    expect(textIn()).toContain(ERROR_TEXT['040201']['zh-CN']);
    expect(queryByRole('button', { name: '签出' })).toBeNull();
    expect(getByLabel('座席名')).toBeTruthy();
  });
});
