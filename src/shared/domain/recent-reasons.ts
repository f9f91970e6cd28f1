/**
 * Recently used reasons: how many are kept, how many are offered, and in which order the tray
 * and the window list them beside the presets. One rule for both, so they never disagree.
 */
import { checkAgentState, parseState } from './state';

export type ReasonBase = 'busy' | 'away';
export type RecentReasons = Record<ReasonBase, string[]>;

/** How many reasons the session remembers per base state (newest first). */
export const RECENT_REASONS_KEPT = 6;
/** How many of them a menu offers besides the presets. */
export const RECENT_REASONS_SHOWN = 5;

/** The list after the agent chose `state`; the same object when `state` carries no reason. */
export function rememberReason(recent: RecentReasons, state: string): RecentReasons {
  const parsed = parseState(state);
  if (!parsed.ok || !parsed.value.reason) return recent;
  const { base, reason } = parsed.value;
  if (base !== 'busy' && base !== 'away') return recent;
  const list = [reason, ...recent[base].filter((r) => r !== reason)];
  return { ...recent, [base]: list.slice(0, RECENT_REASONS_KEPT) };
}

/** What a reasons menu offers: recently used first (newest first), then the presets. */
export interface ReasonChoices {
  recent: string[];
  presets: string[];
}

/**
 * The reasons a menu for `base` offers. Only reasons the platform would accept; each reason once
 * (a recent one is not repeated among the presets); at most {@link RECENT_REASONS_SHOWN} recent.
 */
export function reasonChoices(
  base: ReasonBase,
  presets: readonly string[],
  recent: readonly string[],
): ReasonChoices {
  const valid = (reason: string) => checkAgentState(`${base}/${reason}`) === null;
  const recentShown = unique(recent.filter(valid)).slice(0, RECENT_REASONS_SHOWN);
  const presetShown = unique(presets.filter(valid)).filter((r) => !recentShown.includes(r));
  return { recent: recentShown, presets: presetShown };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
