/** Loggers that keep what they are told, for tests that check what was logged. */
import type { Logger } from '../../src/lib/ports';

/** One logged line as given: its message and its fields. */
export type LoggedLine = [string, Record<string, unknown> | undefined];

/** A logger that keeps each info, warn and error as `[msg, fields]` in `lines()`. */
export function fieldLogger(lines: () => LoggedLine[]): Logger {
  const keep = (msg: string, fields?: Record<string, unknown>) => void lines().push([msg, fields]);
  return { debug: () => undefined, info: keep, warn: keep, error: keep };
}

/** A logger that writes each info, warn and error as one line (`msg {fields}`) into `lines()`. */

export function lineLogger(lines: () => string[]): Logger {
  const write = (msg: string, fields?: Record<string, unknown>) =>
    void lines().push(`${msg} ${JSON.stringify(fields ?? {})}`);
  return { debug: () => undefined, info: write, warn: write, error: write };
}
