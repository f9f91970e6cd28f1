/**
 * The wrap-up countdown and the no-answer guard's sentence (DayBanners) name states as the rest
 * of the window does: the shared stateText, "label · reason".
 */
import { describe, expect, it } from 'vitest';
import { callInfo } from './calls-support';
import { flushPromises } from '@vue/test-utils';
import { fail, FakeApi, ok, signedInSnapshot } from './fake-api';
import { click, getByRole, queryAllByRole, queryByRole, textIn } from './queries';
import { mountApp } from './setup';
import type { Language } from '../../src/shared/domain/errors';
import type { AgentDayStatus } from '../../src/shared/snapshot';

async function showDay(day: AgentDayStatus, language: Language = 'zh-CN') {
  const api = new FakeApi();
  api.snapshot = signedInSnapshot({ state: 'busy/话后处理' });
  api.day = day;
  return mountApp(api, { language });
}

function wrapUp(returnTo: string): AgentDayStatus['wrapUp'] {
  const now = Date.now();
  return {
    reason: '话后处理',
    state: 'busy/话后处理',
    since: now,
    endsAt: now + 30_000,
    limitAt: now + 330_000,
    returnTo,
    declined: 0,
  };
}

const noAnswer = (state: string) => ({ count: 3, state, at: Date.now() });

describe('day banners', () => {
  it.each<[Language, string, string]>([
    ['zh-CN', '倒计时结束后恢复为：离开 · 午餐', '已将您设为「忙碌 · 未接」'],
    ['en', 'When the countdown ends you return to: Away · 午餐', 'set to “Busy · 未接”'],
  ])(
    'name the state to return to and the guard’s state as "label · reason" (%s)',
    async (language, hint, guard) => {
      await showDay({ wrapUp: wrapUp('away/午餐'), noAnswer: noAnswer('busy/未接') }, language);
      const card = getByRole('heading', { name: /^(话后处理|Wrap-up)$/ }).closest('section')!;
      expect(textIn(card)).toContain(hint);
      expect(textIn(getByRole('alert'))).toContain(guard);
    },
  );

  it('say a state with no known base as sent, as the rest of the window does', async () => {
    await showDay({ wrapUp: wrapUp('x/y'), noAnswer: noAnswer('x/y') });
    expect(textIn()).toContain('倒计时结束后恢复为：x/y');
    expect(textIn()).toContain('已将您设为「x/y」');
    expect(textIn()).not.toContain('x/y · y');
  });

  it('name the way back "Back to Idle" as the missed-calls card does (en)', async () => {
    const api = new FakeApi();
    const missed = { id: 'm1', caller: '13800000001', at: Date.now(), reason: 'timeout' as const };
    api.snapshot = signedInSnapshot({
      state: 'busy/未接',
      missed: [{ ...missed, stateAfter: 'idle' }],
    });
    api.day = { wrapUp: null, noAnswer: noAnswer('busy/未接') };
    await mountApp(api, { language: 'en' });
    expect(queryAllByRole('button', { name: /^Back to idle$/i }).map((b) => textIn(b))).toEqual([
      'Back to Idle',
      'Back to Idle',
    ]);
  });

  it("the guard's Back to Idle is locked during a call, as the state controls are, and says why", async () => {
    const api = new FakeApi();
    api.snapshot = signedInSnapshot({ state: 'busy/未接', call: callInfo() });
    api.day = { wrapUp: null, noAnswer: noAnswer('busy/未接') };
    await mountApp(api, { language: 'en' });
    const back = getByRole('button', { name: /^Back to idle$/i }, getByRole('alert'));
    expect(back.hasAttribute('disabled')).toBe(true);
    const why = document.getElementById(back.getAttribute('aria-describedby') ?? '');
    expect(textIn(why!)).toMatch(/call/i);
  });

  it("the guard's Back to Idle says so when main refuses it", async () => {
    const api = new FakeApi();
    api.snapshot = signedInSnapshot({ state: 'busy/未接' });
    api.day = { wrapUp: null, noAnswer: noAnswer('busy/未接') };
    api.handlers.setState = () => Promise.resolve(fail('timeout'));
    await mountApp(api, { language: 'en' });
    await click(getByRole('button', { name: /^Back to idle$/i }, getByRole('alert')));
    expect(api.callsOf('setState')).toEqual([['idle']]);
    expect(textIn(document.querySelector('.no-answer')!)).toContain('The state change failed.');
  });

  it.each([
    [1, '1 call the platform sent during wrap-up was declined without ringing.'],
    [2, '2 calls the platform sent during wrap-up were declined without ringing.'],
  ])('count the calls declined during wrap-up in English grammar (%i)', async (n, said) => {
    await showDay({ wrapUp: { ...wrapUp('idle')!, declined: n }, noAnswer: null }, 'en');
    expect(textIn()).toContain(said);
  });
});

describe('day banners: refusals are said, once, where they happened', () => {
  const noAnswerAt = (at: number) => ({ count: 2, state: 'busy/未接', at });
  const wrapUpCard = () => getByRole('heading', { name: 'Wrap-up' }).closest('section')!;

  it('a refused Back to Idle’s error does not come back with the next notice', async () => {
    const api = new FakeApi();
    api.snapshot = signedInSnapshot({ state: 'busy/未接' });
    api.day = { wrapUp: null, noAnswer: noAnswerAt(Date.now() - 60_000) };
    api.handlers.setState = () => Promise.resolve(fail('timeout'));
    await mountApp(api, { language: 'en' });
    const banner = () => document.querySelector<HTMLElement>('.no-answer');
    await click(getByRole('button', { name: /^Back to idle$/i }, banner()!));
    expect(textIn(banner()!)).toContain('The state change failed.');
    // Back to idle another way (the state controls, the tray): the notice goes.
    api.push(signedInSnapshot({ state: 'idle' }));
    api.pushDay({ wrapUp: null, noAnswer: null });
    await flushPromises();
    expect(banner()).toBeNull();
    // Hours later the guard trips again: a new notice, with no old failure under it.
    api.push(signedInSnapshot({ state: 'busy/未接' }));
    api.pushDay({ wrapUp: null, noAnswer: noAnswerAt(Date.now()) });
    await flushPromises();
    expect(banner()).not.toBeNull();
    expect(textIn(banner()!)).not.toContain('failed');
  });

  it('says so when main refuses "Ready now" or "+30 s"', async () => {
    const api = new FakeApi();
    api.day = { wrapUp: wrapUp('idle'), noAnswer: null };
    api.snapshot = signedInSnapshot({ state: 'busy/话后处理' });
    api.handlers.wrapUpReadyNow = () => Promise.resolve(fail('timeout'));
    api.handlers.wrapUpExtend = () => Promise.resolve(fail('timeout'));
    await mountApp(api, { language: 'en' });
    await click(getByRole('button', { name: 'Ready now' }, wrapUpCard()));
    expect(api.callsOf('wrapUpReadyNow')).toHaveLength(1);
    expect(queryByRole('alert', {}, wrapUpCard())?.textContent).toContain(
      'The wrap-up could not be changed.',
    );
    await click(getByRole('button', { name: '+30 s' }, wrapUpCard()));
    expect(api.callsOf('wrapUpExtend')).toHaveLength(1);
    expect(queryByRole('alert', {}, wrapUpCard())).not.toBeNull();
  });

  it('one "+30 s" at a time: a double click while main works is one extension', async () => {
    const api = new FakeApi();
    api.day = { wrapUp: wrapUp('idle'), noAnswer: null };
    api.snapshot = signedInSnapshot({ state: 'busy/话后处理' });
    let release: () => void = () => undefined;
    api.handlers.wrapUpExtend = () =>
      new Promise((resolve) => (release = () => resolve(ok(api.day))));
    await mountApp(api, { language: 'en' });
    const extend = getByRole('button', { name: '+30 s' }, wrapUpCard());
    await click(extend);
    expect(extend.hasAttribute('disabled')).toBe(true);
    extend.click();
    await flushPromises();
    expect(api.callsOf('wrapUpExtend')).toHaveLength(1);
    release();
    await flushPromises();
    expect(extend.hasAttribute('disabled')).toBe(false);
  });
});
