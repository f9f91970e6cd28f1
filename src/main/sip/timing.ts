/**
 * Every period and limit of the SIP line in one place. The defaults are the product's; tests
 * pass shorter ones through the same options.
 */
import { backoffDelay } from '../../lib/backoff';

export interface SipTiming {
  /** WebSocket open must finish within this. */
  connectTimeoutMs: number;
  /** A REGISTER (first or refresh) must be answered within this. */
  registerTimeoutMs: number;
  /** WebSocket ping period; any frame from the server also counts as alive. */
  keepaliveIntervalMs: number;
  /** No pong this long after a ping → the connection is dead (interval + timeout ≤ 30 s). */
  keepaliveTimeoutMs: number;
  /** Refresh at this fraction of the expiry the registrar granted. */
  refreshRatio: number;
  /** `stop()` waits at most this long for the un-REGISTER answer. */
  unregisterTimeoutMs: number;
  /** Backoff: first ceiling and cap. */
  backoffBaseMs: number;
  backoffCapMs: number;
  /** Cap while nothing even accepts a TCP connection at the server's address (see retryDelay). */
  unreachableCapMs: number;
  /** The longest wait a registrar's Retry-After may ask for (see retryDelay). */
  retryAfterCapMs: number;
  /**
   * A registration that stayed up this long worked: the next failure backs off from the start
   * again. One that is lost sooner (a registrar that drops the connection after its 200 OK, a
   * binding that cannot be kept) counts as one more failure, so a flapping server is not
   * reconnected every half second. At least `backoffCapMs`: resetting after a registration held
   * that long lets the line come back at most about as often as the longest backoff would. A
   * server restarted twice in a row is told apart by its port during the wait (the line's
   * restart watch), and is not waited out.
   */
  registrationHeldMs: number;
}

export const DEFAULT_SIP_TIMING: SipTiming = {
  connectTimeoutMs: 5_000,
  registerTimeoutMs: 10_000,
  keepaliveIntervalMs: 15_000,
  keepaliveTimeoutMs: 10_000,
  refreshRatio: 0.55,
  unregisterTimeoutMs: 1_500,
  backoffBaseMs: 500,
  backoffCapMs: 30_000,
  unreachableCapMs: 1_500,
  retryAfterCapMs: 300_000,
  registrationHeldMs: 30_000,
};

/**
 * Wait before the next attempt after `failures` (≥ 1) consecutive failures: exponential with
 * jitter. While the server's port refuses connections (restarting, or the network is down here)
 * a retry costs the server nothing, so the wait stops growing at `unreachableCapMs` and a server
 * that comes back is found within about that long; once the server has answered anything, the
 * full cap protects it. A registrar that said when to come back (`Retry-After`, RFC 3261
 * §20.33, e.g. a 503 under overload) is not asked again sooner: the wait is at least what it
 * asked, up to `retryAfterCapMs`, plus up to a tenth more so a floor of desktops told the same
 * time does not return in one burst.
 */
export function retryDelay(
  failures: number,
  timing: SipTiming,
  reached: boolean,
  random = Math.random,
  retryAfterMs?: number,
): number {
  const capMs = reached
    ? timing.backoffCapMs
    : Math.min(timing.unreachableCapMs, timing.backoffCapMs);
  const backoff = backoffDelay(
    Math.max(0, failures - 1),
    { baseMs: timing.backoffBaseMs, capMs },
    random,
  );
  if (!retryAfterMs || retryAfterMs <= 0) return backoff;
  const asked = Math.min(retryAfterMs, timing.retryAfterCapMs);
  return Math.max(backoff, Math.round(asked * (1 + random() / 10)));
}

/**
 * A Retry-After header's wait in ms (`120`, `120;duration=3600`, `120 (overload)`), or undefined
 * when there is none or it is not a number of seconds.
 */
export function retryAfterMs(header: string | undefined): number | undefined {
  const seconds = /^\s*(\d{1,9})(?![\d.])/.exec(header ?? '')?.[1];
  return seconds === undefined ? undefined : Number(seconds) * 1000;
}

/** sip.js's `refreshFrequency` (percent of the granted expiry, 50–99) for `refreshRatio`. */
export function refreshPercent(timing: SipTiming): number {
  return Math.min(99, Math.max(50, Math.round(timing.refreshRatio * 100)));
}

/** A REGISTER timeout that still leaves room to retry before the binding runs out. */
export function registerTimeoutMs(expiresSec: number, timing: SipTiming): number {
  return Math.min(timing.registerTimeoutMs, Math.max(1_000, expiresSec * 1000 * 0.3));
}
