/**
 * The settings' own rules, in src/shared: which global hotkeys are usable, and that the schema
 * takes the defaults and refuses what the form must not save.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  SettingsPatchSchema,
  SettingsSchema,
  isHotkey,
} from '../../src/shared/settings';

describe('isHotkey', () => {
  it.each([
    '',
    'CommandOrControl+Alt+A',
    'Ctrl+Shift+1',
    'Alt+F4',
    'F1',
    'F9',
    'F12',
    'F19',
    'F24',
    'VolumeUp',
    'volumemute',
    'MediaPlayPause',
    'MediaNextTrack',
    'Super+Space',
    'Meta+plus',
    'Cmd+Num0',
    'Option+PageDown',
    'Control+/',
    'Shift+Escape',
    'AltGr+Enter',
    'Shift+F5',
  ])('accepts %j', (accelerator) => {
    expect(isHotkey(accelerator)).toBe(true);
  });

  it.each([
    'A', // a lone letter would steal typing
    '1',
    'Space',
    'F0',
    'F25',
    'F100',
    'Ctrl+Ctrl+A', // a modifier twice
    'Ctrl+Banana+A', // not a modifier
    'Ctrl+', // no key
    'Ctrl+Alt', // modifiers only
    'Ctrl+AB',
    'Ctrl+F1x',
    'Ctrl+Num10',
    '+',
    'Hyper+A',
    'Shift+A', // Shift alone only types a capital: every app would lose it
    'Shift+1',
    'Shift+Space',
    'Shift+/',
  ])('refuses %j', (accelerator) => {
    expect(isHotkey(accelerator)).toBe(false);
  });
});

describe('the settings schema', () => {
  it('takes the defaults', () => {
    expect(SettingsSchema.parse(DEFAULT_SETTINGS)).toEqual(DEFAULT_SETTINGS);
  });

  it.each([
    ['keepaliveSeconds', 4],
    ['keepaliveSeconds', 241],
    ['keepaliveSeconds', 30.5],
    ['registerExpiresSeconds', 59],
    ['registerExpiresSeconds', 3601],
    ['platformBaseUrl', 'ftp://platform.example'],
    ['sipWsUrl', 'http://sip.example'],
    ['busyReasons', ['']],
    ['awayReasons', ['fetching-lunch']],
    ['wrapUpReason', 'talking-notes'],
    ['busyReasons', Array.from({ length: 51 }, (_, i) => `r${i}`)],
    ['hotkeyAnswer', 'A'],
    ['language', 'fr'],
    ['onLock', 'explode'],
  ])('refuses %s = %j', (key, value) => {
    expect(SettingsSchema.safeParse({ ...DEFAULT_SETTINGS, [key]: value }).success).toBe(false);
  });

  it('takes a partial patch with secrets, and refuses a bad one', () => {
    expect(
      SettingsPatchSchema.safeParse({ keepaliveSeconds: 60, secrets: { sipPassword: 'pw' } })
        .success,
    ).toBe(true);
    expect(SettingsPatchSchema.safeParse({ secrets: { secretKey: 'x'.repeat(257) } }).success).toBe(
      false,
    );
  });
});
