/**
 * Global hotkeys (work while another app has focus, and while the window is hidden): answer the
 * ringing call, hang up (or reject while ringing), toggle ready (idle ↔ busy), mute/unmute, and
 * optionally the play/pause media key as answer-or-hang-up. The accelerators come from settings and are
 * registered again whenever they change. A hotkey that cannot be had — taken by another app (on
 * macOS a media key is also refused to an app not allowed Accessibility),
 * used twice, or not an accelerator Electron understands — is reported in the log and skipped;
 * one not held is tried again on the next settings change, even when the hotkeys are the same.
 */
import { globalShortcut, systemPreferences } from 'electron';
import { baseOf } from '../../shared/domain/state';
import { isInCall } from '../../shared/availability';
import { MEDIA_PLAY_PAUSE, answerOrHangUp, normaliseAccelerator } from '../../shared/key-bindings';
import type { Settings } from '../../shared/settings';
import type { DesktopCore } from '../core/desktop-core';
import type { Logger } from '../../lib/ports';

export type HotkeyAction = 'answer' | 'hang-up' | 'toggle-ready' | 'mute' | 'answer-or-hang-up';

type HotkeySetting = 'hotkeyAnswer' | 'hotkeyHangUp' | 'hotkeyToggleReady' | 'hotkeyMute';
const SETTING: Record<
  Exclude<HotkeyAction, 'answer-or-hang-up'>,
  HotkeySetting & keyof Settings
> = {
  answer: 'hotkeyAnswer',
  'hang-up': 'hotkeyHangUp',
  'toggle-ready': 'hotkeyToggleReady',
  mute: 'hotkeyMute',
};

/** Every accelerator the settings ask for, in the order conflicts are settled (first wins). */
function wantedKeys(settings: Settings): (readonly [HotkeyAction, string])[] {
  const wanted = (Object.keys(SETTING) as (keyof typeof SETTING)[]).map(
    (action) => [action, settings[SETTING[action]] ?? ''] as const,
  );
  // The play/pause media key, when the agent chose it for calls (Settings shows conflicts).
  return settings.mediaKeyCallControl
    ? [...wanted, ['answer-or-hang-up', MEDIA_PLAY_PAUSE] as const]
    : wanted;
}

export interface HotkeyOptions {
  core: Pick<DesktopCore, 'on' | 'settings' | 'snapshot' | 'dispatch'>;
  logger: Logger;
  /** Brings the window up when a hotkey's command fails (the window says why). */
  showWindow: () => void;
  /** The OS (tests set it); the process's by default. */
  platform?: NodeJS.Platform;
}

/** Media keys (play/pause, next, previous, stop): macOS gives them only to trusted apps. */
const isMediaKey = (accelerator: string) => /^Media[A-Za-z]+$/.test(accelerator.trim());

/** Registers the hotkeys and follows settings; returns the function that unregisters them. */
export function setupHotkeys(options: HotkeyOptions): () => void {
  const { core, logger } = options;
  const platform = options.platform ?? process.platform;
  /** Registered keys, by their one spelling (normaliseAccelerator), with the spelling used. */
  let held = new Map<string, string>();
  let key = '';

  const spelling = (accelerator: string) =>
    normaliseAccelerator(accelerator, platform === 'darwin');

  const apply = () => {
    const wanted = wantedKeys(core.settings());
    const next = JSON.stringify(wanted);
    // The same hotkeys, all held: nothing to do. One that could not be had (another app held
    // it) is tried again on every settings change, so saving Settings once it is free takes it.
    const allHeld = wanted.every(
      ([, accelerator]) => !accelerator || held.has(spelling(accelerator)),
    );
    if (next === key && allHeld) return;
    key = next;
    release();
    for (const [action, accelerator] of wanted) {
      if (!accelerator) continue;
      const same = spelling(accelerator);
      if (held.has(same)) {
        logger.warn('hotkey used twice; kept for the first', { action, accelerator });
        continue;
      }
      try {
        if (globalShortcut.register(accelerator, () => void run(action))) {
          held.set(same, accelerator);
        } else if (
          platform === 'darwin' &&
          isMediaKey(accelerator) &&
          !systemPreferences.isTrustedAccessibilityClient(false)
        ) {
          // macOS 10.14+ refuses media keys to an app not allowed to use Accessibility.
          logger.warn(
            'media key refused by macOS: the app is not allowed Accessibility (System Settings → Privacy & Security → Accessibility, or IT’s PPPC profile); restart the app after allowing it',
            { action, accelerator },
          );
        } else {
          logger.warn('hotkey taken by another application', { action, accelerator });
        }
      } catch (error) {
        logger.warn('hotkey not registered', { action, accelerator, error: String(error) });
      }
    }
  };

  const release = () => {
    for (const accelerator of held.values()) globalShortcut.unregister(accelerator);
    held = new Map();
  };

  const run = async (action: HotkeyAction) => {
    const command = commandFor(action, core.snapshot());
    if (!command) return;
    const result = await core.dispatch(command.channel, command.payload);
    if (!result.ok) options.showWindow();
  };

  const unsubscribe = core.on('settings:changed', apply);
  apply();
  return () => {
    unsubscribe();
    release();
    key = '';
  };
}

/** What a hotkey does in this snapshot, or null when it has nothing to act on. */
export function commandFor(
  action: HotkeyAction,
  snapshot: ReturnType<DesktopCore['snapshot']>,
): { channel: string; payload: Record<string, unknown> } | null {
  const call = snapshot.call;
  switch (action) {
    case 'answer':
      return call?.phase === 'ringing'
        ? { channel: 'call:answer', payload: { callId: call.id } }
        : null;
    case 'hang-up':
      if (!call) return null;
      return call.phase === 'ringing'
        ? { channel: 'call:reject', payload: { callId: call.id } }
        : { channel: 'call:hangup', payload: { callId: call.id } };
    case 'answer-or-hang-up': {
      // Not while answering: the key pressed again would hang up on the customer.
      const toggled = answerOrHangUp(call?.phase);
      return toggled ? commandFor(toggled, snapshot) : null;
    }
    case 'mute':
      return call && call.phase === 'talking'
        ? { channel: 'call:mute', payload: { callId: call.id, muted: !call.muted } }
        : null;
    case 'toggle-ready':
      if (snapshot.phase !== 'signed-in' || isInCall(snapshot)) return null;
      return {
        channel: 'agent:set-state',
        payload: { state: baseOf(snapshot.state) === 'idle' ? 'busy' : 'idle' },
      };
  }
}
