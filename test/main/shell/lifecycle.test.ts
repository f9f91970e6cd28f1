import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../../support/electron-fake'));

import { QUIT_TIMEOUT_MS, setupQuit, setupSingleInstance } from '../../../src/main/shell/lifecycle';
import { setupCloseToTray, showWindow } from '../../../src/main/shell/window';
import { silentLogger } from '../../../src/lib/ports';
import {
  app,
  BrowserWindow,
  fakeEvent,
  powerMonitor,
  resetElectronFake,
} from '../../support/electron-fake';
import { FakeCore, signedInSnapshot } from './fake-core';
import { isInCall } from '../../../src/shared/availability';
import type { QuitControl } from '../../../src/main/shell/lifecycle';

let control: QuitControl | null = null;
beforeEach(() => resetElectronFake());
afterEach(() => {
  control?.dispose();
  control = null;
  vi.useRealTimers();
});

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('single instance', () => {
  it('the first instance takes the lock; a second launch shows and focuses its window', () => {
    const win = new BrowserWindow({});
    win.minimized = true;
    expect(setupSingleInstance(() => showWindow(win as never))).toBe(true);
    app.emit('second-instance', {}, ['agent-desktop'], '/', {});
    expect(win).toMatchObject({ visible: true, focused: true, minimized: false });
  });

  it('a second instance quits at once', () => {
    app.hasLock = false;
    expect(setupSingleInstance(() => {})).toBe(false);
    expect(app.quit).toHaveBeenCalled();
  });
});

describe('close to tray', () => {
  it('closing the window hides it while the app runs', () => {
    const win = new BrowserWindow({});
    win.show();
    setupCloseToTray(win as never, {
      isQuitting: () => false,
      endSession: app.quit,
      inCall: () => false,
    });
    win.close();
    expect(win.destroyed).toBe(false);
    expect(win.visible).toBe(false);
  });

  it('the window really closes when quitting', () => {
    const win = new BrowserWindow({});
    setupCloseToTray(win as never, {
      isQuitting: () => true,
      endSession: app.quit,
      inCall: () => false,
    });
    win.close();
    expect(win.destroyed).toBe(true);
  });
});

describe('quit', () => {
  it('signs out through core.shutdown (bounded) before the app quits', async () => {
    const core = new FakeCore();
    core.current = signedInSnapshot('idle');
    const win = new BrowserWindow({});
    const beforeExit = vi.fn();
    control = setupQuit({ logger: silentLogger, beforeExit });
    control.attachCore(core);
    setupCloseToTray(win as never, {
      isQuitting: control.isQuitting,
      endSession: control.endSession,
      inCall: () => false,
    });

    control.quit();
    expect(control.isQuitting()).toBe(true);
    expect(core.shutdown).toHaveBeenCalledWith(QUIT_TIMEOUT_MS);
    expect(app.quitting).toBe(false);
    expect(win.destroyed).toBe(false);
    await flush();
    expect(beforeExit).toHaveBeenCalled();
    expect(app.quitting).toBe(true);
    expect(win.destroyed).toBe(true);
    expect(core.current.phase).toBe('signed-out');
  });

  it('a second quit while signing out does not shut down twice', async () => {
    const core = new FakeCore();
    control = setupQuit({ logger: silentLogger });
    control.attachCore(core);
    app.quit();
    app.quit();
    await flush();
    expect(core.shutdown).toHaveBeenCalledTimes(1);
  });

  it('a hung shutdown still lets the app exit', async () => {
    vi.useFakeTimers();
    const core = new FakeCore();
    core.shutdown.mockImplementation(() => new Promise(() => {}));
    control = setupQuit({ logger: silentLogger, timeoutMs: 100 });
    control.attachCore(core);
    app.quit();
    await vi.advanceTimersByTimeAsync(1100);
    expect(app.quitting).toBe(true);
  });

  it('quitting before the core exists exits at once', async () => {
    control = setupQuit({ logger: silentLogger });
    app.quit();
    await flush();
    expect(app.quitting).toBe(true);
  });

  describe('during a call', () => {
    /** A call dialled straight to the extension: the platform shows idle, the line a call. */
    const talking = () => {
      const core = new FakeCore();
      core.current = {
        ...signedInSnapshot('idle'),
        call: { id: 'c1', caller: '13800000000', phase: 'talking', ringingSince: 1 } as never,
      };
      return core;
    };

    it('the agent’s Quit asks first, and Cancel keeps the app and the call', async () => {
      const core = talking();
      const confirmInCall = vi.fn(async () => false);
      control = setupQuit({ logger: silentLogger, confirmInCall });
      control.attachCore(core);
      await control.quit();
      await flush();
      expect(confirmInCall).toHaveBeenCalledTimes(1);
      expect(core.shutdown).not.toHaveBeenCalled();
      expect(app.quitting).toBe(false);
      expect(control.isQuitting()).toBe(false);
    });

    it('Quit again while “hang up and quit?” is open asks once, not twice', async () => {
      const core = talking();
      let answer: (go: boolean) => void = () => {};
      const confirmInCall = vi.fn(() => new Promise<boolean>((resolve) => (answer = resolve)));
      control = setupQuit({ logger: silentLogger, confirmInCall });
      control.attachCore(core);
      // Tray Quit, then Cmd/Ctrl+Q while the question is still up.
      const first = control.quit();
      const second = control.quit();
      await flush();
      expect(confirmInCall).toHaveBeenCalledTimes(1);
      answer(false);
      await Promise.all([first, second]);
      expect(app.quitting).toBe(false);
      // Asked again once answered.
      void control.quit();
      await flush();
      expect(confirmInCall).toHaveBeenCalledTimes(2);
    });

    it('“Hang up and quit” quits as usual', async () => {
      const core = new FakeCore();
      core.current = signedInSnapshot('talking');
      control = setupQuit({ logger: silentLogger, confirmInCall: async () => true });
      control.attachCore(core);
      await control.quit();
      await flush();
      expect(core.shutdown).toHaveBeenCalled();
      expect(app.quitting).toBe(true);
    });

    it('a question that cannot be shown keeps the call', async () => {
      const core = talking();
      control = setupQuit({
        logger: silentLogger,
        confirmInCall: async () => Promise.reject(new Error('no display')),
      });
      control.attachCore(core);
      await control.quit();
      await flush();
      expect(app.quitting).toBe(false);
    });

    it('a quit from outside the app (the macOS Dock) asks first too, and Cancel keeps the call', async () => {
      const core = talking();
      const confirmInCall = vi.fn(async () => false);
      control = setupQuit({ logger: silentLogger, confirmInCall });
      control.attachCore(core);
      // The Dock's Quit reaches the app as app.quit(): before-quit with no Quit item behind it.
      app.quit();
      await flush();
      expect(confirmInCall).toHaveBeenCalledTimes(1);
      expect(core.shutdown).not.toHaveBeenCalled();
      expect(app.quitting).toBe(false);
      expect(control.isQuitting()).toBe(false);
      // Quit from the Dock again, and the tray's Quit, while asked: one question.
      let answer: (go: boolean) => void = () => {};
      confirmInCall.mockImplementation(() => new Promise<boolean>((r) => (answer = r)));
      app.quit();
      const tray = control.quit();
      app.quit();
      await flush();
      expect(confirmInCall).toHaveBeenCalledTimes(2);
      // "Hang up and quit": signed out first, as any quit.
      answer(true);
      await tray;
      await flush();
      expect(core.shutdown).toHaveBeenCalledWith(QUIT_TIMEOUT_MS);
      expect(app.quitting).toBe(true);
    });

    it('out of a call nothing is asked; the OS ending the session is never asked', async () => {
      const confirmInCall = vi.fn(async () => false);
      const idle = new FakeCore();
      idle.current = signedInSnapshot('idle');
      control = setupQuit({ logger: silentLogger, confirmInCall });
      control.attachCore(idle);
      await control.quit();
      await flush();
      expect(app.quitting).toBe(true);
      control.dispose();

      resetElectronFake();
      control = setupQuit({ logger: silentLogger, confirmInCall });
      const core = talking();
      control.attachCore(core);
      process.emit('SIGTERM');
      await flush();
      expect(confirmInCall).not.toHaveBeenCalled();
      expect(core.shutdown).toHaveBeenCalled();
    });
  });

  it('keeps running with no window, and quits in order on SIGTERM', async () => {
    control = setupQuit({ logger: silentLogger });
    expect(app.listenerCount('window-all-closed')).toBe(1);
    const core = new FakeCore();
    control.attachCore(core);
    process.emit('SIGTERM');
    await flush();
    expect(core.shutdown).toHaveBeenCalled();
    expect(app.quitting).toBe(true);
  });

  describe('the OS ending the session', () => {
    /** A signed-in agent, the window in the tray and the quit path wired as the shell does. */
    const running = () => {
      const core = new FakeCore();
      core.current = signedInSnapshot('talking');
      const confirmInCall = vi.fn(async () => false);
      control = setupQuit({ logger: silentLogger, confirmInCall });
      control.attachCore(core);
      const win = new BrowserWindow({});
      setupCloseToTray(win as never, {
        isQuitting: control.isQuitting,
        endSession: control.endSession,
        inCall: () => isInCall(core.current),
      });
      return { core, win, confirmInCall };
    };

    it('Windows log-off or shutdown signs the agent out (no before-quit, no SIGTERM)', async () => {
      const { core, win, confirmInCall } = running();
      win.emit('session-end', fakeEvent({ reasons: ['logoff'] }));
      expect(core.shutdown).toHaveBeenCalledWith(QUIT_TIMEOUT_MS);
      await flush();
      expect(core.current.phase).toBe('signed-out');
      expect(confirmInCall).not.toHaveBeenCalled();
      expect(app.quitting).toBe(true);
    });

    it('Windows is asked to wait while a call is on (its own "preventing sign-out" screen), not otherwise', async () => {
      const { core, win } = running();
      const duringCall = fakeEvent({ reasons: ['logoff'] });
      win.emit('query-session-end', duringCall);
      expect(duringCall.defaultPrevented).toBe(true);
      // Nothing ended yet: the call and the session go on.
      expect(core.shutdown).not.toHaveBeenCalled();
      expect(app.quitting).toBe(false);
      core.current = signedInSnapshot('idle');
      const afterCall = fakeEvent({ reasons: ['shutdown'] });
      win.emit('query-session-end', afterCall);
      expect(afterCall.defaultPrevented).toBe(false);
    });

    it('Linux/macOS shutdown delays the OS and signs the agent out first', async () => {
      const { core, confirmInCall } = running();
      await flush();
      const event = fakeEvent();
      powerMonitor.emit('shutdown', event);
      expect(event.defaultPrevented).toBe(true);
      expect(core.shutdown).toHaveBeenCalledWith(QUIT_TIMEOUT_MS);
      await flush();
      expect(core.current.phase).toBe('signed-out');
      expect(confirmInCall).not.toHaveBeenCalled();
      expect(app.quitting).toBe(true);
    });

    it('Linux: Electron listens for shutdown, though this is powerMonitor’s first listener', async () => {
      running();
      await flush();
      expect(powerMonitor.listeningForShutdown).toBe(true);
    });

    it('stops listening for shutdown once disposed', async () => {
      running();
      await flush();
      control?.dispose();
      expect(powerMonitor.listenerCount('shutdown')).toBe(0);
    });
  });
});
