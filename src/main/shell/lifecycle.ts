/**
 * App lifecycle: one instance only (a second launch brings the first window forward), the app
 * lives in the tray when its window is closed, and quitting signs the agent out — bounded —
 * before the process exits.
 */
import { app, powerMonitor } from 'electron';
import { isInCall } from '../../shared/availability';
import type { DesktopCore } from '../core/desktop-core';
import type { Logger } from '../../lib/ports';

/** How long quitting waits for the sign-out (the core bounds it too). */
export const QUIT_TIMEOUT_MS = 3000;
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Takes the single-instance lock. Returns false (and quits) when another instance holds it;
 * otherwise later launches call `onSecondInstance` in this one.
 */
export function setupSingleInstance(onSecondInstance: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => onSecondInstance());
  return true;
}

export interface QuitControl {
  /** True from the moment quitting begins (the window then really closes). */
  isQuitting(): boolean;
  /**
   * The agent's Quit (tray, app menu): during a call it asks first, since quitting hangs up on
   * the customer; then sign out (bounded) and exit. The OS ending the session is never asked.
   * A quit from outside the app (macOS: the Dock's Quit, the app switcher's Cmd+Q) asks too.
   */
  quit(): Promise<void>;
  /** The OS ends the session (Windows log-off): sign out and exit, never asked. */
  endSession(): void;
  /** Wires the core once it exists; until then quitting exits at once. */
  attachCore(core: Pick<DesktopCore, 'shutdown' | 'snapshot'>): void;
  /** Removes the process signal and shutdown handlers (tests). */
  dispose(): void;
}

export interface QuitOptions {
  logger: Logger;
  timeoutMs?: number;
  /** Runs after the core stopped, just before the app quits (e.g. destroy the tray). */
  beforeExit?: () => void;
  /** Asks "hang up and quit?" while a call rings or is on; true to quit (default: quit). */
  confirmInCall?: () => Promise<boolean>;
}

/**
 * Intercepts every quit (tray, app menu, Cmd+Q, the Dock, SIGTERM, OS shutdown) to shut the core
 * down first. During a call, a quit the agent asked for asks "hang up and quit?" first, wherever
 * it came from; one the OS asks for (shutdown, log-off, a signal) goes at once.
 */
export function setupQuit(options: QuitOptions): QuitControl {
  const timeoutMs = options.timeoutMs ?? QUIT_TIMEOUT_MS;
  let core: Pick<DesktopCore, 'shutdown' | 'snapshot'> | null = null;
  let quitting = false;
  let done = false;
  /** The open "hang up and quit?" question: a second Quit waits for it instead of asking again. */
  let asking: Promise<void> | null = null;
  /** The quit under way needs no question: asked already, or the OS's. */
  let approved = false;
  const quitApproved = () => {
    approved = true;
    app.quit();
  };
  /** How to ask "hang up and quit?" when a quit now would hang up a call; else null. */
  const questionFirst = () => {
    const confirm = options.confirmInCall;
    return confirm && core && isInCall(core.snapshot()) ? confirm : null;
  };
  /** Asks "hang up and quit?" (once at a time); quits when the agent says so. */
  const askThenQuit = (confirm: () => Promise<boolean>): Promise<void> => {
    asking ??= (async () => {
      const go = await confirm().catch((error: unknown) => {
        options.logger.warn('quit: could not ask about the call', { error: String(error) });
        return false;
      });
      if (go) quitApproved();
    })().finally(() => (asking = null));
    return asking;
  };

  const finish = async () => {
    if (core) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      // The core bounds its sign-out; this guard bounds the rest (emulator, SIP) as well.
      const guard = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs + 1000)));
      await Promise.race([core.shutdown(timeoutMs).catch(() => undefined), guard]);
      clearTimeout(timer);
      options.logger.info('shutdown complete', { phase: core.snapshot().phase });
    }
    done = true;
    options.beforeExit?.();
    app.quit();
  };

  app.on('before-quit', (event) => {
    if (done) return;
    event.preventDefault();
    if (quitting) return;
    // Not through the app's own Quit (the Dock's, on macOS): a call on the line is asked about.
    const confirm = approved ? null : questionFirst();
    if (confirm) {
      void askThenQuit(confirm);
      return;
    }
    quitting = true;
    void finish();
  });
  // The app keeps running in the tray with no window open.
  app.on('window-all-closed', () => {});
  // A session logout or `kill` deserves the same orderly sign-out as the Quit item.
  const onSignal = () => quitApproved();
  for (const signal of SIGNALS) process.on(signal, onSignal);
  // Linux and macOS announce a shutdown; preventing it holds the OS back (on Linux up to
  // logind's delay limit) while the bounded sign-out runs. Windows: see setupCloseToTray.
  // Electron passes the event, but its typings declare the listener without arguments.
  const onShutdown = (...args: unknown[]) => {
    (args[0] as Electron.Event | undefined)?.preventDefault();
    quitApproved();
  };
  let disposed = false;
  // powerMonitor is only usable once the app is ready.
  void app.whenReady().then(() => {
    if (disposed) return;
    powerMonitor.on('shutdown', onShutdown);
    // Electron starts powerMonitor on its first listener and on Linux only then starts watching
    // for 'shutdown' listeners: this one, the first, would go unseen. Adding it again is seen.
    powerMonitor.off('shutdown', onShutdown).on('shutdown', onShutdown);
  });

  return {
    isQuitting: () => quitting,
    quit: async () => {
      if (quitting) return;
      if (asking) return asking;
      const confirm = questionFirst();
      if (!confirm) {
        quitApproved();
        return;
      }
      return askThenQuit(confirm);
    },
    endSession: () => quitApproved(),
    attachCore: (c) => {
      core = c;
    },
    dispose: () => {
      disposed = true;
      for (const signal of SIGNALS) process.off(signal, onSignal);
      powerMonitor.off('shutdown', onShutdown);
    },
  };
}
