/** A logger that writes each info, warn and error as one line (`msg {fields}`) into `lines()`. */
import type { Logger } from '../../src/lib/ports';

export function lineLogger(lines: () => string[]): Logger {
  const write = (msg: string, fields?: Record<string, unknown>) =>
    void lines().push(`${msg} ${JSON.stringify(fields ?? {})}`);
  return { debug: () => undefined, info: write, warn: write, error: write };
}
