/** The desktop's settings as the window sees them; secrets are write-only from the renderer. */
import { z } from 'zod';
import { checkAgentReason } from './domain/state';
import {
  DAY_DEFAULTS,
  SCREEN_POP_WHEN,
  DEFAULT_AWAY_REASONS,
  DEFAULT_BUSY_REASONS,
  HOLD_ACTIONS,
  LANGUAGES,
  SETTINGS_LIMITS,
  DEFAULT_PLATFORM_TIME_ZONE,
  isHotkey,
  isTimeZone,
  proxyUrlPassword,
} from './settings-model';

export {
  DAY_DEFAULTS,
  SCREEN_POP_WHEN,
  DEFAULT_AWAY_REASONS,
  DEFAULT_BUSY_REASONS,
  HOLD_ACTIONS,
  LANGUAGES,
  SETTINGS_LIMITS,
  DEFAULT_PLATFORM_TIME_ZONE,
  isHotkey,
  isTimeZone,
  proxyUrlPassword,
} from './settings-model';
export type { HoldAction, LanguageSetting, ScreenPopWhen } from './settings-model';

/** Why a proxy URL with a password in it is refused (the main-side message; IT reads it too). */
const PROXY_PASSWORD_IN_URL =
  'a password does not belong in the proxy URL: enter it in the proxy password field ' +
  '(sipProxyPassword in a policy file)';

// A preset the platform would refuse (e.g. `a//b`) is refused here, at save, not hidden later.
const reason = z.string().refine((r) => checkAgentReason(r) === null, 'not a valid reason');
const reasonList = z.array(reason).max(SETTINGS_LIMITS.maxReasons);
const { keepaliveSeconds, registerExpiresSeconds } = SETTINGS_LIMITS;
const hostList = z.array(z.string().min(1).max(253)).max(50);
const seconds = z.number().int().min(0).max(3600);
const hotkey = z.string().max(100).refine(isHotkey, 'not a usable shortcut');

/** Settings that are not secret. `platformBaseUrl` null = the embedded demo emulator. */
export const SettingsSchema = z.object({
  platformBaseUrl: z.url({ protocol: /^https?$/ }).nullable(),
  appId: z.string().max(128),
  certId: z.string().max(128),
  /** SIP over WebSocket URL; null = the emulator's (demo) or none. */
  sipWsUrl: z.url({ protocol: /^wss?$/ }).nullable(),
  sipDomain: z.string().max(253),
  /** SIP user used when the platform withholds it (its password is a secret). */
  sipUserOverride: z.string().max(64),
  registerExpiresSeconds: z
    .number()
    .int()
    .min(registerExpiresSeconds.min)
    .max(registerExpiresSeconds.max),
  keepaliveSeconds: z.number().int().min(keepaliveSeconds.min).max(keepaliveSeconds.max),
  busyReasons: reasonList,
  awayReasons: reasonList,
  onSuspend: z.enum(HOLD_ACTIONS),
  onLock: z.enum(HOLD_ACTIONS),
  language: z.enum(LANGUAGES),
  startAtLogin: z.boolean(),
  ringerDeviceId: z.string().max(256),
  microphoneDeviceId: z.string().max(256),
  speakerDeviceId: z.string().max(256),
  /** Global hotkeys (Electron accelerators); '' turns one off. */
  hotkeyAnswer: hotkey,
  hotkeyHangUp: hotkey,
  hotkeyToggleReady: hotkey,
  /** Where auto-update looks for new versions (electron-updater, generic); null = updates off. */
  // https only: with the generic feed the checksum comes from the same server as the file.
  updateUrl: z.url({ protocol: /^https$/ }).nullable(),
  /**
   * HTTP proxy (http://host:port, or http://user@host:port) the SIP WebSocket tunnels through;
   * null = direct. Its password is a secret (`sipProxyPassword`), never part of the URL.
   */
  sipProxyUrl: z
    .url({ protocol: /^http$/ })
    .refine((url) => !proxyUrlPassword(url), PROXY_PASSWORD_IN_URL)
    .nullable(),
  /**
   * The site's agent gateway (docs/gateway.md); set = gateway mode: agents sign in with their
   * password and the desktop holds no account key. null = direct mode (or the demo).
   */
  gatewayUrl: z.url({ protocol: /^https?$/ }).nullable(),
  /**
   * The platform's time zone (IANA name): signed requests carry its wall clock, as the platform
   * reads them, whatever zone this machine is in. An administrator's setting (no field).
   */
  platformTimeZone: z
    .string()
    .max(64)
    .refine(isTimeZone, 'not a time zone name: use an IANA name such as Asia/Shanghai'),
  /** Global hotkey that mutes/unmutes the call (works while the window is hidden). */
  hotkeyMute: hotkey,
  /** The media play/pause key answers a ringing call and hangs up a talking one. */
  mediaKeyCallControl: z.boolean(),
  /** A paired headset's buttons (WebHID telephony page) answer, hang up and mute. */
  headsetCallControl: z.boolean(),
  /** Answer calls the platform routed, after `autoAnswerDelaySeconds` and a short tone. */
  autoAnswer: z.boolean(),
  autoAnswerDelaySeconds: z.number().int().min(0).max(10),
  /** After-call work for the site, in seconds; 0 = off (admin-lockable). */
  wrapUpSeconds: seconds,
  /** Per-agent wrap-up times (agent name → seconds), overriding the site's. */
  wrapUpSecondsByAgent: z
    .record(z.string().min(1).max(64), seconds)
    .refine((byAgent) => Object.keys(byAgent).length <= SETTINGS_LIMITS.wrapUpAgents, {
      message: `at most ${SETTINGS_LIMITS.wrapUpAgents} agents`,
    }),
  /** The busy reason an agent is held in during wrap-up. */
  wrapUpReason: reason,
  /** Unanswered offers in a row before the desktop sets busy/<noAnswerReason>; 0 = off. */
  noAnswerLimit: z.number().int().min(0).max(20),
  noAnswerReason: reason,
  /** Days of call history kept in the user-data folder. */
  historyRetentionDays: z.number().int().min(1).max(3650),
  /** Screen-pop URL template (`{caller}`, `{agent}`, `{callId}`); '' = off. */
  screenPopUrl: z.string().max(2048),
  screenPopWhen: z.enum(SCREEN_POP_WHEN),
  /** Hosts a screen-pop may open over https. */
  screenPopHosts: hostList,
  /** Hosts a screen-pop may also open over plain http. */
  screenPopHttpHosts: hostList,
});
export type Settings = z.infer<typeof SettingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  platformBaseUrl: null,
  appId: '',
  certId: '',
  sipWsUrl: null,
  sipDomain: 'sip.oneyun.com',
  sipUserOverride: '',
  registerExpiresSeconds: 300,
  keepaliveSeconds: 30,
  busyReasons: DEFAULT_BUSY_REASONS,
  awayReasons: DEFAULT_AWAY_REASONS,
  onSuspend: 'away',
  onLock: 'away',
  language: 'system',
  startAtLogin: false,
  ringerDeviceId: 'default',
  microphoneDeviceId: 'default',
  speakerDeviceId: 'default',
  hotkeyAnswer: 'CommandOrControl+Alt+A',
  hotkeyHangUp: 'CommandOrControl+Alt+H',
  hotkeyToggleReady: 'CommandOrControl+Alt+R',
  updateUrl: null,
  sipProxyUrl: null,
  gatewayUrl: null,
  platformTimeZone: DEFAULT_PLATFORM_TIME_ZONE,
  hotkeyMute: 'CommandOrControl+Alt+M',
  mediaKeyCallControl: false,
  headsetCallControl: true,
  autoAnswer: false,
  autoAnswerDelaySeconds: 3,
  ...DAY_DEFAULTS,
};

/** Secrets the renderer may set but never read back. */
export const SecretsPatchSchema = z.object({
  secretKey: z.string().max(256).optional(),
  sipPassword: z.string().max(128).optional(),
  /** The SIP proxy's password (its user is in `sipProxyUrl`). */
  sipProxyPassword: z.string().max(256).optional(),
});
export type SecretsPatch = z.infer<typeof SecretsPatchSchema>;

/** What the renderer sees: settings plus which secrets are set, never their values. */
export interface SettingsView {
  settings: Settings;
  secrets: { secretKey: boolean; sipPassword: boolean; sipProxyPassword: boolean };
  /** False when the OS has no real keychain: secrets then live only for this run. */
  secureStorage: boolean;
  /** Settings (and secrets) the administrator's policy file fixes: shown read-only. */
  locked?: LockableKey[];
  /**
   * Settings an environment variable sets for this run (it wins over the form): shown
   * read-only with the variable and the value in force (null for a secret, never sent).
   */
  environment?: EnvironmentOverride[];
}

export interface EnvironmentOverride {
  key: LockableKey;
  variable: string;
  value: string | null;
}

/** Everything a policy can fix: every setting, plus the secrets. */
export type LockableKey = keyof Settings | keyof SecretsPatch;

export const SettingsPatchSchema = SettingsSchema.partial().extend({
  secrets: SecretsPatchSchema.optional(),
});
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;
