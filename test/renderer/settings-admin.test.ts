import { describe, expect, it } from 'vitest';
import { FakeApi, fail, settingsView, signedInSnapshot } from './fake-api';
import { click, getByLabel, getByRole, textIn } from './queries';
import { mountApp } from './setup';
import { LOCK_TARGETS, NO_FIELD } from '../../src/renderer/src/components/admin-locks';
import { SettingsSchema } from '../../src/shared/settings';
import type { LockableKey } from '../../src/shared/settings';

async function openSettings(api = new FakeApi()) {
  const mounted = await mountApp(api);
  await click(getByRole('button', { name: '设置' }));
  return mounted;
}

describe('settings the administrator locked', () => {
  it('are read-only and marked "set by your administrator"; the rest stay editable', async () => {
    const api = new FakeApi();
    api.settings = settingsView({
      settings: { ...settingsView().settings, platformBaseUrl: 'https://policy.example.com/v1' },
      locked: ['platformBaseUrl', 'appId'],
    });
    await openSettings(api);
    const url = getByLabel('平台地址') as HTMLInputElement;
    expect(url.disabled).toBe(true);
    expect(url.value).toBe('https://policy.example.com/v1');
    expect(url.nextElementSibling?.textContent).toBe('由管理员设置');
    expect((getByLabel('AppID') as HTMLInputElement).disabled).toBe(true);
    expect((getByLabel('CertID') as HTMLInputElement).disabled).toBe(false);
    expect(textIn()).toContain('部分设置由管理员统一设置');
  });

  it('a locked secret: no input to type into, only "set" and the administrator mark', async () => {
    const api = new FakeApi();
    api.settings = settingsView({
      secrets: { secretKey: true, sipPassword: false, sipProxyPassword: false },
      locked: ['secretKey'],
    });
    await openSettings(api);
    const key = getByLabel('密钥') as HTMLInputElement;
    expect(key.disabled).toBe(true);
    expect(key.value).toBe('');
    expect(key.nextElementSibling?.textContent).toBe('由管理员设置');
  });

  it('every setting shown in the form can be marked (a new field needs data-setting)', () => {
    const shown = Object.keys(LOCK_TARGETS);
    const keys = [
      ...Object.keys(SettingsSchema.shape),
      'secretKey',
      'sipPassword',
      'sipProxyPassword',
    ];
    for (const key of shown) expect(keys).toContain(key as LockableKey);
  });

  it('every setting with a field, in every card, is read-only and marked when locked', async () => {
    // The gateway URL (the one the docs tell admins to lock), devices, call keys, auto-answer and
    // the day card were editable and unmarked, and a save then failed "set by your administrator".
    const api = new FakeApi();
    const locked = Object.keys(SettingsSchema.shape) as LockableKey[];
    api.snapshot = signedInSnapshot(); // the agent's own wrap-up time shows when signed in
    api.settings = settingsView({ locked });
    await openSettings(api);
    const marked = new Set(
      [...document.querySelectorAll<HTMLElement>('[data-admin-locked]')]
        .filter((field) => field.hasAttribute('disabled'))
        .map((field) => field.dataset.adminLocked),
    );
    const withField = locked.filter((key) => !NO_FIELD.includes(key));
    // Fields the page shows only in some conditions (a headset button) aside, all of them.
    expect(withField.filter((key) => !marked.has(key))).toEqual([]);
  });

  it('the day card saves without what the policy fixes (its clean-up would read as a change)', async () => {
    const api = new FakeApi();
    const base = settingsView().settings;
    api.settings = settingsView({
      settings: { ...base, screenPopHosts: ['CRM.Example.com'], wrapUpReason: '整理 ' },
      locked: ['screenPopHosts', 'wrapUpReason'],
    });
    await openSettings(api);
    const card = getByRole('heading', { name: '话后处理与来电' }).closest('section')!;
    await click(getByRole('button', { name: '保存' }, card));
    const [patch] = api.callsOf('updateSettings').at(-1) as [Record<string, unknown>];
    expect(patch).not.toHaveProperty('screenPopHosts');
    expect(patch).not.toHaveProperty('wrapUpReason');
    expect(patch).toHaveProperty('wrapUpSeconds');
  });

  it('without a policy nothing is locked or marked', async () => {
    await openSettings();
    expect((getByLabel('平台地址') as HTMLInputElement).disabled).toBe(false);
    expect(textIn()).not.toContain('由管理员设置');
  });
});

describe('export diagnostics', () => {
  it('asks main (which shows the native dialogs) and says where it was saved', async () => {
    const { api } = await openSettings();
    await click(getByRole('button', { name: '导出诊断信息…' }));
    expect(api.callsOf('exportDiagnostics')).toEqual([[]]);
    expect(getByRole('status').textContent).toContain('/tmp/diagnostics.zip');
  });

  it('says so when saving failed', async () => {
    const { api } = await openSettings();
    api.handlers.exportDiagnostics = () => Promise.resolve(fail('internal'));
    await click(getByRole('button', { name: '导出诊断信息…' }));
    expect(getByRole('alert').textContent).toContain('诊断信息保存失败');
  });
});

describe('settings the environment sets for this run', () => {
  it('are read-only and marked with the variable and the value in force', async () => {
    const api = new FakeApi();
    api.settings = settingsView({
      environment: [
        {
          key: 'platformBaseUrl',
          variable: 'AGENT_DESKTOP_PLATFORM_URL',
          value: 'https://env.example.com/v1',
        },
        { key: 'secretKey', variable: 'AGENT_DESKTOP_SECRET_KEY', value: null },
      ],
    });
    await openSettings(api);
    const url = getByLabel('平台地址') as HTMLInputElement;
    expect(url.disabled).toBe(true);
    expect(url.nextElementSibling?.textContent).toBe(
      '本次运行由环境变量 AGENT_DESKTOP_PLATFORM_URL 设置：https://env.example.com/v1',
    );
    const key = getByLabel('密钥') as HTMLInputElement;
    expect(key.disabled).toBe(true);
    expect(key.nextElementSibling?.textContent).toBe(
      '本次运行由环境变量 AGENT_DESKTOP_SECRET_KEY 设置',
    );
    expect((getByLabel('AppID') as HTMLInputElement).disabled).toBe(false);
    expect(textIn()).toContain('部分设置在本次运行中由环境变量设置');
  });

  it('a key the policy also fixes is marked as the administrator’s', async () => {
    const api = new FakeApi();
    api.settings = settingsView({
      locked: ['appId'],
      environment: [{ key: 'appId', variable: 'AGENT_DESKTOP_APP_ID', value: 'env-app' }],
    });
    await openSettings(api);
    expect((getByLabel('AppID') as HTMLInputElement).nextElementSibling?.textContent).toBe(
      '由管理员设置',
    );
  });
});
