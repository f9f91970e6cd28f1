/** Small display helpers shared by several components (no rules: formatting only). */
import { baseOf } from '../../shared/domain/state';
import type { BaseState } from '../../shared/domain/state';

/** Elapsed time as m:ss below an hour and h:mm:ss above (agents read it at a glance). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${String(m).padStart(2, '0')}:${ss}`;
}

const clocks = new Map<string, Intl.DateTimeFormat>();

/**
 * A wall-clock time (e.g. the next retry) in the window's language. One formatter per language:
 * building one (what toLocaleTimeString does on every call) costs ~1 ms, paid per row per render.
 */
export function formatClock(epochMs: number, locale: string): string {
  let clock = clocks.get(locale);
  if (!clock) {
    clock = new Intl.DateTimeFormat(locale, {
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: false,
    });
    clocks.set(locale, clock);
  }
  return clock.format(epochMs);
}

/**
 * A wire state split for display: its base (via the shared, lenient baseOf) and whatever
 * follows the first `/` as the reason. Display only; validity is the shared model's business.
 */
export function stateParts(state: string | null | undefined): {
  base: BaseState | null;
  reason: string | null;
} {
  const base = baseOf(state);
  const slash = state ? state.indexOf('/') : -1;
  return { base, reason: state && slash >= 0 ? state.slice(slash + 1) : null };
}
