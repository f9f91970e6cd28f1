/** Small display helpers shared by several components (no rules: formatting only). */
export { formatElapsed as formatDuration, stateParts } from '../../shared/domain/state-text';

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
