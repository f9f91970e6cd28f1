/**
 * Errors and unhandled rejections in the window go to main's log file (through the named preload
 * function `reportWindowError`), so IT sees them next to main's own lines. Bounded: a page stuck
 * in an error loop cannot flood the log.
 */
import { call } from './desktop';

const MAX_REPORTS_PER_MINUTE = 20;

/** Installs the listeners on `target` (the window); returns a function removing them. */
export function reportWindowErrors(target: Window = window, now: () => number = Date.now) {
  let windowStart = 0;
  let sent = 0;
  const report = (
    kind: 'error' | 'unhandledrejection',
    error: unknown,
    message: string,
    source?: string,
  ) => {
    const t = now();
    if (t - windowStart > 60_000) {
      windowStart = t;
      sent = 0;
    }
    if (++sent > MAX_REPORTS_PER_MINUTE) return;
    const stack = error instanceof Error && error.stack ? error.stack.slice(0, 16_000) : undefined;
    void call((api) =>
      api.reportWindowError({
        kind,
        message: message.slice(0, 4000),
        ...(stack ? { stack } : {}),
        ...(source ? { source: source.slice(0, 2000) } : {}),
      }),
    );
  };
  const onError = (event: ErrorEvent) =>
    report(
      'error',
      event.error,
      event.message || String(event.error),
      event.filename ? `${event.filename}:${event.lineno}:${event.colno}` : undefined,
    );
  const onRejection = (event: PromiseRejectionEvent) => {
    const reason: unknown = event.reason;
    report('unhandledrejection', reason, reason instanceof Error ? reason.message : String(reason));
  };
  target.addEventListener('error', onError);
  target.addEventListener('unhandledrejection', onRejection);
  return () => {
    target.removeEventListener('error', onError);
    target.removeEventListener('unhandledrejection', onRejection);
  };
}
