/**
 * Settings under an administrator's policy: the effective settings are the user's with the
 * policy laid over them; the environment cannot override a locked key; secrets the policy fixes
 * come from it and cannot be changed; a patch that tries to change a locked key is refused.
 * Generic over the settings' keys: nothing here lists individual settings except the
 * environment variables' names (ENV in platform-source).
 */
import { applyPolicy, lockedKeys } from '../../shared/policy';
import { SecretsPatchSchema, SettingsSchema } from '../../shared/settings';
import { ENV } from './platform-source';
import type { Policy } from '../../shared/policy';
import type {
  EnvironmentOverride,
  LockableKey,
  Settings,
  SettingsPatch,
} from '../../shared/settings';
import { SECRET_KEYS } from '../../lib/ports';
import type { SecretKey, SecretStore } from '../../lib/ports';

/** Which setting each environment variable overrides. */
export const ENV_SETTING: Record<keyof typeof ENV, LockableKey> = {
  url: 'platformBaseUrl',
  appId: 'appId',
  certId: 'certId',
  secretKey: 'secretKey',
  sipWsUrl: 'sipWsUrl',
  gatewayUrl: 'gatewayUrl',
  platformTimeZone: 'platformTimeZone',
};

/**
 * The settings the environment sets for this run, for the window: pass the environment the
 * core uses ({@link AdminPolicy.environment}), so a key the policy fixes is never listed.
 * Secrets are listed without their value.
 */
export function environmentOverrides(
  env: Record<string, string | undefined>,
): EnvironmentOverride[] {
  const out: EnvironmentOverride[] = [];
  for (const [name, key] of Object.entries(ENV_SETTING)) {
    const variable = ENV[name as keyof typeof ENV];
    const value = env[variable];
    if (!value) continue;
    out.push({ key, variable, value: key === 'secretKey' ? null : value });
  }
  if (forcedAutoAnswerMs(env) !== null) {
    const value = env[AUTO_ANSWER_ENV]!.trim();
    out.push(
      { key: 'autoAnswer', variable: AUTO_ANSWER_ENV, value },
      { key: 'autoAnswerDelaySeconds', variable: AUTO_ANSWER_ENV, value },
    );
  }
  return out;
}

/**
 * The settings in force for this run: `settings` (the user's under the policy) with what the
 * environment forces on them that the window must show as it is — auto-answer for the machine
 * ({@link AUTO_ANSWER_ENV}), so its notice and checkbox say on. Pass the environment after the
 * policy ({@link AdminPolicy.environment}).
 */
export function withEnvironment(
  settings: Settings,
  env: Record<string, string | undefined>,
): Settings {
  const forced = forcedAutoAnswerMs(env);
  return forced === null
    ? settings
    : { ...settings, autoAnswer: true, autoAnswerDelaySeconds: forced / 1000 };
}

/** An administrator's auto-answer for every agent on the machine, 0–10 s (docs/audio.md). */
export const AUTO_ANSWER_ENV = 'AGENT_DESKTOP_AUTO_ANSWER_SECONDS';

/** The delay {@link AUTO_ANSWER_ENV} forces, or null when unset or not 0–10 whole seconds. */
export function forcedAutoAnswerMs(env: Record<string, string | undefined>): number | null {
  const value = env[AUTO_ANSWER_ENV]?.trim();
  return value !== undefined && /^(10|[0-9])$/.test(value) ? Number(value) * 1000 : null;
}

/** Environment variables the app cannot run with: one line per variable, no secret value. */
export class EnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`environment variables not usable:\n${problems.join('\n')}`);
    this.name = 'EnvironmentError';
  }
}

const URL_EXAMPLES: Partial<Record<LockableKey, string>> = {
  platformBaseUrl: 'https://api.yunhuni.com/v1/account/ACCOUNT',
  gatewayUrl: 'https://gateway.example.internal',
  sipWsUrl: 'wss://sip-edge.example.com/ws',
};

/** True for an {@link EnvironmentError}, also one from another copy of this module (bundles). */
export function isEnvironmentError(error: unknown): error is EnvironmentError {
  return (
    error instanceof Error &&
    error.name === 'EnvironmentError' &&
    Array.isArray((error as Partial<EnvironmentError>).problems)
  );
}

/** Why `value` cannot be the setting `key` (the window's own check), or null. */
function envValueProblem(key: LockableKey, value: string): string | null {
  const field =
    key === 'secretKey' || key === 'sipPassword' || key === 'sipProxyPassword'
      ? SecretsPatchSchema.shape[key]
      : SettingsSchema.shape[key];
  const parsed = field.safeParse(value);
  if (parsed.success) return null;
  const why = [
    ...parsed.error.issues.map((issue) => issue.message),
    ...(URL_EXAMPLES[key] ? [`expected e.g. ${URL_EXAMPLES[key]}`] : []),
  ].join('; ');
  return why;
}

/**
 * The policy as it binds. One that names the platform (direct mode) also fixes that there is no
 * gateway: a gateway URL, from Settings or the environment, takes the desktop (and the agent's
 * password) wherever it names, whatever the platform URL says.
 */
function bindsConnection(policy: Policy): Policy {
  if (policy.platformBaseUrl === undefined || policy.gatewayUrl !== undefined) return policy;
  return { ...policy, gatewayUrl: null };
}

export class AdminPolicy {
  private readonly locked: ReadonlySet<LockableKey>;

  readonly policy: Policy | null;

  constructor(policy: Policy | null) {
    this.policy = policy && bindsConnection(policy);
    const locked = new Set(this.policy ? lockedKeys(this.policy) : []);
    // The proxy password the administrator fixed goes only to the proxy they allow: with the
    // URL left to the window, anyone could name a host of their own and be sent the password.
    if (locked.has('sipProxyPassword')) locked.add('sipProxyUrl');
    this.locked = locked;
  }

  /** The keys the policy fixes (for the window). */
  lockedKeys(): LockableKey[] {
    return [...this.locked];
  }

  isLocked(key: string): boolean {
    return this.locked.has(key as LockableKey);
  }

  /** The settings in force: the user's, with the policy's values over them. */
  effective(user: Settings): Settings {
    return this.policy ? applyPolicy(user, this.policy) : user;
  }

  /**
   * The environment without the variables whose setting the policy fixes (policy > env).
   * Throws {@link EnvironmentError} when a variable left in force holds a value its setting
   * would refuse: a platform URL without `https://` would otherwise read to the agent as
   * "cannot reach the platform; check the network", and never heal.
   */
  environment(env: Record<string, string | undefined>): Record<string, string | undefined> {
    const out = { ...env };
    const problems: string[] = [];
    // Set but empty (launcher scripts export them so) is not set: it would blank the setting,
    // e.g. a SIP WebSocket URL or a platform URL the agent configured, with nothing said.
    for (const variable of [...Object.values(ENV), AUTO_ANSWER_ENV]) {
      if (out[variable] !== undefined && !out[variable]!.trim()) delete out[variable];
    }
    for (const [name, key] of Object.entries(ENV_SETTING)) {
      const variable = ENV[name as keyof typeof ENV];
      if (this.locked.has(key)) delete out[variable];
      else if (out[variable]) {
        const problem = envValueProblem(key, out[variable]);
        // A secret's value never goes into a dialog or the log.
        const shown =
          key === 'secretKey' ? variable : `${variable}=${JSON.stringify(out[variable])}`;
        if (problem) problems.push(`${shown}: ${problem}`);
      }
    }
    // Auto-answer forced for the machine: the policy's auto-answer settings win over it too.
    const forced = out[AUTO_ANSWER_ENV];
    if (this.locked.has('autoAnswer') || this.locked.has('autoAnswerDelaySeconds')) {
      delete out[AUTO_ANSWER_ENV];
    } else if (forced !== undefined && forcedAutoAnswerMs(out) === null) {
      problems.push(
        `${AUTO_ANSWER_ENV}=${JSON.stringify(forced)}: expected whole seconds from 0 to 10`,
      );
    }
    if (problems.length > 0) throw new EnvironmentError(problems);
    return out;
  }

  /** A secret store in which the policy's secrets are fixed (read from it, never written). */
  secrets(inner: SecretStore): SecretStore {
    const policy = this.policy;
    if (!policy || !SECRET_KEYS.some((key) => policy[key])) return inner;
    return {
      persistent: inner.persistent,
      get: (key: SecretKey) => policy[key] ?? inner.get(key),
      set: (key: SecretKey, value: string | null) => {
        if (!policy[key]) inner.set(key, value);
      },
    };
  }

  /**
   * The keys in `patch` that would change something the policy fixes (sending a locked key's
   * own value back is harmless: the window saves whole forms).
   */
  refusedKeys(patch: SettingsPatch, current: Settings): string[] {
    const refused: string[] = [];
    for (const [key, value] of Object.entries(patch)) {
      if (key === 'secrets' || !this.isLocked(key)) continue;
      if (JSON.stringify(value) !== JSON.stringify(current[key as keyof Settings]))
        refused.push(key);
    }
    for (const [key, value] of Object.entries(patch.secrets ?? {})) {
      if (this.isLocked(key) && value) refused.push(key);
    }
    return refused;
  }
}
