import { describe, expect, it } from 'vitest';
import {
  describeAccelerator,
  keyBindings,
  keyConflicts,
  normaliseAccelerator,
} from '../../src/shared/key-bindings';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';

describe('call keys and their conflicts', () => {
  it('spells one accelerator one way', () => {
    expect(normaliseAccelerator('CmdOrCtrl+Shift+M')).toBe(
      normaliseAccelerator('shift+CommandOrControl+m'),
    );
    expect(normaliseAccelerator('')).toBe('');
  });

  it('has no conflicts by default, with a mute hotkey and the headset on', () => {
    expect(keyConflicts(DEFAULT_SETTINGS)).toEqual([]);
    expect(keyBindings(DEFAULT_SETTINGS).map((b) => [b.action, b.source])).toEqual([
      ['answer', 'hotkey'],
      ['hang-up', 'hotkey'],
      ['toggle-ready', 'hotkey'],
      ['mute', 'hotkey'],
      ['answer-or-hang-up', 'headset'],
      ['mute', 'headset'],
    ]);
  });

  it('finds two actions on one key, however it is spelt', () => {
    const conflicts = keyConflicts({
      ...DEFAULT_SETTINGS,
      hotkeyMute: 'Alt+CmdOrCtrl+A',
    });
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]!.bindings.map((b) => b.setting)).toEqual(['hotkeyAnswer', 'hotkeyMute']);
  });

  it('Ctrl and CommandOrControl are one key on a PC; Command and CommandOrControl on a Mac', () => {
    const settings = { ...DEFAULT_SETTINGS, hotkeyMute: 'Ctrl+Alt+A' };
    expect(keyConflicts(settings).map((c) => c.bindings.map((b) => b.setting))).toEqual([
      ['hotkeyAnswer', 'hotkeyMute'],
    ]);
    expect(keyConflicts(settings, true)).toEqual([]);
    expect(keyConflicts({ ...DEFAULT_SETTINGS, hotkeyMute: 'Command+Alt+A' }, true)).toHaveLength(
      1,
    );
  });

  it('finds a hotkey on the play/pause key once media keys control calls', () => {
    const settings = { ...DEFAULT_SETTINGS, hotkeyToggleReady: 'MediaPlayPause' };
    expect(keyConflicts(settings)).toEqual([]);
    const conflicts = keyConflicts({ ...settings, mediaKeyCallControl: true });
    expect(conflicts.map((c) => c.bindings.map((b) => b.action))).toEqual([
      ['toggle-ready', 'answer-or-hang-up'],
    ]);
  });

  it('ignores keys that are off', () => {
    expect(keyConflicts({ ...DEFAULT_SETTINGS, hotkeyAnswer: '', hotkeyHangUp: '' })).toEqual([]);
  });
});

describe('describeAccelerator', () => {
  it('says an accelerator as the keyboard shows it, on a PC and on a Mac', () => {
    expect(describeAccelerator('CommandOrControl+Alt+A', false)).toBe('Ctrl+Alt+A');
    expect(describeAccelerator('CommandOrControl+Alt+A', true)).toBe('⌘⌥A');
    expect(describeAccelerator('CmdOrCtrl+Shift+f5', false)).toBe('Ctrl+Shift+F5');
    expect(describeAccelerator('Control+Option+space', true)).toBe('⌃⌥Space');
    expect(describeAccelerator('Super+Alt+m', false)).toBe('Win+Alt+M');
    expect(describeAccelerator('F9', false)).toBe('F9');
    expect(describeAccelerator('  ', false)).toBe('');
  });
});
