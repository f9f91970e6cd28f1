/**
 * Global hotkeys against the Electron fake: registered from settings, re-registered when they
 * change, each acting on the current snapshot; failures are logged, never thrown.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../../support/electron-fake'));

import { commandFor, setupHotkeys } from '../../../src/main/shell/hotkeys';
import { DEFAULT_SETTINGS, SettingsSchema, isHotkey } from '../../../src/shared/settings';
import { globalShortcut, resetElectronFake } from '../../support/electron-fake';
import { FakeCore, T0, signedInSnapshot } from './fake-core';
import type { CallInfo } from '../../../src/shared/snapshot';

let core: FakeCore;
let warnings: Array<[string, Record<string, unknown> | undefined]>;
let shown: number;
let stop: () => void;

const ringing: CallInfo = {
  id: 'c1',
  caller: '139',
  phase: 'ringing',
  ringingSince: T0,
  talkingSince: null,
  muted: false,
};
const start = () =>
  (stop = setupHotkeys({
    core,
    logger: {
      debug() {},
      info() {},
      warn: (msg, fields) => void warnings.push([msg, fields]),
      error() {},
    },
    showWindow: () => void shown++,
  }));
const registered = () => [...globalShortcut.registered.keys()].sort();

beforeEach(() => {
  resetElectronFake();
  core = new FakeCore();
  warnings = [];
  shown = 0;
});

describe('global hotkeys', () => {
  it('registers the four defaults and releases them when stopped', () => {
    start();
    expect(registered()).toEqual([
      'CommandOrControl+Alt+A',
      'CommandOrControl+Alt+H',
      'CommandOrControl+Alt+M',
      'CommandOrControl+Alt+R',
    ]);
    stop();
    expect(registered()).toEqual([]);
  });

  it('answer, hang-up and toggle-ready act on the current snapshot', async () => {
    start();
    core.current = { ...signedInSnapshot('fetching'), call: ringing };
    globalShortcut.press('CommandOrControl+Alt+A');
    expect(core.dispatch).toHaveBeenLastCalledWith('call:answer', { callId: 'c1' });
    globalShortcut.press('CommandOrControl+Alt+H');
    expect(core.dispatch).toHaveBeenLastCalledWith('call:reject', { callId: 'c1' });
    core.current = { ...signedInSnapshot('talking'), call: { ...ringing, phase: 'talking' } };
    globalShortcut.press('CommandOrControl+Alt+H');
    expect(core.dispatch).toHaveBeenLastCalledWith('call:hangup', { callId: 'c1' });
    core.current = signedInSnapshot('idle');
    globalShortcut.press('CommandOrControl+Alt+R');
    expect(core.dispatch).toHaveBeenLastCalledWith('agent:set-state', { state: 'busy' });
    core.current = signedInSnapshot('away/午餐');
    globalShortcut.press('CommandOrControl+Alt+R');
    expect(core.dispatch).toHaveBeenLastCalledWith('agent:set-state', { state: 'idle' });
    expect(core.dispatch).toHaveBeenCalledTimes(5);
    stop();
  });

  it('the mute hotkey toggles mute on a talking call, without the window', () => {
    start();
    const talking = { ...ringing, phase: 'talking' as const };
    core.current = { ...signedInSnapshot('talking'), call: talking };
    globalShortcut.press('CommandOrControl+Alt+M');
    expect(core.dispatch).toHaveBeenLastCalledWith('call:mute', { callId: 'c1', muted: true });
    core.current = { ...signedInSnapshot('talking'), call: { ...talking, muted: true } };
    globalShortcut.press('CommandOrControl+Alt+M');
    expect(core.dispatch).toHaveBeenLastCalledWith('call:mute', { callId: 'c1', muted: false });
    // Nothing to mute while ringing or without a call.
    core.current = { ...signedInSnapshot('fetching'), call: ringing };
    globalShortcut.press('CommandOrControl+Alt+M');
    core.current = signedInSnapshot('idle');
    globalShortcut.press('CommandOrControl+Alt+M');
    expect(core.dispatch).toHaveBeenCalledTimes(2);
    expect(shown).toBe(0);
    stop();
  });

  it('the play/pause media key answers and hangs up once chosen for calls', () => {
    start();
    expect(registered()).not.toContain('MediaPlayPause');
    core.setSettings({ mediaKeyCallControl: true });
    expect(registered()).toContain('MediaPlayPause');
    core.current = { ...signedInSnapshot('fetching'), call: ringing };
    globalShortcut.press('MediaPlayPause');
    expect(core.dispatch).toHaveBeenLastCalledWith('call:answer', { callId: 'c1' });
    core.current = { ...signedInSnapshot('talking'), call: { ...ringing, phase: 'talking' } };
    globalShortcut.press('MediaPlayPause');
    expect(core.dispatch).toHaveBeenLastCalledWith('call:hangup', { callId: 'c1' });
    core.setSettings({ mediaKeyCallControl: false });
    expect(registered()).not.toContain('MediaPlayPause');
    stop();
  });

  it('does nothing when there is nothing to act on', () => {
    start();
    core.current = signedInSnapshot('idle');
    globalShortcut.press('CommandOrControl+Alt+A');
    globalShortcut.press('CommandOrControl+Alt+H');
    core.current = { ...signedInSnapshot('idle'), phase: 'signed-out' };
    globalShortcut.press('CommandOrControl+Alt+R');
    expect(core.dispatch).not.toHaveBeenCalled();
    stop();
  });

  it('a refused command brings the window up', async () => {
    start();
    core.current = signedInSnapshot('idle');
    core.dispatch.mockResolvedValueOnce({ ok: false, error: { code: '000004', message: 'busy' } });
    globalShortcut.press('CommandOrControl+Alt+R');
    await vi.waitFor(() => expect(shown).toBe(1));
    stop();
  });

  it('re-registers when settings change; an empty one is off', () => {
    start();
    core.setSettings({ hotkeyAnswer: 'F9', hotkeyToggleReady: '' });
    expect(registered()).toEqual(['CommandOrControl+Alt+H', 'CommandOrControl+Alt+M', 'F9']);
    expect(globalShortcut.unregister).toHaveBeenCalledWith('CommandOrControl+Alt+A');
    // Unrelated settings changes leave the registrations alone.
    globalShortcut.register.mockClear();
    core.setSettings({ language: 'en' });
    expect(globalShortcut.register).not.toHaveBeenCalled();
    stop();
  });

  it('taken, duplicated and invalid hotkeys are logged and skipped, the others still work', () => {
    globalShortcut.taken.add('CommandOrControl+Alt+A');
    globalShortcut.invalid.add('Alt+Bogus');
    core.currentSettings = {
      ...DEFAULT_SETTINGS,
      hotkeyHangUp: 'Alt+Bogus',
      hotkeyToggleReady: 'CommandOrControl+Alt+A',
      hotkeyMute: '',
    };
    expect(() => start()).not.toThrow();
    expect(registered()).toEqual([]);
    expect(warnings.map(([msg, fields]) => [msg, fields?.action])).toEqual([
      ['hotkey taken by another application', 'answer'],
      ['hotkey not registered', 'hang-up'],
      ['hotkey taken by another application', 'toggle-ready'],
    ]);
    core.setSettings({ hotkeyAnswer: 'F8', hotkeyHangUp: 'F8', hotkeyToggleReady: 'F10' });
    expect(registered()).toEqual(['F10', 'F8']);
    expect(warnings.at(-1)).toEqual([
      'hotkey used twice; kept for the first',
      { action: 'hang-up', accelerator: 'F8' },
    ]);
    stop();
  });

  it('a hotkey another app held is taken once that app lets go and Settings are saved again', () => {
    globalShortcut.taken.add('CommandOrControl+Alt+A');
    start();
    expect(registered()).not.toContain('CommandOrControl+Alt+A');
    // The agent closes the other app and saves Settings again, with the same hotkeys.
    globalShortcut.taken.delete('CommandOrControl+Alt+A');
    core.setSettings({});
    expect(registered()).toContain('CommandOrControl+Alt+A');
    stop();
  });

  it('Ctrl+Alt+A next to CommandOrControl+Alt+A on a PC: the same key, said as used twice', () => {
    core.currentSettings = { ...DEFAULT_SETTINGS, hotkeyMute: 'Ctrl+Alt+A' };
    start();
    expect(warnings).toContainEqual([
      'hotkey used twice; kept for the first',
      { action: 'mute', accelerator: 'Ctrl+Alt+A' },
    ]);
    stop();
  });

  it('commandFor ignores toggle-ready during a call', () => {
    expect(commandFor('toggle-ready', signedInSnapshot('talking'))).toBeNull();
    expect(
      commandFor('answer', {
        ...signedInSnapshot('talking'),
        call: { ...ringing, phase: 'talking' },
      }),
    ).toBeNull();
  });
});

describe('hotkey settings', () => {
  it.each([
    ['', true],
    ['CommandOrControl+Alt+A', true],
    ['Ctrl+Alt+Space', true],
    ['Alt+F4', true],
    ['F9', true],
    ['MediaPlayPause', true],
    ['CmdOrCtrl+Plus', true],
    ['Ctrl+Shift+/', true],
    ['Shift+/', false], // types ? in every application
    ['A', false],
    ['Space', false],
    ['Ctrl+Ctrl+A', false],
    ['Ctrl+Shift', false],
    ['Hyper+A', false],
    ['Ctrl+AB', false],
    ['Ctrl+', false],
  ])('%j usable: %s', (accelerator, usable) => {
    expect(isHotkey(accelerator)).toBe(usable);
    expect(SettingsSchema.shape.hotkeyAnswer.safeParse(accelerator).success).toBe(usable);
  });

  it('defaults are valid settings', () => {
    expect(SettingsSchema.safeParse(DEFAULT_SETTINGS).success).toBe(true);
  });
});
