/**
 * "+30 s" at its limit: the button is disabled and the window says why, in both languages; the
 * click that reaches the limit makes it so at once (the reply carries the status).
 */
import { describe, expect, it } from 'vitest';
import { FakeApi, ok, signedInSnapshot } from './fake-api';
import { click, getByRole, textIn } from './queries';
import { mountApp } from './setup';
import type { Language } from '../../src/shared/domain/errors';
import type { AgentDayStatus, WrapUpStatus } from '../../src/shared/snapshot';

function wrapUp(leftToLimit: number): WrapUpStatus {
  const now = Date.now();
  return {
    reason: '话后处理',
    state: 'busy/话后处理',
    since: now,
    endsAt: now + 60_000,
    limitAt: now + 60_000 + leftToLimit,
    returnTo: 'idle',
    declined: 0,
  };
}

async function show(status: WrapUpStatus, language: Language) {
  const api = new FakeApi();
  api.snapshot = signedInSnapshot({ state: 'busy/话后处理' });
  api.day = { wrapUp: status, noAnswer: null };
  await mountApp(api, { language });
  return api;
}
const card = () => getByRole('heading', { name: /^(话后处理|Wrap-up)$/ }).closest('section')!;

describe('wrap-up "+30 s" limit in the window', () => {
  it.each<[Language, string, string]>([
    ['en', '+30 s', 'Limit reached: at most 5 min extra per call.'],
    ['zh-CN', '+30 秒', '已达上限：每通电话最多延长 5 分钟。'],
  ])('at the limit the button is disabled and says why (%s)', async (language, name, why) => {
    await show(wrapUp(0), language);
    const extend = getByRole('button', { name }, card());
    expect(extend.hasAttribute('disabled')).toBe(true);
    const reason = document.getElementById(extend.getAttribute('aria-describedby') ?? '');
    expect(textIn(reason!)).toBe(why);
    expect(textIn(card())).toContain(why);
  });

  it('before the limit the button works and nothing is said', async () => {
    await show(wrapUp(30_000), 'en');
    const extend = getByRole('button', { name: '+30 s' }, card());
    expect(extend.hasAttribute('disabled')).toBe(false);
    expect(textIn(card())).not.toContain('Limit reached');
  });

  it('the click that reaches the limit disables the button with the reason', async () => {
    const api = await show(wrapUp(30_000), 'en');
    api.handlers.wrapUpExtend = () => {
      const w = api.day.wrapUp!;
      const next: AgentDayStatus = { wrapUp: { ...w, endsAt: w.limitAt }, noAnswer: null };
      api.day = next;
      return Promise.resolve(ok(next));
    };
    const extend = getByRole('button', { name: '+30 s' }, card());
    await click(extend);
    expect(api.callsOf('wrapUpExtend')).toHaveLength(1);
    expect(extend.hasAttribute('disabled')).toBe(true);
    expect(textIn(card())).toContain('Limit reached: at most 5 min extra per call.');
    await click(extend);
    expect(api.callsOf('wrapUpExtend')).toHaveLength(1);
  });
});
