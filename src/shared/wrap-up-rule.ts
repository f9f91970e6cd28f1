/**
 * How far "+30 s" may stretch one call's wrap-up: the one rule main applies and the window shows
 * (the button is disabled, with the reason, once the limit is reached).
 */
import type { WrapUpStatus } from './snapshot';

/** What one "+30 s" adds. */
export const WRAP_UP_EXTEND_MS = 30_000;
/**
 * At most this much is added to one call's wrap-up in all (ten "+30 s"), beyond its set time:
 * an agent cannot stay out of routing for ever by clicking.
 */
export const WRAP_UP_EXTEND_LIMIT_MS = 5 * 60_000;

/** The latest a wrap-up that was set to end at `endsAt` may be extended to. */
export function wrapUpLimit(endsAt: number): number {
  return endsAt + WRAP_UP_EXTEND_LIMIT_MS;
}

/** What the next "+30 s" adds to this wrap-up, in ms; 0 = it is at its limit. */
export function wrapUpExtension(status: Pick<WrapUpStatus, 'endsAt' | 'limitAt'>): number {
  return Math.max(0, Math.min(WRAP_UP_EXTEND_MS, status.limitAt - status.endsAt));
}
