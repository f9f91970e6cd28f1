/**
 * Ringing that cannot be missed, the shell's part: when a call starts ringing the window comes to
 * the front (even hidden in the tray or minimized) without taking the keyboard from the app the
 * agent types in, and its taskbar button flashes (the Dock icon bounces), the tray icon
 * blinks, and a native notification offers Answer where the OS shows actions (macOS, Windows;
 * elsewhere a click brings the window). Everything stops when the call stops ringing. The
 * ringtone itself is the window's (it owns the audio devices).
 */
import { Notification } from 'electron';
import type { BrowserWindow } from 'electron';
import { RINGING_TEXT } from '../../shared/i18n/notifications';
import type { Language } from '../../shared/domain/errors';
import type { CallInfo, SessionSnapshot } from '../../shared/snapshot';
import type { DesktopCore } from '../core/desktop-core';
import type { Logger } from '../../lib/ports';
import type { AppTray } from './tray';
import { showWindowInactive } from './window';

/** The tray icon changes at most twice a second (a 1 Hz blink), well under flicker limits. */
export const FLASH_INTERVAL_MS = 500;

/** The notification's words live in src/shared, so the window's own notification matches. */
export { RINGING_TEXT } from '../../shared/i18n/notifications';

export interface RingingOptions {
  core: Pick<DesktopCore, 'on' | 'snapshot' | 'dispatch'>;
  window: () => BrowserWindow | null;
  /** Restores, shows and focuses the window (the agent asked for it: a click, a failure). */
  showWindow: () => void;
  tray: () => Pick<AppTray, 'overrideIcon'> | null;
  language: () => Language;
  logger: Logger;
}

/** Watches the snapshot for a ringing call; returns the function that stops watching. */
export function setupRinging(options: RingingOptions): () => void {
  let ringing: string | null = null;
  let flashTimer: ReturnType<typeof setInterval> | null = null;
  let notification: Notification | null = null;

  const window = () => {
    const win = options.window();
    return win && !win.isDestroyed() ? win : null;
  };

  const start = (call: CallInfo) => {
    ringing = call.id;
    // Seen but not focused: the agent's next key may be meant for the CRM, and Space or Enter
    // on a focused Answer would answer. They answer with a click, the hotkey or the headset.
    showWindowInactive(window());
    window()?.flashFrame(true);
    // Only an agent who is exactly idle is rung, so idle is the icon to alternate with.
    let lit = true;
    options.tray()?.overrideIcon('fetching');
    flashTimer = setInterval(() => {
      lit = !lit;
      options.tray()?.overrideIcon(lit ? 'fetching' : 'idle');
    }, FLASH_INTERVAL_MS);
    notification = notify(call);
  };

  const stop = () => {
    ringing = null;
    if (flashTimer) clearInterval(flashTimer);
    flashTimer = null;
    options.tray()?.overrideIcon(null);
    window()?.flashFrame(false);
    const shown = notification;
    notification = null;
    shown?.close();
  };

  const notify = (call: CallInfo): Notification | null => {
    if (!Notification.isSupported()) return null;
    const text = RINGING_TEXT[options.language()];
    const shown = new Notification({
      title: text.title,
      body: text.body(call.caller),
      actions: [{ type: 'button', text: text.answer }],
      urgency: 'critical',
      timeoutType: 'never',
      // The window rings on the agent's chosen ringer device; a second sound would only clash.
      silent: true,
    });
    shown.on('action', (details, legacyIndex) => {
      const index = details?.actionIndex ?? legacyIndex;
      if (index === 0) void answer(call.id);
    });
    shown.on('click', () => options.showWindow());
    shown.show();
    return shown;
  };

  const answer = async (callId: string) => {
    const result = await options.core.dispatch('call:answer', { callId });
    // The window explains what went wrong; an answer from outside it must not fail silently.
    if (!result.ok) {
      options.logger.warn('ringing: answer from the notification failed', { callId });
      options.showWindow();
    }
  };

  const update = (snapshot: SessionSnapshot) => {
    const call = snapshot.call?.phase === 'ringing' ? snapshot.call : null;
    if ((call?.id ?? null) === ringing) return;
    if (ringing) stop();
    if (call) start(call);
  };

  const unsubscribe = options.core.on('session:changed', update);
  update(options.core.snapshot());
  return () => {
    unsubscribe();
    if (ringing) stop();
  };
}
