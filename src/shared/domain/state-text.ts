/**
 * How a state reads to a person, in one place for the tray, the window and notifications:
 * "label · reason" (e.g. "忙碌 · 小休"), and elapsed time as m:ss / h:mm:ss.
 */
import { baseOf, SYSTEM_STATES } from './state';
import type { BaseState, SystemReason } from './state';

/** The words for a state: its base, the reasons the app itself sets, and "no state known". */
export interface StateWords {
  base: (base: BaseState) => string;
  system: (reason: SystemReason) => string;
  /** No state at all (none read yet, or the platform sent an empty one). */
  unknown: string;
}

/**
 * A wire state split for display: its base (lenient, via baseOf), whatever follows the first
 * `/` as the reason, and which of the app's own reasons that is (`away/system/lock` → `lock`).
 * A state the platform set (`talking/<anything>`) still has its base read correctly.
 */
export function stateParts(state: string | null | undefined): {
  base: BaseState | null;
  reason: string | null;
  system: SystemReason | null;
} {
  const base = baseOf(state);
  const slash = state ? state.indexOf('/') : -1;
  const reason = state && slash >= 0 ? state.slice(slash + 1) : null;
  return { base, reason, system: state ? systemReasonOf(state) : null };
}

/** The app's own reason a state carries, when it is exactly one of {@link SYSTEM_STATES}. */
function systemReasonOf(state: string): SystemReason | null {
  for (const [reason, systemState] of Object.entries(SYSTEM_STATES)) {
    if (state === systemState) return reason as SystemReason;
  }
  return null;
}

/** Joins a state's label and its reason: "label · reason", or the label alone. */
export function labelWithReason(label: string, reason: string | null): string {
  return reason ? `${label} · ${reason}` : label;
}

/**
 * A wire state as text, e.g. "忙碌 · 小休", or "离开 · 锁屏" for `away/system/lock`, in the
 * reader's language; null when the state has no known base (the caller says "unknown").
 */
export function stateText(state: string | null | undefined, words: StateWords): string | null {
  const parts = stateParts(state);
  return parts.base ? labelWithReason(words.base(parts.base), reasonText(parts, words)) : null;
}

/** A state's reason as read: the app's own in words (`system/lock` → "锁屏"), others as sent. */
export function reasonText(
  parts: ReturnType<typeof stateParts>,
  words: Pick<StateWords, 'system'>,
): string | null {
  return parts.system ? words.system(parts.system) : parts.reason;
}

/**
 * As {@link stateText}, but never blank: a state with no known base reads as sent (`acw/x`, so
 * whoever reads it to support has the platform's words), and no state at all as "unknown". The
 * tray and the window's badges both read the agent's state this way.
 */
export function stateTextOrSent(state: string | null | undefined, words: StateWords): string {
  return stateText(state, words) ?? (state || words.unknown);
}

/** Elapsed time as mm:ss below an hour and h:mm:ss from one hour on (read at a glance). */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}
