/**
 * Crash handling. The window owns the call's audio and the ringtone: when its renderer dies the
 * agent would stay routable and hear nothing. So main tells the core at once (which holds the
 * agent busy/system/crash and ends a call with a BYE), reloads the window, and the core restores
 * the earlier state once the reloaded window reports healthy media. Three deaths within five
 * minutes: the agent stays held and a native dialog says so. A window unresponsive for
 * HANG_LIMIT_MS outside a call is ended to go the same way. GPU and other child-process crashes
 * are logged; uncaught exceptions and rejections in main are logged and the app keeps serving.
 */
import { app, dialog } from 'electron';
import { TRAY_TEXT } from '../../shared/i18n/tray';
import type { BrowserWindow, Details, RenderProcessGoneDetails } from 'electron';
import type { Language } from '../../shared/domain/errors';
import type { Logger } from '../../lib/ports';
import { isInCall } from '../../shared/availability';
import type { CallView } from '../../shared/availability';

/** What the core does about a dead window (its part is tested for real in the core). */
export interface CrashCore {
  /** Holds the agent and ends any call; `loop` = crashed too often: keep the hold. */
  windowCrashed(loop: boolean): Promise<void>;
  /** Whether a call is on (a hung window is then left alone: its audio may still flow). */
  snapshot(): CallView;
}

/**
 * A window that stays unresponsive this long is taken for dead: it can neither ring (the
 * ringtone's scheduling, the panel) nor answer, while the platform still routes calls to the
 * agent. Its renderer is ended and the crash recovery below holds the agent and reloads it.
 */
export const HANG_LIMIT_MS = 15_000;

export const CRASH_LOOP_COUNT = 3;
export const CRASH_LOOP_WINDOW_MS = 5 * 60_000;

/** Counts deaths in a sliding window: true when this one makes it a loop. */
export function crashCounter(now: () => number = Date.now) {
  const deaths: number[] = [];
  return (): boolean => {
    const t = now();
    deaths.push(t);
    while (deaths.length && t - deaths[0]! > CRASH_LOOP_WINDOW_MS) deaths.shift();
    return deaths.length >= CRASH_LOOP_COUNT;
  };
}

export interface CrashOptions {
  window: () => BrowserWindow | null;
  core: CrashCore;
  logger: Logger;
  language: () => Language;
  now?: () => number;
}

/** Watches the window's renderer and the app's child processes; returns a stop function. */
export function setupCrashRecovery(options: CrashOptions): () => void {
  const { logger } = options;
  const died = crashCounter(options.now);
  let loopShown = false;

  const onGone = (win: BrowserWindow, details: RenderProcessGoneDetails) => {
    // A clean exit is the app quitting, not a crash.
    if (details.reason === 'clean-exit') return;
    const loop = died();
    logger.error('window crashed', { reason: details.reason, exitCode: details.exitCode, loop });
    void options.core
      .windowCrashed(loop)
      .catch((error: unknown) => logger.error('crash hold failed', { error: String(error) }))
      .then(() => {
        if (!loop) return reload(win);
        if (loopShown) return;
        loopShown = true;
        const text = TRAY_TEXT[options.language()];
        void dialog
          .showMessageBox({
            type: 'error',
            title: text.crashLoopTitle,
            message: text.crashLoopTitle,
            detail: text.crashLoopBody,
            buttons: [text.crashReload],
          })
          .then(() => {
            loopShown = false;
            reload(win);
          });
      });
  };
  const reload = (win: BrowserWindow) => {
    if (win.isDestroyed()) return;
    logger.info('reloading the window after a crash');
    win.webContents.reload();
  };
  let hang: ReturnType<typeof setTimeout> | null = null;
  const stopHangWatch = () => {
    if (hang) clearTimeout(hang);
    hang = null;
  };
  const hung = (win: BrowserWindow) => {
    hang = null;
    if (win.isDestroyed()) return;
    if (isInCall(options.core.snapshot())) {
      // Killing it would end the customer's call, whose audio may still flow: look again later.
      logger.warn('window still unresponsive during a call; left running', {
        seconds: HANG_LIMIT_MS / 1000,
      });
      hang = setTimeout(() => hung(win), HANG_LIMIT_MS);
      return;
    }
    logger.error('window unresponsive too long: ending its renderer to recover', {
      seconds: HANG_LIMIT_MS / 1000,
    });
    win.webContents.forcefullyCrashRenderer();
  };
  const watch = (win: BrowserWindow | null) => {
    win?.webContents.on('render-process-gone', (_event, details) => {
      stopHangWatch();
      onGone(win, details);
    });
    win?.webContents.on('unresponsive', () => {
      logger.warn('window unresponsive');
      if (!hang) hang = setTimeout(() => hung(win), HANG_LIMIT_MS);
    });
    win?.webContents.on('responsive', () => {
      stopHangWatch();
      logger.info('window responsive again');
    });
  };
  watch(options.window());

  const onChild = (_event: unknown, details: Details) => {
    if (details.reason === 'clean-exit') return;
    logger.error('child process gone', {
      type: details.type,
      reason: details.reason,
      exitCode: details.exitCode,
      ...(details.serviceName ? { service: details.serviceName } : {}),
      ...(details.name ? { name: details.name } : {}),
    });
  };
  app.on('child-process-gone', onChild);
  return () => {
    stopHangWatch();
    app.off('child-process-gone', onChild);
  };
}

/**
 * Uncaught exceptions and unhandled rejections in main: logged, and the app keeps serving (the
 * agent's session must outlive one bad callback). Returns a function removing the handlers.
 */
export function setupProcessErrorLogging(logger: Logger, proc: NodeJS.Process = process) {
  const onException = (error: Error) => logger.error('uncaught exception in main', { error });
  const onRejection = (reason: unknown) =>
    logger.error('unhandled rejection in main', {
      error: reason instanceof Error ? reason : String(reason),
    });
  proc.on('uncaughtException', onException);
  proc.on('unhandledRejection', onRejection);
  return () => {
    proc.off('uncaughtException', onException);
    proc.off('unhandledRejection', onRejection);
  };
}
