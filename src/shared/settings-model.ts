/**
 * The settings' vocabulary without the schema library: option lists, defaults, the hotkey rule
 * and the proxy-URL password check. The window imports these; `settings.ts` builds the zod
 * schemas on top of them.
 */

export const LANGUAGES = ['system', 'zh-CN', 'en'] as const;
export type LanguageSetting = (typeof LANGUAGES)[number];

/** What suspend or lock does to an agent who is available: hold them away, sign out, or nothing. */
export const HOLD_ACTIONS = ['away', 'sign-out', 'nothing'] as const;
export type HoldAction = (typeof HOLD_ACTIONS)[number];

/** When a screen-pop opens: as the call rings, once it is answered, or only on a button. */
export const SCREEN_POP_WHEN = ['ring', 'answer', 'button'] as const;
export type ScreenPopWhen = (typeof SCREEN_POP_WHEN)[number];

/** Defaults of the agent's-day settings (wrap-up, no-answer guard, history, screen-pop). */
export const DAY_DEFAULTS = {
  // Off until a site sets it: existing queues keep their reserve-state behaviour.
  wrapUpSeconds: 0,
  wrapUpSecondsByAgent: {} as Record<string, number>,
  wrapUpReason: '话后处理',
  noAnswerLimit: 2,
  noAnswerReason: '未接',
  historyRetentionDays: 90,
  screenPopUrl: '',
  screenPopWhen: 'ring' as ScreenPopWhen,
  screenPopHosts: [] as string[],
  screenPopHttpHosts: [] as string[],
};

/**
 * An agent's own wrap-up time, or undefined when they have none: own entries of the map only (an
 * agent named `constructor` must not get the object's function).
 */
export function ownWrapUpSeconds(
  byAgent: Readonly<Record<string, number>>,
  name: string | null | undefined,
): number | undefined {
  return name && Object.hasOwn(byAgent, name) ? byAgent[name] : undefined;
}

/**
 * Limits the settings form and the settings schema both enforce (one source, so the form never
 * accepts what saving refuses). Each reason must also pass the state grammar's reason check.
 */
export const SETTINGS_LIMITS = {
  keepaliveSeconds: { min: 5, max: 240 },
  registerExpiresSeconds: { min: 60, max: 3600 },
  /** Preset reasons per list. */
  maxReasons: 50,
  /** Agents with a wrap-up time of their own (a floor's worth, not an unbounded table). */
  wrapUpAgents: 10_000,
} as const;

/**
 * Settings only an administrator sets (the policy file, settings.json, an environment variable):
 * the window has no field for them and may not change them. An update server the page could
 * choose would have every desk install that server's program at its next start.
 */
export const ADMIN_ONLY_SETTINGS = ['updateUrl', 'platformTimeZone'] as const;
export type AdminOnlySetting = (typeof ADMIN_ONLY_SETTINGS)[number];

/**
 * The time zone the platform reads a request's Timestamp in (IANA name): the ONEYUN platform
 * runs in China. A platform installed elsewhere is set per site (`platformTimeZone`).
 */
export const DEFAULT_PLATFORM_TIME_ZONE = 'Asia/Shanghai';

/** True for a time zone this runtime knows: an IANA name such as `Asia/Shanghai`, or `UTC`. */
export function isTimeZone(name: string): boolean {
  if (name.trim() !== name || name === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const DEFAULT_BUSY_REASONS = ['小休', '会议', '培训', '维修单录入'];
export const DEFAULT_AWAY_REASONS = ['午餐', '小休', '会议', '培训'];

const MODIFIER_NAMES = 'command cmd control ctrl commandorcontrol cmdorctrl alt option altgr';
const MODIFIERS = new Set(`${MODIFIER_NAMES} shift super meta`.split(' '));
// Keys that may stand alone as a global hotkey without stealing typing: F-keys and media keys.
const LONE_KEY =
  /^(f([1-9]|1\d|2[0-4])|volume(up|down|mute)|media(nexttrack|previoustrack|stop|playpause))$/;
const SHIFT_ONLY_KEY = /^(escape|esc|printscreen)$/;
const KEY =
  /^([0-9a-z]|[)!@#$%^&*(:;=<,_\->.?/~`{\][|\\}"']|plus|space|tab|capslock|numlock|scrolllock|backspace|delete|insert|return|enter|up|down|left|right|home|end|pageup|pagedown|escape|esc|printscreen|num[0-9]|numdec|numadd|numsub|nummult|numdiv)$/;

/**
 * True for an Electron accelerator fit for a global hotkey: modifiers (each once) and one key,
 * e.g. `CommandOrControl+Shift+A`; a lone key (or one with Shift alone) only for F1–F24 and media
 * keys. '' = no hotkey.
 */
export function isHotkey(accelerator: string): boolean {
  if (accelerator === '') return true;
  const parts = accelerator.toLowerCase().split('+');
  const key = parts.pop() ?? '';
  if (parts.some((part) => !MODIFIERS.has(part)) || new Set(parts).size !== parts.length)
    return false;
  if (LONE_KEY.test(key)) return true;
  if (!KEY.test(key)) return false;
  // With Shift alone a key types its other character (A, !, ?) or edits (Shift+Enter, Shift+Tab,
  // Shift+Insert pastes): that would steal typing too. Escape does neither.
  return parts.some((part) => part !== 'shift') || (parts.length > 0 && SHIFT_ONLY_KEY.test(key));
}

/** The password a URL carries in its user info (`http://user:password@host`), or ''. */
export function proxyUrlPassword(url: string): string {
  try {
    return new URL(url).password;
  } catch {
    return '';
  }
}
