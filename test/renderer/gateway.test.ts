/**
 * The window in gateway and direct mode (issue 12): the sign-in form asks for the agent's
 * password only in gateway mode and never remembers it; a lapsed token brings up a sign-in-again
 * prompt over a session that carries on; direct mode is marked as holding the account key.
 */
import { describe, expect, it } from 'vitest';
import { FakeApi, fail, signedInSnapshot, signedOutSnapshot } from './fake-api';
import { click, getByRole, queryByRole, textIn, type } from './queries';
import { mountApp } from './setup';

const gatewayOut = signedOutSnapshot({ access: { mode: 'gateway', signInNeeded: false } });

describe('gateway mode in the window', () => {
  it('asks for the password, sends it once with the profile and does not keep it', async () => {
    const api = new FakeApi();
    api.snapshot = gatewayOut;
    await mountApp(api, { language: 'en' });
    await type(getByRole('textbox', { name: 'Agent name' }), 'alice');
    await type(getByRole('combobox', { name: 'Extension' }), 'ext1');
    await click(getByRole('button', { name: 'Sign in' }));
    expect(textIn()).toContain('Enter your password.');
    expect(api.callsOf('signIn')).toEqual([]);
    const password = document.querySelector<HTMLInputElement>('#sign-in-password')!;
    expect(password.type).toBe('password');
    await type(password, 'secret-pw-1');
    await click(getByRole('button', { name: 'Sign in' }));
    expect(api.callsOf('signIn')).toEqual([
      [{ name: 'alice', extension: 'ext1', initialState: 'online', password: 'secret-pw-1' }],
    ]);
    expect(JSON.stringify(localStorage)).not.toContain('secret-pw-1');
  });

  it('after a wrong password: says so once, clears the field and puts the keyboard there', async () => {
    const api = new FakeApi();
    api.snapshot = gatewayOut;
    api.handlers.signIn = async () =>
      fail('wrong-password', 'wrong agent name or password (GW0401)');
    await mountApp(api, { language: 'en' });
    await type(getByRole('textbox', { name: 'Agent name' }), 'alice');
    await type(getByRole('combobox', { name: 'Extension' }), 'ext1');
    const password = document.querySelector<HTMLInputElement>('#sign-in-password')!;
    await type(password, 'typo-pw');
    await click(getByRole('button', { name: 'Sign in' }));
    expect(textIn()).toContain('Sign-in failed. Wrong agent name or password.');
    // Emptied for the next attempt, not marked as a field left empty.
    expect(password.value).toBe('');
    expect(password.getAttribute('aria-invalid')).toBeNull();
    expect(textIn()).not.toContain('Enter your password.');
    expect(document.activeElement).toBe(password);
    // Sign in pressed with it empty: now it is one.
    await click(getByRole('button', { name: 'Sign in' }));
    expect(textIn()).toContain('Enter your password.');
    expect(api.callsOf('signIn')).toHaveLength(1);
  });

  it('has no password field in direct mode, and marks that this desktop holds the account key', async () => {
    const api = new FakeApi();
    api.snapshot = signedOutSnapshot({ access: { mode: 'direct', signInNeeded: false } });
    await mountApp(api, { language: 'en' });
    expect(document.querySelector('#sign-in-password')).toBeNull();
    expect(textIn()).toContain('this desktop holds the platform account key');
  });

  it('prompts for the password when the token lapsed, and the session carries on', async () => {
    const api = new FakeApi();
    api.snapshot = signedInSnapshot({
      state: 'busy/x',
      access: { mode: 'gateway', signInNeeded: true },
    });
    api.handlers.reauthenticate = async (pw: string) =>
      pw === 'right-pw'
        ? (api.push({ ...api.snapshot, access: { mode: 'gateway', signInNeeded: false } }),
          { ok: true, value: api.snapshot })
        : fail('wrong-password', 'wrong agent name or password (GW0401)');
    await mountApp(api, { language: 'en' });
    expect(getByRole('alertdialog', { name: 'Sign in again' })).toBeTruthy();
    await type(document.querySelector<HTMLInputElement>('#reauth-password')!, 'nope');
    await click(getByRole('button', { name: 'Sign in again' }));
    expect(textIn()).toContain('Wrong agent name or password. Enter them again');
    // The keyboard is back in the emptied field, not on the disabled button.
    expect(document.activeElement?.id).toBe('reauth-password');
    await type(document.querySelector<HTMLInputElement>('#reauth-password')!, 'right-pw');
    await click(getByRole('button', { name: 'Sign in again' }));
    expect(api.callsOf('reauthenticate')).toEqual([['nope'], ['right-pw']]);
    expect(queryByRole('alertdialog', { name: 'Sign in again' })).toBeNull();
  });

  it('signing in again that could not get through asks the agent to try again', async () => {
    const api = new FakeApi();
    api.snapshot = signedInSnapshot({ access: { mode: 'gateway', signInNeeded: true } });
    api.handlers.reauthenticate = async () => fail('timeout', 'no reply within 8000 ms');
    await mountApp(api, { language: 'en' });
    await type(document.querySelector<HTMLInputElement>('#reauth-password')!, 'pw');
    await click(getByRole('button', { name: 'Sign in again' }));
    // Nothing sends it again for them: not "the app will retry".
    // The desktop waited on the agent gateway, not on the platform.
    expect(textIn()).toContain('The agent gateway did not answer in time. Try again shortly.');
    expect(textIn()).not.toContain('The app will retry');
  });

  it('names the agent gateway, not the platform, when it cannot be reached at sign-in', async () => {
    const api = new FakeApi();
    api.snapshot = gatewayOut;
    api.handlers.signIn = async () => fail('transport', 'gateway: connect ECONNREFUSED');
    await mountApp(api, { language: 'zh-CN' });
    await type(getByRole('textbox', { name: '座席名' }), 'alice');
    await type(getByRole('combobox', { name: '分机' }), 'ext1');
    await type(document.querySelector<HTMLInputElement>('#sign-in-password')!, 'pw');
    await click(getByRole('button', { name: '签入' }));
    expect(textIn()).toContain('无法连接座席网关。请检查网络后重试');
    expect(textIn()).not.toContain('无法连接平台');
  });

  it('says the gateway is unreachable in the light and the banner, not the platform', async () => {
    const api = new FakeApi();
    const base = signedInSnapshot({ access: { mode: 'gateway', signInNeeded: false } });
    api.snapshot = {
      ...base,
      platform: {
        ...base.platform,
        health: 'unreachable',
        lastError: { code: 'transport', message: '', detail: 'connect ECONNREFUSED' },
      },
      lastError: { code: 'transport', message: '' },
    };
    await mountApp(api, { language: 'zh-CN' });
    expect(textIn()).toContain('暂不能接听：座席网关无法连接');
    expect(textIn()).toContain('无法连接座席网关，正在自动重试。');
    expect(textIn()).not.toContain('平台无法连接');
    expect(textIn()).not.toContain('无法连接平台');
  });
});
