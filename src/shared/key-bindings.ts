/**
 * The call keys as one list — global hotkeys, the media play/pause key and the headset's
 * buttons — and the one conflict rule: two actions may not share a key. Settings shows every
 * conflict; the shell registers only the first action of a shared key.
 */
import type { Settings } from './settings';
import type { CallPhase } from './snapshot';

export type KeyAction = 'answer' | 'hang-up' | 'toggle-ready' | 'mute' | 'answer-or-hang-up';
export type KeySource = 'hotkey' | 'media-key' | 'headset';

export interface KeyBinding {
  action: KeyAction;
  source: KeySource;
  /** Normalised key name ('' = off); headset bindings use `headset:<usage>`. */
  key: string;
  /** The settings field that holds it (for pointing at it). */
  setting: keyof Settings;
}

/**
 * What one key that both answers and hangs up (the play/pause media key, a headset's hook
 * button) does for a call in `phase`. Nothing while the answer is being made: a second press
 * then would hang up on the customer being connected.
 */
export function answerOrHangUp(phase: CallPhase | 'idle' | undefined): 'answer' | 'hang-up' | null {
  return phase === 'ringing' ? 'answer' : phase === 'talking' ? 'hang-up' : null;
}

/** The play/pause media key, as Electron names it. */
export const MEDIA_PLAY_PAUSE = 'MediaPlayPause';

const HOTKEY_SETTINGS: [KeyAction, keyof Settings][] = [
  ['answer', 'hotkeyAnswer'],
  ['hang-up', 'hotkeyHangUp'],
  ['toggle-ready', 'hotkeyToggleReady'],
  ['mute', 'hotkeyMute'],
];

const ALIASES: Record<string, string> = {
  cmdorctrl: 'commandorcontrol',
  cmd: 'command',
  ctrl: 'control',
  option: 'alt',
  esc: 'escape',
  return: 'enter',
  meta: 'super',
};

/**
 * One spelling per accelerator as the keyboard has it: lower case, aliases resolved, modifiers
 * sorted. CommandOrControl is Control on Windows and Linux and Command on a Mac (where Super is
 * Command too), so `Ctrl+Alt+A` and `CommandOrControl+Alt+A` are one key on a PC.
 */
export function normaliseAccelerator(accelerator: string, mac = false): string {
  if (!accelerator.trim()) return '';
  const parts = accelerator
    .trim()
    .toLowerCase()
    .split('+')
    .map((p) => ALIASES[p] ?? p)
    .map((p) =>
      p === 'commandorcontrol'
        ? mac
          ? 'command'
          : 'control'
        : mac && p === 'super'
          ? 'command'
          : p,
    );
  const key = parts.pop() ?? '';
  return [...new Set(parts)].sort().concat(key).join('+');
}

const MODIFIER_TEXT: Record<string, [pc: string, mac: string]> = {
  commandorcontrol: ['Ctrl', '⌘'],
  command: ['Win', '⌘'],
  super: ['Win', '⌘'],
  control: ['Ctrl', '⌃'],
  alt: ['Alt', '⌥'],
  altgr: ['AltGr', '⌥'],
  shift: ['Shift', '⇧'],
};

/**
 * An accelerator as the agent reads it on their keyboard: `CommandOrControl+Alt+A` is
 * `Ctrl+Alt+A` on Windows and Linux and `⌘⌥A` on a Mac. '' for none.
 */
export function describeAccelerator(accelerator: string, mac: boolean): string {
  if (!accelerator.trim()) return '';
  const parts = accelerator.trim().split('+');
  const key = parts.pop() ?? '';
  const mods = parts.map((part) => {
    const text = MODIFIER_TEXT[ALIASES[part.toLowerCase()] ?? part.toLowerCase()];
    return text ? text[mac ? 1 : 0] : part;
  });
  const keyText = key.length === 1 ? key.toUpperCase() : key[0]!.toUpperCase() + key.slice(1);
  return mac ? [...mods, keyText].join('') : [...mods, keyText].join('+');
}

/** Every call key the settings turn on (`mac`: the keys as a Mac has them). */
export function keyBindings(settings: Settings, mac = false): KeyBinding[] {
  const list: KeyBinding[] = HOTKEY_SETTINGS.map(([action, setting]) => ({
    action,
    source: 'hotkey' as const,
    key: normaliseAccelerator(String(settings[setting] ?? ''), mac),
    setting,
  }));
  if (settings.mediaKeyCallControl)
    list.push({
      action: 'answer-or-hang-up',
      source: 'media-key',
      key: normaliseAccelerator(MEDIA_PLAY_PAUSE, mac),
      setting: 'mediaKeyCallControl',
    });
  if (settings.headsetCallControl) {
    list.push(
      {
        action: 'answer-or-hang-up',
        source: 'headset',
        key: 'headset:hook-switch',
        setting: 'headsetCallControl',
      },
      {
        action: 'mute',
        source: 'headset',
        key: 'headset:phone-mute',
        setting: 'headsetCallControl',
      },
    );
  }
  return list.filter((b) => b.key !== '');
}

export interface KeyConflict {
  key: string;
  /** The bindings sharing the key, in settings order (the first one wins). */
  bindings: KeyBinding[];
}

/** Keys bound to more than one action. */
export function keyConflicts(settings: Settings, mac = false): KeyConflict[] {
  const byKey = new Map<string, KeyBinding[]>();
  for (const binding of keyBindings(settings, mac)) {
    byKey.set(binding.key, [...(byKey.get(binding.key) ?? []), binding]);
  }
  return [...byKey.entries()]
    .filter(([, bindings]) => bindings.length > 1)
    .map(([key, bindings]) => ({ key, bindings }));
}
