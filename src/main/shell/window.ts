/**
 * The one app window: its exact options (pinned by test), loading the app page, and closing to
 * the tray — the agent stays signed in while the window is hidden.
 */
import { BrowserWindow } from 'electron';
import type { BrowserWindowConstructorOptions } from 'electron';
import type { Logger } from '../../lib/ports';
import type { AppUrl } from './app-url';

/** The window's options; `webPreferences` is the security baseline. */
export function windowOptions(
  preload: string,
  title: string,
  icon?: string,
): BrowserWindowConstructorOptions {
  return {
    width: 1024,
    height: 720,
    minWidth: 720,
    minHeight: 520,
    title,
    ...(icon ? { icon } : {}),
    show: false,
    autoHideMenuBar: true,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Hidden in the tray the window still answers media requests and rings: its timers must
      // not be throttled, and the ringtone must play without a click.
      backgroundThrottling: false,
      autoplayPolicy: 'no-user-gesture-required',
    },
  };
}

export interface MainWindowOptions {
  appUrl: AppUrl;
  preload: string;
  title: string;
  icon?: string;
  /** False when started at login: the app then starts in the tray. */
  showOnReady: boolean;
  logger: Logger;
}

/** Creates the window and loads the app page into it. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow(windowOptions(options.preload, options.title, options.icon));
  if (options.showOnReady) win.once('ready-to-show', () => win.show());
  const { load } = options.appUrl;
  const loading = load.kind === 'url' ? win.loadURL(load.url) : win.loadFile(load.path);
  loading.catch((error: unknown) => {
    // A failed load leaves an empty window; the tray still works and a reload may succeed.
    options.logger.error('app page failed to load', { error: String(error) });
  });
  return win;
}

export interface CloseToTrayOptions {
  /** True once quitting began: the window then really closes. */
  isQuitting: () => boolean;
  /** Quits without asking, call or not (QuitControl.endSession). */
  endSession: () => void;
  /** A call rings or is on the line (ending the session would hang up on the customer). */
  inCall: () => boolean;
}

/**
 * Closing the window hides it (the agent stays signed in) unless the app is quitting. Windows
 * ending the session (log-off, shutdown) quits: the orderly, bounded sign-out of the quit path.
 * During a call Windows is first asked to wait: its own "this app is preventing you from signing
 * out" screen, where the agent can still go on ("Sign out anyway").
 */
export function setupCloseToTray(
  win: BrowserWindow,
  { isQuitting, endSession, inCall }: CloseToTrayOptions,
): void {
  win.on('close', (event) => {
    if (isQuitting()) return;
    event.preventDefault();
    win.hide();
  });
  // A log-off or restart started in the middle of a call (often by mistake, or a restart for
  // updates chosen earlier) would cut the customer off: Windows shows the agent why it waits.
  win.on('query-session-end', (event) => {
    if (inCall()) event.preventDefault();
  });
  // Windows sends neither before-quit nor SIGTERM at log-off: without this the agent stays
  // signed in, and routable, until the keepalive times out. The session cannot be kept, so
  // "hang up and quit?" is not asked either.
  win.on('session-end', () => endSession());
}

/** Brings the window to the front: restored, shown and focused. */
export function showWindow(win: BrowserWindow | null): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

/**
 * Shows the window above the others without activating it: a ring must not take the keyboard
 * from the app the agent types in (their next Space or Enter would land on Answer).
 */
export function showWindowInactive(win: BrowserWindow | null): void {
  if (!win || win.isDestroyed()) return;
  // On Windows this also brings a minimized window back, still inactive (SW_SHOWNOACTIVATE).
  win.showInactive();
  // macOS and Linux have no inactive way back from minimized: restore() is the only one there.
  if (win.isMinimized()) win.restore();
  win.moveTop();
}
