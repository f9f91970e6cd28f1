import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../../support/electron-fake'));

import {
  BrowserWindow,
  app,
  dialog,
  electronFake,
  resetElectronFake,
} from '../../support/electron-fake';
import {
  CRASH_LOOP_WINDOW_MS,
  HANG_LIMIT_MS,
  setupCrashRecovery,
  setupProcessErrorLogging,
} from '../../../src/main/shell/crash';
import type { FakeBrowserWindow } from '../../support/electron-fake';
import type { CallView } from '../../../src/shared/availability';

let now = 0;
let win: FakeBrowserWindow;
let core: {
  windowCrashed: ReturnType<typeof vi.fn<(loop: boolean) => Promise<void>>>;
  snapshot: () => CallView;
};
/** The session as the shell sees it: a call on, or none. */
let inCall = false;
let logged: Array<[string, string, Record<string, unknown> | undefined]>;
const logger = {
  debug: (msg: string, f?: Record<string, unknown>) => logged.push(['debug', msg, f]),
  info: (msg: string, f?: Record<string, unknown>) => logged.push(['info', msg, f]),
  warn: (msg: string, f?: Record<string, unknown>) => logged.push(['warn', msg, f]),
  error: (msg: string, f?: Record<string, unknown>) => logged.push(['error', msg, f]),
};
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  resetElectronFake();
  now = 1_000_000;
  logged = [];
  win = new BrowserWindow({}) as unknown as FakeBrowserWindow;
  inCall = false;
  core = {
    windowCrashed: vi.fn(async () => undefined),
    snapshot: () =>
      ({
        state: inCall ? 'talking' : 'idle',
        call: inCall ? { id: 'c1' } : null,
        platform: null,
      }) as unknown as CallView,
  };
  setupCrashRecovery({
    window: () => win as never,
    core,
    logger,
    language: () => 'en',
    now: () => now,
  });
});

describe('when the window dies', () => {
  it('tells the core at once (hold, end the call), logs, then reloads the window', async () => {
    win.webContents.crash('crashed');
    expect(core.windowCrashed).toHaveBeenCalledWith(false);
    await settle();
    expect(win.webContents.reload).toHaveBeenCalledTimes(1);
    expect(logged).toContainEqual([
      'error',
      'window crashed',
      expect.objectContaining({ reason: 'crashed' }),
    ]);
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
  });

  it('a clean exit (quitting) is not a crash', async () => {
    win.webContents.crash('clean-exit', 0);
    await settle();
    expect(core.windowCrashed).not.toHaveBeenCalled();
    expect(win.webContents.reload).not.toHaveBeenCalled();
  });

  it('three deaths within five minutes: the hold is kept and a native dialog says so', async () => {
    win.webContents.crash('crashed');
    now += 60_000;
    win.webContents.crash('oom');
    await settle();
    now += 60_000;
    dialog.showMessageBox.mockImplementationOnce(() => new Promise(() => {}));
    win.webContents.crash('crashed');
    await settle();
    expect(core.windowCrashed.mock.calls).toEqual([[false], [false], [true]]);
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(1);
    expect(dialog.showMessageBox.mock.calls[0]).toEqual([
      expect.objectContaining({ title: 'The window keeps crashing', type: 'error' }),
    ]);
  });

  it('deaths spread over more than five minutes are not a loop', async () => {
    for (let i = 0; i < 4; i++) {
      win.webContents.crash('crashed');
      now += CRASH_LOOP_WINDOW_MS / 2 + 1;
    }
    await settle();
    expect(core.windowCrashed.mock.calls.every(([loop]) => loop === false)).toBe(true);
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
    expect(win.webContents.reload).toHaveBeenCalledTimes(4);
  });

  it('a core that fails to hold is logged; the window still reloads', async () => {
    core.windowCrashed.mockRejectedValueOnce(new Error('platform down'));
    win.webContents.crash('crashed');
    await settle();
    expect(logged).toContainEqual([
      'error',
      'crash hold failed',
      { error: 'Error: platform down' },
    ]);
    expect(win.webContents.reload).toHaveBeenCalledTimes(1);
  });
});

describe('other processes', () => {
  it('GPU and other child-process crashes are logged', () => {
    app.childGone({ type: 'GPU', reason: 'crashed', exitCode: 133 });
    app.childGone({ type: 'Utility', reason: 'clean-exit', exitCode: 0, serviceName: 'audio' });
    expect(logged).toEqual([
      ['error', 'child process gone', { type: 'GPU', reason: 'crashed', exitCode: 133 }],
    ]);
    expect(electronFake.windows).toHaveLength(1);
  });

  it('uncaught exceptions and rejections in main are logged and the app keeps serving', () => {
    const emitter = new EventEmitter();
    const proc = emitter as unknown as NodeJS.Process;
    const stop = setupProcessErrorLogging(logger, proc);
    const boom = new Error('boom');
    emitter.emit('uncaughtException', boom);
    emitter.emit('unhandledRejection', 'nope');
    expect(logged).toEqual([
      ['error', 'uncaught exception in main', { error: boom }],
      ['error', 'unhandled rejection in main', { error: 'nope' }],
    ]);
    // With a listener, Node does not exit on an uncaught exception: the app keeps serving.
    expect(emitter.listenerCount('uncaughtException')).toBe(1);
    stop();
    expect(emitter.listenerCount('uncaughtException')).toBe(0);
  });
});

describe('when the window hangs', () => {
  it('outside a call, a window unresponsive for 15 s is ended and recovers as from a crash', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      win.webContents.emit('unresponsive');
      vi.advanceTimersByTime(HANG_LIMIT_MS - 1);
      expect(win.webContents.forcefullyCrashRenderer).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1);
      expect(win.webContents.forcefullyCrashRenderer).toHaveBeenCalledTimes(1);
      // The crash path: the agent is held (no call is routed to a dead window), then reloaded.
      expect(core.windowCrashed).toHaveBeenCalledWith(false);
    } finally {
      vi.useRealTimers();
    }
    await settle();
    expect(win.webContents.reload).toHaveBeenCalledTimes(1);
  });

  it('a window that answers again in time is left alone', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      win.webContents.emit('unresponsive');
      vi.advanceTimersByTime(HANG_LIMIT_MS / 2);
      win.webContents.emit('responsive');
      vi.advanceTimersByTime(HANG_LIMIT_MS * 2);
      expect(win.webContents.forcefullyCrashRenderer).not.toHaveBeenCalled();
      expect(core.windowCrashed).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });

  it('during a call it is left running (the audio may still flow), and ended once the call is over', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      inCall = true;
      win.webContents.emit('unresponsive');
      vi.advanceTimersByTime(HANG_LIMIT_MS * 3);
      expect(win.webContents.forcefullyCrashRenderer).not.toHaveBeenCalled();
      inCall = false;
      vi.advanceTimersByTime(HANG_LIMIT_MS);
      expect(win.webContents.forcefullyCrashRenderer).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
