/**
 * Details of the shared rules that mutation testing found unpinned: a skill edit that only
 * toggles `enabled`, the refusal kind for states that cannot be set, the tray's "current state"
 * line and the 'system' language.
 */
import { describe, expect, it } from 'vitest';
import { diffSkills } from '../../src/shared/domain/agent';
import { checkSettableState } from '../../src/shared/domain/state';
import { TRAY_TEXT, resolveLanguage } from '../../src/shared/i18n/tray';

describe('shared rule details', () => {
  it('sends an upsert when only enabled changes', () => {
    expect(
      diffSkills(
        [{ name: '投诉', score: 80, enabled: true }],
        [{ name: '投诉', score: 80, enabled: false }],
      ),
    ).toEqual([{ opt: 1, name: '投诉', score: 80, enabled: false }]);
  });

  it('refuses online, fetching and talking as not settable, naming the base', () => {
    for (const base of ['online', 'fetching', 'talking']) {
      expect(checkSettableState(base)).toEqual({ kind: 'not-extendable', base });
    }
  });

  it('names the current state in the tray in both languages', () => {
    expect(TRAY_TEXT.en.current('Idle')).toBe('Now: Idle');
    expect(TRAY_TEXT['zh-CN'].current('空闲')).toBe('当前状态：空闲');
  });

  it('resolves the system language from the OS locale', () => {
    expect(resolveLanguage('system', 'zh-TW')).toBe('zh-CN');
    expect(resolveLanguage('system', 'ZH')).toBe('zh-CN');
    expect(resolveLanguage('system', 'en-US')).toBe('en');
    expect(resolveLanguage('system', 'de')).toBe('en');
    expect(resolveLanguage('en', 'zh-CN')).toBe('en');
    expect(resolveLanguage('zh-CN', 'en-US')).toBe('zh-CN');
  });
});
