import { describe, expect, it } from 'vitest';
import { formatElapsed, stateText, stateTextOrSent } from '../../src/shared/domain/state-text';
import { stateLabel, trayTooltip } from '../../src/main/core/tray-model';
import { TRAY_TEXT } from '../../src/shared/i18n/tray';
import { initialSnapshot } from '../../src/shared/snapshot';
import type { SessionSnapshot } from '../../src/shared/snapshot';

const label = (base: keyof (typeof TRAY_TEXT)['en']['states']) => TRAY_TEXT['zh-CN'].states[base];
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

  it('reads as sent when the state has no known base (tray, banners, history, day)', () => {
    expect(stateTextOrSent('busy/小休', label)).toBe('忙碌 · 小休');
    expect(stateTextOrSent('x/y', label)).toBe('x/y');
    expect(stateLabel(signedIn('x/y'), 'zh-CN')).toBe('x/y');
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
