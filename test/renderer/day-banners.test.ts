/**
 * The wrap-up countdown and the no-answer guard's sentence (DayBanners) name states as the rest
 * of the window does: the shared stateText, "label · reason".
 */
import { describe, expect, it } from 'vitest';
import { callInfo } from './calls-support';
import { fail, FakeApi, signedInSnapshot } from './fake-api';
import { click, getByRole, queryAllByRole, textIn } from './queries';
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
