/**
 * Ringing that cannot be missed, against the Electron fake: the hidden or minimized window comes
 * to the front (without taking the keyboard) and flashes, the tray icon blinks at ≤ 2 Hz, a notification offers Answer, and all
 * of it stops when the call stops ringing.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../../support/electron-fake'));

import { FLASH_INTERVAL_MS, setupRinging } from '../../../src/main/shell/ringing';
import { setupTray } from '../../../src/main/shell/tray';
import { showWindow } from '../../../src/main/shell/window';
import {
  BrowserWindow,
  Notification,
  app,
  electronFake,
  resetElectronFake,
} from '../../support/electron-fake';
import { FakeCore, T0, signedInSnapshot } from './fake-core';
import type { AppTray } from '../../../src/main/shell/tray';
import type { FakeBrowserWindow, FakeTray } from '../../support/electron-fake';
import type { CallInfo, SessionSnapshot } from '../../../src/shared/snapshot';
import type { BrowserWindow as ElectronWindow } from 'electron';

let core: FakeCore;
let win: FakeBrowserWindow;
let tray: AppTray;
let trayFake: FakeTray;
let stop: () => void;

const call = (phase: CallInfo['phase'] = 'ringing', id = 'c1'): CallInfo => ({
  id,
  caller: '13900001234',
  phase,
  ringingSince: T0,
  talkingSince: phase === 'talking' ? T0 + 1 : null,
  muted: false,
});
const withCall = (value: CallInfo | null): SessionSnapshot => ({
  ...signedInSnapshot(value ? 'fetching' : 'idle'),
  call: value,
});
const iconName = () => trayFake.image.path.replace(/^.*\/(.*)\.png$/, '$1');
const notification = () => electronFake.notifications[electronFake.notifications.length - 1]!;

function start() {
  stop = setupRinging({
    core,
    window: () => win as unknown as ElectronWindow,
    showWindow: () => showWindow(win as unknown as ElectronWindow),
    tray: () => tray,
    language: () => 'zh-CN',
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
}

beforeEach(() => {
  vi.useFakeTimers();
  resetElectronFake();
  core = new FakeCore();
  core.setSnapshot(withCall(null));
  win = new BrowserWindow({});
  tray = setupTray({
    core,
    iconDir: '/res/tray',
    language: () => 'zh-CN',
    onAction: () => {},
    onClick: () => {},
    now: () => T0,
  });
  trayFake = electronFake.trays[0]!;
});
afterEach(() => {
  stop();
  tray.destroy();
  vi.useRealTimers();
});

describe('ringing', () => {
  it('brings a hidden, minimized window to the front and flashes its taskbar button', () => {
    start();
    win.visible = false;
    win.minimized = true;
    core.setSnapshot(withCall(call()));
    expect(win).toMatchObject({ visible: true, minimized: false, flashing: true });
    expect(win.moveTop).toHaveBeenCalled();
    core.setSnapshot(withCall(call('answering')));
    expect(win.flashing).toBe(false);
  });

  // The agent may be typing in another app (the CRM): their next Space or Enter must not land
  // on Answer. The window is shown and raised, not activated; the global hotkey still answers.
  // The same on every OS (macOS too: no app.focus({ steal: true })).
  it('shows the window without taking the keyboard from the app in use', () => {
    start();
    core.setSnapshot(withCall(call()));
    expect(win.showInactive).toHaveBeenCalled();
    expect(win.focused).toBe(false);
    expect(app.focus).not.toHaveBeenCalled();
  });

  it('a click on the notification still brings the window up with the focus', () => {
    start();
    core.setSnapshot(withCall(call()));
    notification().emit('click');
    expect(win.focused).toBe(true);
  });

  it('blinks the tray icon at most twice a second while ringing, then shows the state again', () => {
    start();
    core.setSnapshot(withCall(call()));
    const seen: string[] = [iconName()];
    for (let i = 0; i < 4; i++) {
      vi.advanceTimersByTime(FLASH_INTERVAL_MS);
      seen.push(iconName());
    }
    expect(FLASH_INTERVAL_MS).toBeGreaterThanOrEqual(500);
    expect(seen).toEqual(['fetching', 'idle', 'fetching', 'idle', 'fetching']);
    // Talking: the blinking stops and the model's icon is back.
    core.setSnapshot({ ...withCall(call('talking')), state: 'talking' });
    expect(iconName()).toBe('talking');
    vi.advanceTimersByTime(FLASH_INTERVAL_MS * 3);
    expect(iconName()).toBe('talking');
    expect(vi.getTimerCount()).toBe(1); // only the tray's own tooltip refresh
  });

  it('shows a notification with an Answer action; the action answers the call', async () => {
    start();
    core.setSnapshot(withCall(call()));
    const shown = notification();
    expect(shown.shown).toBe(true);
    expect(shown.options).toMatchObject({
      title: '来电',
      body: '13900001234 正在呼叫',
      actions: [{ type: 'button', text: '接听' }],
      urgency: 'critical',
      timeoutType: 'never',
    });
    shown.act(0);
    await vi.waitFor(() =>
      expect(core.dispatch).toHaveBeenCalledWith('call:answer', { callId: 'c1' }),
    );
    core.setSnapshot(withCall(call('answering')));
    expect(shown.closed).toBe(true);
  });

  it('a failed answer from the notification brings the window up', async () => {
    start();
    core.setSnapshot(withCall(call()));
    win.visible = false;
    core.dispatch.mockResolvedValueOnce({
      ok: false,
      error: { code: 'media', message: 'media' },
    });
    notification().act(0);
    await vi.waitFor(() => expect(win.visible).toBe(true));
  });

  it('a click on the notification shows the window', () => {
    start();
    core.setSnapshot(withCall(call()));
    win.visible = false;
    notification().emit('click');
    expect(win.visible).toBe(true);
  });

  it('a call that stops ringing unanswered closes the notification; the next call gets a new one', () => {
    start();
    core.setSnapshot(withCall(call('ringing', 'c1')));
    const first = notification();
    core.setSnapshot(withCall(null));
    expect(first.closed).toBe(true);
    expect(iconName()).toBe('idle');
    core.setSnapshot(withCall(call('ringing', 'c2')));
    expect(electronFake.notifications).toHaveLength(2);
    expect(notification().closed).toBe(false);
  });

  it('without notification support the window and tray still ring', () => {
    Notification.supported = false;
    start();
    core.setSnapshot(withCall(call()));
    expect(electronFake.notifications).toHaveLength(0);
    expect(win.visible).toBe(true);
    expect(iconName()).toBe('fetching');
  });

  it('a call already ringing at start-up rings; stopping ends everything', () => {
    core.setSnapshot(withCall(call()));
    start();
    expect(win.flashing).toBe(true);
    stop();
    expect(win.flashing).toBe(false);
    expect(notification().closed).toBe(true);
    stop = () => {};
  });
});
