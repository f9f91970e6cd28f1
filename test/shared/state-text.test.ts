import { describe, expect, it } from 'vitest';
import { formatElapsed, stateText, stateTextOrSent } from '../../src/shared/domain/state-text';
import { stateLabel, trayTooltip } from '../../src/main/core/tray-model';
import { TRAY_TEXT } from '../../src/shared/i18n/tray';
import { initialSnapshot } from '../../src/shared/snapshot';
import type { SessionSnapshot } from '../../src/shared/snapshot';

const label = {
  base: (base: keyof (typeof TRAY_TEXT)['en']['states']) => TRAY_TEXT['zh-CN'].states[base],
  system: (reason: keyof (typeof TRAY_TEXT)['en']['systemReasons']) =>
    TRAY_TEXT['zh-CN'].systemReasons[reason],
  unknown: TRAY_TEXT['zh-CN'].unknownState,
};
const signedIn = (state: string): SessionSnapshot => ({
  ...initialSnapshot('http://x', true, 0),
  phase: 'signed-in',
  state,
  stateSince: 0,
});

describe('state text', () => {
  it('is "label · reason", or the label alone', () => {
    expect(stateText('busy/小休', label)).toBe('忙碌 · 小休');
    expect(stateText('idle', label)).toBe('空闲');
    expect(stateText('talking/呼入/转接', label)).toBe('通话中 · 呼入/转接');
    expect(stateText(null, label)).toBeNull();
    expect(stateText('nonsense', label)).toBeNull();
  });

  it("names the app's own reasons in words, in the tray as in the window", () => {
    expect(stateText('away/system/lock', label)).toBe('离开 · 锁屏');
    expect(stateText('away/system/suspend', label)).toBe('离开 · 电脑休眠');
    expect(stateText('busy/system/crash', label)).toBe('忙碌 · 窗口恢复中');
    expect(stateText('busy/system/in-call', label)).toBe('忙碌 · 通话未结束');
    expect(stateLabel(signedIn('away/system/lock'), 'en')).toBe('Away · screen locked');
    // Only the app's exact states: a reason someone else chose reads as sent.
    expect(stateText('away/system/lock/x', label)).toBe('离开 · system/lock/x');
    expect(stateText('busy/system/lock', label)).toBe('忙碌 · system/lock');
  });

  it('reads as sent when the state has no known base (tray, banners, history, day)', () => {
    expect(stateTextOrSent('busy/小休', label)).toBe('忙碌 · 小休');
    expect(stateTextOrSent('x/y', label)).toBe('x/y');
    expect(stateLabel(signedIn('x/y'), 'zh-CN')).toBe('x/y');
    expect(stateTextOrSent(null, label)).toBe('未知');
    expect(stateTextOrSent('', label)).toBe('未知');
  });

  it('the tray, like the window, does not call a state it cannot name "Online"', () => {
    for (const [state, words] of [
      [null, '未知'],
      ['', '未知'],
      ['acw/整理', 'acw/整理'],
    ] as const) {
      const snapshot = { ...signedIn('idle'), state };
      expect(stateLabel(snapshot, 'zh-CN')).toBe(words);
    }
  });

  it('the tray reads a platform-set state the way the window does', () => {
    // The platform sets call states freely; the tray used to print such a state raw.
    for (const state of ['talking/呼入//x', 'fetching/', 'busy/a//b']) {
      expect(stateLabel(signedIn(state), 'zh-CN')).toBe(stateText(state, label));
    }
  });
});

describe('elapsed time', () => {
  it.each([
    [0, '00:00'],
    [-5000, '00:00'],
    [65_000, '01:05'],
    [3_599_999, '59:59'],
    [3_723_000, '1:02:03'],
  ])('%i ms → %s (tray and window alike)', (ms, text) => {
    expect(formatElapsed(ms)).toBe(text);
    expect(trayTooltip(signedIn('idle'), ms, 'en')).toContain(text);
  });
});
