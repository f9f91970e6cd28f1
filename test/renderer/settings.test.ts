import { SETTINGS_LIMITS } from '../../src/shared/settings-model';
import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { FakeApi, fail, settingsView } from './fake-api';
import { click, getByLabel, getByRole, textIn, type } from './queries';
import { mountApp } from './setup';

async function openSettings(view = settingsView()) {
  const api = new FakeApi();
  api.settings = view;
  const mounted = await mountApp(api);
  await click(getByRole('button', { name: '设置' }));
  return mounted;
}

describe('settings', () => {
  it('never echoes a secret: shows set/not set and an empty write-only field', async () => {
    await openSettings(
      settingsView({ secrets: { secretKey: true, sipPassword: false, sipProxyPassword: false } }),
    );
    const key = getByLabel('密钥') as HTMLInputElement;
    expect(key.type).toBe('password');
    expect(key.value).toBe('');
    const states = (key.getAttribute('aria-describedby') ?? '').split(' ');
    expect(document.getElementById(states[0]!)?.textContent?.trim()).toBe('已设置');
    const sip = getByLabel('SIP 密码') as HTMLInputElement;
    expect(
      document
        .getElementById(sip.getAttribute('aria-describedby')!.split(' ')[0]!)
        ?.textContent?.trim(),
    ).toBe('未设置');
  });

  it('sends only what changed, secrets write-only, then clears the secret field', async () => {
    const { api } = await openSettings();
    await type(
      getByRole('textbox', { name: '平台地址' }),
      'https://api.example.com/v1/account/abc',
    );
    await type(getByRole('textbox', { name: 'AppID' }), 'app-1');
    await type(getByLabel('密钥'), 's3cret');
    await type(getByRole('spinbutton', { name: '心跳间隔（秒）' }), 20);
    await type(getByRole('textbox', { name: '忙碌原因（每行一个）' }), '小休\n维修单录入/加急\n');
    await type(getByRole('combobox', { name: '锁屏时' }), 'sign-out');
    await click(getByRole('button', { name: '保存设置' }));
    expect(api.callsOf('updateSettings')).toEqual([
      [
        {
          platformBaseUrl: 'https://api.example.com/v1/account/abc',
          appId: 'app-1',
          keepaliveSeconds: 20,
          busyReasons: ['小休', '维修单录入/加急'],
          onLock: 'sign-out',
          secrets: { secretKey: 's3cret' },
        },
      ],
    ]);
    expect((getByLabel('密钥') as HTMLInputElement).value).toBe('');
    expect(textIn()).toContain('设置已保存。');
    expect(textIn()).not.toContain('s3cret');
    const key = getByLabel('密钥');
    expect(
      document
        .getElementById(key.getAttribute('aria-describedby')!.split(' ')[0]!)
        ?.textContent?.trim(),
    ).toBe('已设置');
  });

  it('the proxy password has its own write-only field; one in the URL is refused', async () => {
    const { api } = await openSettings(
      settingsView({ secrets: { secretKey: false, sipPassword: false, sipProxyPassword: true } }),
    );
    const proxy = getByRole('textbox', { name: 'SIP 代理（HTTP）' });
    const password = getByLabel('SIP 代理密码') as HTMLInputElement;
    expect(password.type).toBe('password');
    expect(password.value).toBe('');
    const state = password.getAttribute('aria-describedby')!.split(' ')[0]!;
    expect(document.getElementById(state)?.textContent?.trim()).toBe('已设置');
    await type(proxy, 'http://agent:pr0xy-S3cret@proxy.corp:3128');
    await click(getByRole('button', { name: '保存设置' }));
    expect(api.callsOf('updateSettings')).toEqual([]);
    expect(proxy.getAttribute('aria-invalid')).toBe('true');
    expect(textIn()).toContain('请填在“SIP 代理密码”栏');
    await type(proxy, 'http://agent@proxy.corp:3128');
    await type(password, 'pr0xy-S3cret');
    await click(getByRole('button', { name: '保存设置' }));
    expect(api.callsOf('updateSettings')).toEqual([
      [
        {
          sipProxyUrl: 'http://agent@proxy.corp:3128',
          secrets: { sipProxyPassword: 'pr0xy-S3cret' },
        },
      ],
    ]);
    expect(password.value).toBe('');
  });

  it('a save keeps a language switched in the header meanwhile (sends only its own edits)', async () => {
    const { api } = await openSettings();
    await type(getByRole('textbox', { name: 'AppID' }), 'app-1');
    await type(getByRole('combobox', { name: '语言' }), 'en');
    expect(api.callsOf('updateSettings')).toEqual([[{ language: 'en' }]]);
    // The form's own language field follows: the agent did not touch it here.
    expect((getByRole('combobox', { name: 'Interface language' }) as HTMLSelectElement).value).toBe(
      'en',
    );
    await click(getByRole('button', { name: 'Save settings' }));
    expect(api.callsOf('updateSettings')[1]).toEqual([{ appId: 'app-1' }]);
    expect(api.settings.settings.language).toBe('en');
    expect((getByRole('combobox', { name: 'Language' }) as HTMLSelectElement).value).toBe('en');
    expect(getByRole('button', { name: 'Save settings' })).toBeTruthy();
  });

  it('keeps what the agent typed when settings change elsewhere; the rest follows', async () => {
    const { api } = await openSettings();
    await type(getByRole('textbox', { name: 'AppID' }), 'mine');
    api.pushSettings({
      ...api.settings,
      settings: { ...api.settings.settings, appId: 'theirs', certId: 'cert-9' },
    });
    await flushPromises();
    expect((getByRole('textbox', { name: 'AppID' }) as HTMLInputElement).value).toBe('mine');
    expect((getByRole('textbox', { name: 'CertID' }) as HTMLInputElement).value).toBe('cert-9');
    await click(getByRole('button', { name: '保存设置' }));
    expect(api.callsOf('updateSettings')).toEqual([[{ appId: 'mine' }]]);
  });

  it('a save with a problem moves focus to the first field that has one', async () => {
    const { api } = await openSettings();
    await type(getByRole('spinbutton', { name: '心跳间隔（秒）' }), 500);
    await type(getByRole('textbox', { name: '忙碌原因（每行一个）' }), '/x');
    await click(getByRole('button', { name: '保存设置' }));
    expect(api.callsOf('updateSettings')).toEqual([]);
    expect(document.activeElement).toBe(getByRole('spinbutton', { name: '心跳间隔（秒）' }));
  });

  it('edits the global hotkeys, refusing one that is not a usable shortcut', async () => {
    const { api } = await openSettings();
    const answer = getByRole('textbox', { name: '接听来电' });
    await type(answer, 'A');
    await click(getByRole('button', { name: '保存设置' }));
    expect(api.callsOf('updateSettings')).toEqual([]);
    expect(answer.getAttribute('aria-invalid')).toBe('true');
    expect(textIn()).toContain('不是可用的快捷键');
    await type(answer, 'F9');
    await type(getByRole('textbox', { name: '空闲/忙碌切换' }), '');
    await click(getByRole('button', { name: '保存设置' }));
    expect(api.callsOf('updateSettings')).toEqual([
      [{ hotkeyAnswer: 'F9', hotkeyToggleReady: '' }],
    ]);
  });

  it('says each hotkey as the keyboard shows it, not in Electron’s spelling', async () => {
    await openSettings();
    // The defaults are CommandOrControl+Alt+A / H / R (happy-dom is not a Mac).
    const answer = getByRole('textbox', { name: '接听来电' });
    expect(answer.parentElement!.textContent).toContain('即键盘上的 Ctrl+Alt+A');
    await type(answer, 'F9'); // reads the same: nothing more to say
    expect(answer.parentElement!.textContent).not.toContain('即键盘上的');
    expect(textIn()).toContain('即键盘上的 Ctrl+Alt+M'); // the mute key, under call keys
  });

  it('empty platform URL means the embedded demo (null)', async () => {
    const { api } = await openSettings(
      settingsView({
        settings: { ...settingsView().settings, platformBaseUrl: 'https://x.example' },
      }),
    );
    await type(getByRole('textbox', { name: '平台地址' }), '');
    await click(getByRole('button', { name: '保存设置' }));
    expect(api.callsOf('updateSettings')[0]?.[0]).toEqual({ platformBaseUrl: null });
  });

  it('refuses bad input locally with the rule said', async () => {
    const { api } = await openSettings();
    await type(getByRole('textbox', { name: '平台地址' }), 'ftp://x');
    await type(getByRole('spinbutton', { name: '心跳间隔（秒）' }), 500);
    await type(getByRole('textbox', { name: '离开原因（每行一个）' }), '午餐\na//b');
    await click(getByRole('button', { name: '保存设置' }));
    expect(textIn()).toContain('请输入以 http:// 或 https:// 开头的地址，或留空。');
    expect(textIn()).toContain('心跳间隔须为 5–240 之间的整数。');
    expect(textIn()).toContain('第 2 行：原因不能以 / 开头或结尾');
    expect(api.callsOf('updateSettings')).toEqual([]);
  });

  it('the form offers the bounds the settings schema enforces', async () => {
    await openSettings();
    const keepalive = getByRole('spinbutton', { name: '心跳间隔（秒）' });
    expect(keepalive.getAttribute('min')).toBe(String(SETTINGS_LIMITS.keepaliveSeconds.min));
    expect(keepalive.getAttribute('max')).toBe(String(SETTINGS_LIMITS.keepaliveSeconds.max));
  });

  it('says when secrets are kept for this run only', async () => {
    await openSettings(settingsView({ secureStorage: false }));
    expect(textIn()).toContain('密钥只在本次运行中保存');
  });

  it('shows a refused update as a sentence', async () => {
    const { api } = await openSettings();
    api.handlers.updateSettings = () => Promise.resolve(fail('no-secure-storage'));
    await type(getByLabel('密钥'), 'x');
    await click(getByRole('button', { name: '保存设置' }));
    expect(getByRole('alert').textContent).toContain('本系统没有可用的安全密钥存储');
  });

  it('is reachable before sign-in (credentials are needed to sign in)', async () => {
    await mountApp();
    expect(getByRole('button', { name: '设置' })).toBeTruthy();
  });
});
