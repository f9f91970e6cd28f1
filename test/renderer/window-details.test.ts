/** Small window faults found in acceptance (issue 10, items 10, 13, 16). */
import { describe, expect, it } from 'vitest';
import { ERROR_TEXT } from '../../src/shared/domain/errors';
import { FakeApi, fail, signedInSnapshot, signedOutSnapshot } from './fake-api';
import { click, getByRole, textIn, type } from './queries';
import { mountApp, settle } from './setup';

describe('the Idle button', () => {
  it.each(['online', 'busy/小休', 'away', 'fetching'])(
    'does not look current while %s',
    async (state) => {
      const api = new FakeApi();
      api.snapshot = signedInSnapshot({ state });
      await mountApp(api);
      const idle = getByRole('button', { name: '空闲' });
      expect(idle.classList.contains('current')).toBe(false);
      expect(idle.getAttribute('aria-pressed')).toBe('false');
      expect(idle.textContent).not.toContain('✓');
    },
  );

  it('looks current (green, ✓, pressed) only while idle', async () => {
    const api = new FakeApi();
    api.snapshot = signedInSnapshot({ state: 'idle' });
    await mountApp(api);
    const idle = getByRole('button', { name: '空闲' });
    expect(idle.classList.contains('current')).toBe(true);
    expect(idle.getAttribute('aria-pressed')).toBe('true');
    expect(idle.textContent).toContain('✓');
  });
});

describe('Busy ▾ / Away ▾', () => {
  it('point aria-controls at their menu only while it exists', async () => {
    const api = new FakeApi();
    api.snapshot = signedInSnapshot({ state: 'idle' });
    await mountApp(api);
    for (const name of ['忙碌', '离开']) {
      const trigger = getByRole('button', { name });
      expect(trigger.getAttribute('aria-controls')).toBeNull();
      await click(trigger);
      const controls = trigger.getAttribute('aria-controls');
      expect(controls).toBeTruthy();
      expect(document.getElementById(controls!)).not.toBeNull();
      await click(trigger);
      expect(trigger.getAttribute('aria-controls')).toBeNull();
    }
  });
});

describe('sign-in errors', () => {
  it('are shown once, under the form, not also in a banner', async () => {
    const api = new FakeApi();
    // Main records the refusal in the snapshot too, as the real session does.
    api.handlers.signIn = () => {
      api.push(signedOutSnapshot({ lastError: { code: '040201', message: '座席已经登录' } }));
      return Promise.resolve(fail('040201', '座席已经登录'));
    };
    await mountApp(api);
    await type(getByRole('textbox', { name: '座席名' }), 'agent_01');
    await type(getByRole('combobox', { name: '分机' }), 'ext1');
    await click(getByRole('button', { name: '签入' }));
    const sentence = ERROR_TEXT['040201']['zh-CN'];
    expect(textIn().split(sentence).length - 1).toBe(1);
    expect(getByRole('alert').textContent).toContain(sentence);
  });
});

describe('a state the app cannot name', () => {
  // No state known, or one from the platform with no base the app knows: the window's badge reads
  // it as the tray does (the shared stateTextOrSent; test/shared/state-text.test.ts).
  it.each([
    [null, '未知'],
    ['', '未知'],
    ['acw/整理', 'acw/整理'],
  ])('%j reads %s on the badge', async (state, words) => {
    const api = new FakeApi();
    const snapshot = signedInSnapshot({ state });
    api.snapshot = snapshot;
    await mountApp(api);
    const badge = document.querySelector('.status-view .badge');
    expect(badge?.querySelector('.label')?.textContent).toBe(words);
    expect(badge?.querySelector('.icon')?.textContent).toBe('?');
  });
});

describe('time in state', () => {
  // While the session is being restored the state is not the platform's word yet: the window
  // shows no running time, as the tray's tooltip shows none (the shared timeInStateSince).
  it('is shown while signed in and not while restoring', async () => {
    const api = new FakeApi();
    api.snapshot = signedInSnapshot({ state: 'idle', stateSince: Date.now() - 65_000 });
    await mountApp(api);
    expect(textIn(document.querySelector('.status-view')!)).toContain('已持续 01:05');
    api.push({ ...api.snapshot, phase: 'restoring' });
    await settle();
    expect(document.querySelector('.status-view time')).toBeNull();
    expect(textIn(document.querySelector('.status-view')!)).not.toContain('已持续');
  });
});
