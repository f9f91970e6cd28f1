/**
 * ipcMain wiring: one handler per contract channel, each refusing any sender but the app
 * window's main frame showing the app page, then handing the payload to the core (which
 * validates it). Core events are pushed to the app window only.
 */
import { ipcMain } from 'electron';
import { COMMANDS, EVENT_CHANNELS } from '../../shared/ipc/contract';
import { createWindowPushEncoder } from '../../shared/ipc/session-push';
import { appError } from '../../shared/domain/errors';
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import type { Result } from '../../shared/ipc/contract';
import type { DesktopCore } from '../core/desktop-core';
import type { Logger } from '../../lib/ports';
import type { AppUrl } from './app-url';

export interface IpcOptions {
  core: DesktopCore;
  /** The app window, or null before it exists / after it is gone. */
  window: () => BrowserWindow | null;
  appUrl: AppUrl;
  logger: Logger;
}

/** True only for the app window's top frame showing the app page. */
export function isTrustedSender(
  event: IpcMainInvokeEvent,
  win: BrowserWindow | null,
  appUrl: AppUrl,
): boolean {
  if (!win || win.isDestroyed()) return false;
  const contents = win.webContents;
  // Ids are unique for the process's lifetime: a foreign webContents never shares one.
  if (event.sender.id !== contents.id) return false;
  const frame = event.senderFrame;
  // senderFrame is null when the frame has navigated away or been destroyed meanwhile.
  if (!frame || frame.parent !== null) return false;
  const main = contents.mainFrame;
  if (
    frame !== main &&
    (frame.processId !== main.processId || frame.routingId !== main.routingId)
  ) {
    return false;
  }
  return appUrl.isAppUrl(frame.url);
}

/** Registers the handlers and event forwarding; returns a function that removes them. */
export function setupIpc(options: IpcOptions): () => void {
  const { core, appUrl, logger } = options;
  const channels = Object.keys(COMMANDS);
  for (const channel of channels) {
    ipcMain.handle(channel, async (event, payload: unknown): Promise<Result<unknown>> => {
      if (!isTrustedSender(event, options.window(), appUrl)) {
        logger.warn('ipc: refused sender', { channel, url: event.senderFrame?.url ?? null });
        return { ok: false, error: appError('forbidden-sender', channel) };
      }
      return core.dispatch(channel, payload);
    });
  }

  // One window: one channel, so one encoder (a reloaded page asks for what it lacks).
  const encode = createWindowPushEncoder();
  const unsubscribes = EVENT_CHANNELS.map((channel) =>
    core.on(channel, (payload) => {
      const win = options.window();
      if (!win || win.isDestroyed()) return;
      // Pushes (media requests carry SDP) go only to the app page, never to a foreign one.
      if (!appUrl.isAppUrl(win.webContents.mainFrame.url)) return;
      win.webContents.send(channel, encode(channel, payload));
    }),
  );

  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
    for (const unsubscribe of unsubscribes) unsubscribe();
  };
}
