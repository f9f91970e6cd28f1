import { describe, expect, it } from 'vitest';
import en from '../../src/renderer/src/i18n/en';
import zhCN from '../../src/renderer/src/i18n/zh-CN';
import { createAppI18n, startLanguage } from '../../src/renderer/src/i18n';
import { FakeApi, fail, settingsView, signedInSnapshot } from './fake-api';
import { click, getByRole, textIn, type } from './queries';
import { mountApp } from './setup';

/** Polls (English arrives with its own chunk, a module load away). */
async function waitUntil(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(done()).toBe(true);
}

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('language', () => {
  it('both catalogs have the same keys, and no empty string', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort());
    const values = (m: unknown): unknown[] =>
      typeof m === 'object' && m ? Object.values(m).flatMap(values) : [m];
    expect([...values(en), ...values(zhCN)].filter((v) => !v)).toEqual([]);
  });

  it('defaults to zh-CN and follows a Chinese system locale', () => {
    expect(createAppI18n('system', { en }).global.locale.value).toBe(
      navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en',
    );
    expect(createAppI18n('zh-CN').global.locale.value).toBe('zh-CN');
  });

  it('starts in English once its words, kept out of the start-up script, have loaded', async () => {
    const i18n = createAppI18n('en');
    // Not there yet: nothing English is shown half-translated.
    expect(i18n.global.locale.value).toBe('zh-CN');
    await startLanguage(i18n, 'en');
    expect(i18n.global.locale.value).toBe('en');
    expect(i18n.global.t('states.idle')).toBe('Idle');
  });

  it('loads English when the agent switches to it, keeping words a screen brought', async () => {
    const api = new FakeApi();
    api.snapshot = signedInSnapshot({ state: 'busy/会议' });
    await mountApp(api, { lazyEnglish: true });
    await click(getByRole('button', { name: '团队' }));
    await waitUntil(() => textIn().includes('每页人数'));
    await type(getByRole('combobox', { name: '语言' }), 'en');
    await waitUntil(() => document.documentElement.getAttribute('lang') === 'en');
    expect(getByRole('heading', { name: 'Team' })).toBeTruthy();
    expect(getByRole('combobox', { name: 'Language' })).toBeTruthy();
    expect(textIn()).not.toContain('团队');
  });

  it('a later choice wins over English still loading', async () => {
    const i18n = createAppI18n('zh-CN');
    const english = startLanguage(i18n, 'en');
    await startLanguage(i18n, 'zh-CN');
    await english;
    expect(i18n.global.locale.value).toBe('zh-CN');
  });

  it('switches at runtime from the header, and saves the choice', async () => {
    const api = new FakeApi();
    api.snapshot = signedInSnapshot({ state: 'busy/会议' });
    await mountApp(api);
    expect(getByRole('button', { name: '空闲' })).toBeTruthy();
    await type(getByRole('combobox', { name: '语言' }), 'en');
    expect(getByRole('button', { name: 'Idle' })).toBeTruthy();
    expect(getByRole('button', { name: 'Busy' })).toBeTruthy();
    expect(textIn()).toContain('Can I take calls?');
    expect(document.documentElement.getAttribute('lang')).toBe('en');
    expect(api.callsOf('updateSettings')).toEqual([[{ language: 'en' }]]);
    // Error sentences follow the language too.
    api.handlers.setState = () => Promise.resolve(fail('040203'));
    await click(getByRole('button', { name: 'Idle' }));
    expect(getByRole('alert').textContent).toContain('The agent is ringing or in a call');
    await type(getByRole('combobox', { name: 'Language' }), 'zh-CN');
    expect(getByRole('button', { name: '空闲' })).toBeTruthy();
  });

  it('follows a language pushed from main (e.g. changed in the tray)', async () => {
    const api = new FakeApi();
    await mountApp(api);
    api.pushSettings({ ...api.settings, settings: { ...api.settings.settings, language: 'en' } });
    await new Promise((r) => setTimeout(r));
    expect(getByRole('heading', { name: 'Agent sign-in' })).toBeTruthy();
  });

  it('the header switch is read-only when the administrator fixed the language', async () => {
    const api = new FakeApi();
    api.snapshot = signedInSnapshot({ state: 'busy/会议' });
    api.settings = settingsView({
      settings: { ...settingsView().settings, language: 'zh-CN' },
      locked: ['language'],
    });
    await mountApp(api);
    const select = getByRole('combobox', { name: '语言' }) as HTMLSelectElement;
    expect(select.disabled).toBe(true);
    expect(select.title).toBe('由管理员设置');
  });

  it('a language main refuses to save is taken back, with a reason', async () => {
    const api = new FakeApi();
    api.snapshot = signedInSnapshot({ state: 'busy/会议' });
    // Locked after the window read the settings (a policy pushed meanwhile): main refuses.
    api.handlers.updateSettings = () =>
      Promise.resolve(fail('admin-locked', 'set by your administrator: language'));
    await mountApp(api);
    await type(getByRole('combobox', { name: '语言' }), 'en');
    // The tray and the dialogs stay in the saved language: the window must too.
    expect(document.documentElement.getAttribute('lang')).toBe('zh-CN');
    expect((getByRole('combobox', { name: '语言' }) as HTMLSelectElement).value).toBe('zh-CN');
    expect(getByRole('alert').textContent).toContain('管理员');
  });
});
