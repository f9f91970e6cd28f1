/**
 * macOS (10.14+) refuses the media keys to an app that is not allowed Accessibility: the
 * play/pause key the agent chose for calls then does nothing. The log must say so (and what
 * grants it) rather than blame another application, which sends IT looking for the wrong thing.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../../support/electron-fake'));

import { setupHotkeys } from '../../../src/main/shell/hotkeys';
import { globalShortcut, resetElectronFake, systemPreferences } from '../../support/electron-fake';
import { FakeCore } from './fake-core';

let core: FakeCore;
let warnings: Array<[string, Record<string, unknown> | undefined]>;

const start = (platform: NodeJS.Platform) =>
  setupHotkeys({
    core,
    logger: {
      debug() {},
      info() {},
      warn: (msg, fields) => void warnings.push([msg, fields]),
      error() {},
    },
    showWindow: () => undefined,
    platform,
  });

beforeEach(() => {
  resetElectronFake();
  core = new FakeCore();
  core.setSettings({ mediaKeyCallControl: true });
  warnings = [];
});

describe('the play/pause key on macOS', () => {
  it('not allowed Accessibility: the log names Accessibility, not another application', () => {
    // What macOS does for an untrusted app: the media key does not register.
    systemPreferences.trusted = false;
    globalShortcut.taken.add('MediaPlayPause');
    const stop = start('darwin');
    expect(warnings).toEqual([
      [
        expect.stringMatching(/^media key refused by macOS: .*Accessibility.*PPPC/),
        { action: 'answer-or-hang-up', accelerator: 'MediaPlayPause' },
      ],
    ]);
    // Asked without the system prompt popping up over the agent's work.
    expect(systemPreferences.isTrustedAccessibilityClient).toHaveBeenCalledWith(false);
    stop();
  });

  it('allowed Accessibility but held by another app: taken, as before', () => {
    globalShortcut.taken.add('MediaPlayPause');
    const stop = start('darwin');
    expect(warnings).toEqual([
      [
        'hotkey taken by another application',
        { action: 'answer-or-hang-up', accelerator: 'MediaPlayPause' },
      ],
    ]);
    stop();
  });

  it('ordinary hotkeys, and other systems, never ask about Accessibility', () => {
    systemPreferences.trusted = false;
    globalShortcut.taken.add('CommandOrControl+Alt+A');
    const stop = start('darwin');
    expect(warnings).toEqual([
      ['hotkey taken by another application', expect.objectContaining({ action: 'answer' })],
    ]);
    stop();
    warnings = [];
    globalShortcut.taken.add('MediaPlayPause');
    const stopWin = start('win32');
    expect(warnings.map(([msg]) => msg)).toEqual([
      'hotkey taken by another application',
      'hotkey taken by another application',
    ]);
    expect(systemPreferences.isTrustedAccessibilityClient).not.toHaveBeenCalled();
    stopWin();
  });
});
