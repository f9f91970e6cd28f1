/**
 * How a state reads to a person, in one place for the tray, the window and notifications:
 * "label · reason" (e.g. "忙碌 · 小休"), and elapsed time as m:ss / h:mm:ss.
 */
import { baseOf } from './state';
import type { BaseState } from './state';

/**
 * A wire state split for display: its base (lenient, via baseOf) and whatever follows the first
 * `/` as the reason. A state the platform set (`talking/<anything>`) still reads correctly.
 */
export function stateParts(state: string | null | undefined): {
  base: BaseState | null;
  reason: string | null;
} {
  const base = baseOf(state);
  const slash = state ? state.indexOf('/') : -1;
  return { base, reason: state && slash >= 0 ? state.slice(slash + 1) : null };
}

/** Joins a state's label and its reason: "label · reason", or the label alone. */
export function labelWithReason(label: string, reason: string | null): string {
  return reason ? `${label} · ${reason}` : label;
}

/**
 * A wire state as text, e.g. "忙碌 · 小休", with `label` naming each base state in the
 * reader's language; null when the state has no known base (the caller says "unknown").
 */
export function stateText(
  state: string | null | undefined,
  label: (base: BaseState) => string,
): string | null {
  const { base, reason } = stateParts(state);
  return base ? labelWithReason(label(base), reason) : null;
}

/** As {@link stateText}, but a state with no known base reads as sent (never blank). */
export function stateTextOrSent(state: string, label: (base: BaseState) => string): string {
  return stateText(state, label) ?? state;
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
