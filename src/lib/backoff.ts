/**
 * Exponential backoff with full jitter (the AWS architecture blog's "full jitter"; RFC 5626 §4.5
 * asks for randomised waits too): a random delay in [base/2, min(cap, base·2^attempt)], so many
 * desktops losing the same server do not come back in lock-step.
 */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

/** Delay before retry number `attempt` (0 = first retry). */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random = Math.random,
): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(attempt, 30));
  const floor = Math.min(options.baseMs / 2, ceiling);
  return Math.round(floor + random() * (ceiling - floor));
}
