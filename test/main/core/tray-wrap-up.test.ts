import { describe, expect, it } from 'vitest';
import { trayTooltip } from '../../../src/main/core/tray-model';
import { initialSnapshot } from '../../../src/shared/snapshot';
import type { SessionSnapshot } from '../../../src/shared/snapshot';

const now = 1_000_000;
const initial = initialSnapshot('http://x', true, 0);
/** Held in wrap-up, everything healthy (the tooltip then names no trouble). */
const held: SessionSnapshot = {
  ...initial,
  sip: { ...initial.sip, state: 'registered' },
  phase: 'signed-in',
  state: 'busy/话后处理',
  stateSince: now - 5_000,
  hold: { reason: 'wrap-up', since: now - 5_000 },
};
const wrapUp = {
  reason: '话后处理',
  state: 'busy/话后处理',
  since: now - 5_000,
  endsAt: now + 25_000,
  limitAt: now + 325_000,
  returnTo: 'idle',
  declined: 0,
};

describe('tray during wrap-up', () => {
  it('shows the reason and the time left, in both languages', () => {
    expect(trayTooltip(held, now, 'zh-CN', wrapUp)).toBe(
      '壹耘座席 — 忙碌 · 话后处理 · 话后处理剩余 00:25',
    );
    expect(trayTooltip(held, now + 1_500, 'en', wrapUp)).toMatch(
      /Busy · 话后处理 · wrap-up 00:24 left$/,
    );
  });

  it('shows time in state again once wrap-up is over', () => {
    expect(trayTooltip(held, now, 'en')).toMatch(/· 00:05$/);
  });
});
