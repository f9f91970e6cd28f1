/**
 * Global hotkeys (work while another app has focus): answer the ringing call, hang up (or reject
 * while ringing), and toggle ready (idle ↔ busy). The accelerators come from settings and are
 * registered again whenever they change. A hotkey that cannot be had — taken by another app,
 * used twice, or not an accelerator Electron understands — is reported in the log and skipped.
 */
import { globalShortcut } from 'electron';
import { baseOf, isCallState } from '../../shared/domain/state';
import type { Settings } from '../../shared/settings';
import type { DesktopCore } from '../core/desktop-core';
import type { Logger } from '../../lib/ports';

export type HotkeyAction = 'answer' | 'hang-up' | 'toggle-ready';

type HotkeySetting = 'hotkeyAnswer' | 'hotkeyHangUp' | 'hotkeyToggleReady';
const SETTING: Record<HotkeyAction, HotkeySetting & keyof Settings> = {
  answer: 'hotkeyAnswer',
  'hang-up': 'hotkeyHangUp',
  'toggle-ready': 'hotkeyToggleReady',
};

export interface HotkeyOptions {
  core: Pick<DesktopCore, 'on' | 'settings' | 'snapshot' | 'dispatch'>;
  logger: Logger;
  /** Brings the window up when a hotkey's command fails (the window says why). */
  showWindow: () => void;
}

/** Registers the hotkeys and follows settings; returns the function that unregisters them. */
export function setupHotkeys(options: HotkeyOptions): () => void {
  const { core, logger } = options;
  let held = new Map<string, HotkeyAction>();
  let key = '';

  const apply = () => {
    const wanted = (Object.keys(SETTING) as HotkeyAction[]).map(
      (action) => [action, core.settings()[SETTING[action]]] as const,
    );
    const next = JSON.stringify(wanted);
    if (next === key) return;
    key = next;
    release();
    for (const [action, accelerator] of wanted) {
      if (!accelerator) continue;
      if (held.has(accelerator)) {
        logger.warn('hotkey used twice; kept for the first', { action, accelerator });
        continue;
      }
      try {
        if (globalShortcut.register(accelerator, () => void run(action))) {
          held.set(accelerator, action);
        } else {
          logger.warn('hotkey taken by another application', { action, accelerator });
        }
      } catch (error) {
        logger.warn('hotkey not registered', { action, accelerator, error: String(error) });
      }
    }
  };

  const release = () => {
    for (const accelerator of held.keys()) globalShortcut.unregister(accelerator);
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
    case 'toggle-ready':
      if (snapshot.phase !== 'signed-in' || call || isCallState(snapshot.state)) return null;
      return {
        channel: 'agent:set-state',
        payload: { state: baseOf(snapshot.state) === 'idle' ? 'busy' : 'idle' },
      };
  }
}
