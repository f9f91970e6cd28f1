/**
 * The ports the host-agnostic core is built on. The Electron shell and the browser host each
 * pass real implementations; tests pass the same real ones with short periods.
 */

export type TimerHandle = { readonly __timer: unique symbol } | ReturnType<typeof setTimeout>;

/** Time and timers, so nothing in the core reads the wall clock directly. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // Timers must never keep a host process alive on their own.
    t.unref?.();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Secrets (platform secret key, SIP and SIP proxy passwords). Only main holds their values. */
export interface SecretStore {
  /** False when the OS offers no real keychain: values then live only in memory for this run. */
  readonly persistent: boolean;
  get(key: SecretKey): string | null;
  set(key: SecretKey, value: string | null): void;
}
/** Every secret's name (the secret store holds these and nothing else). */
export const SECRET_KEYS = ['secretKey', 'sipPassword', 'sipProxyPassword'] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

/** In-memory secrets: the browser host, tests, and the shell when the OS has no keychain. */
export class MemorySecretStore implements SecretStore {
  readonly persistent = false;
  private readonly values = new Map<SecretKey, string>();
  get(key: SecretKey): string | null {
    return this.values.get(key) ?? null;
  }
  set(key: SecretKey, value: string | null): void {
    if (value === null || value === '') this.values.delete(key);
    else this.values.set(key, value);
  }
}
