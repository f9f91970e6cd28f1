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
};

/**
 * Wait before the next attempt after `failures` (≥ 1) consecutive failures: exponential with
 * jitter. While the server's port refuses connections (restarting, or the network is down here)
 * a retry costs the server nothing, so the wait stops growing at `unreachableCapMs` and a server
 * that comes back is found within about that long; once the server has answered anything, the
 * full cap protects it.
 */
export function retryDelay(
  failures: number,
  timing: SipTiming,
  reached: boolean,
  random = Math.random,
): number {
  const capMs = reached
    ? timing.backoffCapMs
    : Math.min(timing.unreachableCapMs, timing.backoffCapMs);
  return backoffDelay(Math.max(0, failures - 1), { baseMs: timing.backoffBaseMs, capMs }, random);
}

/** sip.js's `refreshFrequency` (percent of the granted expiry, 50–99) for `refreshRatio`. */
export function refreshPercent(timing: SipTiming): number {
  return Math.min(99, Math.max(50, Math.round(timing.refreshRatio * 100)));
}

/** A REGISTER timeout that still leaves room to retry before the binding runs out. */
export function registerTimeoutMs(expiresSec: number, timing: SipTiming): number {
  return Math.min(timing.registerTimeoutMs, Math.max(1_000, expiresSec * 1000 * 0.3));
}
