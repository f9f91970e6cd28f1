/**
 * What the Settings screen shows after main refuses a save, when a push or another card's save
 * arrives while the agent is typing, and when the administrator locks a field being edited.
 */
import { describe, expect, it } from 'vitest';
import { FakeApi, fail, settingsView, signedInSnapshot } from './fake-api';
import { click, getByRole, textIn, type } from './queries';
import { mountApp, settle } from './setup';

async function openSettings(api = new FakeApi()) {
  api.snapshot = signedInSnapshot();
  const mounted = await mountApp(api);
  await click(getByRole('button', { name: '设置' }));
  // DaySettings is its own async chunk: wait until it is on screen.
  for (let i = 0; i < 50 && !document.getElementById('day-wrap-up'); i++) await settle();
  return mounted;
}
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

describe('settings: the call keys card after a refused save', () => {
  it('the auto-answer box goes back to off when main refuses turning it on', async () => {
    const api = new FakeApi();
    await openSettings(api);
    const box = document.querySelector<HTMLInputElement>('[data-testid="auto-answer-toggle"]')!;
    expect(box.checked).toBe(false);
    api.handlers.updateSettings = () => Promise.resolve(fail('admin-locked'));
    await type(box, true);
    await settle();
    expect(api.callsOf('updateSettings')).toEqual([[{ autoAnswer: true }]]);
    expect(api.settings.settings.autoAnswer).toBe(false);
    expect(textIn()).toContain('由管理员'); // the refusal is said…
    // …but the box must show what is in force: auto-answer is OFF.
    expect(box.checked).toBe(false);
  });
});

describe('settings: the day card', () => {
  it('keeps a half-typed wrap-up time when the agent picks a device on the same screen', async () => {
    const api = new FakeApi();
    await openSettings(api);
    const wrapUp = byId<HTMLInputElement>('day-wrap-up');
    expect(wrapUp.value).toBe(String(api.settings.settings.wrapUpSeconds));
    await type(wrapUp, 45);
    expect(wrapUp.value).toBe('45');
    // Same screen, the devices card saves at once: main answers with the new view.
    await type(byId('device-ringer'), 'default');
    await type(byId('set-autoAnswerDelay'), '5');
    await settle();
    expect(api.callsOf('updateSettings').length).toBeGreaterThan(0);
    // The agent has not saved the wrap-up card yet: their 45 must still be there.
    expect(wrapUp.value).toBe('45');
  });

  it('keeps a half-typed wrap-up time when a settings push arrives (tray / header language)', async () => {
    const api = new FakeApi();
    await openSettings(api);
    const reason = byId<HTMLInputElement>('day-wrap-up-reason');
    await type(reason, '整理工单');
    api.pushSettings(settingsView({ settings: { ...api.settings.settings, startAtLogin: true } }));
    await settle();
    expect(reason.value).toBe('整理工单');
  });

  it('says which value is wrong and its bounds, and marks the field', async () => {
    const api = new FakeApi();
    await openSettings(api);
    const retention = byId<HTMLInputElement>('day-retention');
    await type(retention, 5000);
    const dayCard = byId('day-settings-heading').closest('section')!;
    await click(dayCard.querySelector<HTMLElement>('button[type="submit"]')!);
    await settle();
    expect(api.callsOf('updateSettings')).toEqual([]);
    expect(textIn(dayCard)).toContain('请检查填写的数值。');
    // Which of the ten fields, and what it takes.
    expect(retention.getAttribute('aria-invalid')).toBe('true');
    expect(byId('day-retention-error').textContent).toContain('1 到 3650');
    expect(byId('day-wrap-up').getAttribute('aria-invalid')).toBeNull();
  });

  it('says why a screen-pop address is refused in words, not as a code', async () => {
    const api = new FakeApi();
    await openSettings(api);
    await type(byId('day-pop-url'), 'https://crm.example.com/search?phone={caller}');
    const problem = byId('day-pop-url').parentElement!.querySelector('.error')?.textContent?.trim();
    expect(problem).toBeTruthy();
    // Host not in the allowed list: the agent/IT admin sees the raw code "host-not-allowed".
    expect(problem).not.toMatch(/^[a-z-]+$/);
  });

  it('the same in English', async () => {
    const api = new FakeApi();
    api.snapshot = signedInSnapshot();
    await mountApp(api, { language: 'en' });
    await click(getByRole('button', { name: 'Settings' }));
    for (let i = 0; i < 50 && !document.getElementById('day-pop-url'); i++) await settle();
    await type(byId('day-pop-url'), 'crm.example.com/{caller}');
    const problem = byId('day-pop-url').parentElement!.querySelector('.error')?.textContent?.trim();
    expect(problem).not.toMatch(/^[a-z-]+$/);
  });
});

describe('settings: a field the administrator locks while the agent edits it', () => {
  it('shows the policy value and leaves it out of the next save', async () => {
    const api = new FakeApi();
    await openSettings(api);
    const keepalive = byId<HTMLInputElement>('set-keepalive');
    await type(keepalive, 45);
    // The policy arrives: keepalive fixed at 20.
    api.pushSettings(
      settingsView({
        settings: { ...api.settings.settings, keepaliveSeconds: 20 },
        locked: ['keepaliveSeconds'],
      }),
    );
    await settle();
    expect(keepalive.hasAttribute('disabled')).toBe(true);
    // The read-only field must show what is in force, not the agent's abandoned 45.
    expect(keepalive.value).toBe('20');
  });

  it('a save after the lock still saves the agent’s other edits', async () => {
    const api = new FakeApi();
    api.handlers.updateSettings = (patch) =>
      'keepaliveSeconds' in patch
        ? Promise.resolve(fail('admin-locked'))
        : Promise.resolve({ ok: true as const, value: api.settings });
    await openSettings(api);
    await type(byId('set-keepalive'), 45);
    await type(byId('set-app-id'), 'app-9');
    api.pushSettings(
      settingsView({
        settings: { ...api.settings.settings, keepaliveSeconds: 20 },
        locked: ['keepaliveSeconds'],
      }),
    );
    await settle();
    const form = byId('settings-heading').closest('section')!;
    await click(form.querySelector<HTMLElement>('button[type="submit"]')!);
    await settle();
    const sent = api.callsOf('updateSettings').at(-1)?.[0] as Record<string, unknown>;
    expect(sent).toBeDefined();
    // The locked key must not be sent: main refuses it and the whole save (AppID too) is lost,
    // while the agent cannot touch the now-disabled field to take it back.
    expect(sent).not.toHaveProperty('keepaliveSeconds');
  });
});
