/**
 * Recent reasons: the reasons the agent chose lately, newest first, per base state, so the tray
 * and the window can offer them again.
 */
import { parseState } from '../../shared/domain/state';
import type { SessionSnapshot } from '../../shared/snapshot';

type RecentReasons = SessionSnapshot['recentReasons'];

/** How many reasons are kept per base state. */
export const RECENT_REASONS = 6;

/** The list after the agent chose `state`; the same object when `state` carries no reason. */
export function rememberReason(recent: RecentReasons, state: string): RecentReasons {
  const parsed = parseState(state);
  if (!parsed.ok || !parsed.value.reason) return recent;
  const { base, reason } = parsed.value;
  if (base !== 'busy' && base !== 'away') return recent;
  const list = [reason, ...recent[base].filter((r) => r !== reason)].slice(0, RECENT_REASONS);
  return { ...recent, [base]: list };
}
