/**
 * Every period and limit of the SIP line in one place. The defaults are the product's; tests
 * pass shorter ones through the same options.
 */
import { backoffDelay } from '../core/backoff';

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
  /** Backoff: first ceiling, cap, and how many first retries stay at the first ceiling. */
  backoffBaseMs: number;
  backoffCapMs: number;
  quickRetries: number;
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
  // The common outage is a SIP server restart that takes a second or two, and a refused
  // connection costs the server nothing; so the first few retries stay short (jittered 0.25–0.5 s)
  // before the wait starts doubling towards the cap.
  quickRetries: 6,
};

/** Wait before retry number `failures - 1` (failures ≥ 1 consecutive failed attempts). */
export function retryDelay(failures: number, timing: SipTiming, random = Math.random): number {
  const attempt = Math.max(0, failures - 1 - timing.quickRetries);
  return backoffDelay(
    attempt,
    { baseMs: timing.backoffBaseMs, capMs: timing.backoffCapMs },
    random,
  );
}

/** When to refresh a registration the registrar granted for `expiresSec`. */
export function refreshDelayMs(expiresSec: number, timing: SipTiming): number {
  return Math.max(1_000, Math.round(expiresSec * 1000 * timing.refreshRatio));
}

/** A REGISTER timeout that still leaves room to retry before the binding runs out. */
export function registerTimeoutMs(expiresSec: number, timing: SipTiming): number {
  return Math.min(timing.registerTimeoutMs, Math.max(1_000, expiresSec * 1000 * 0.3));
}
