/** JSON-lines logger to a stream (stderr by default): one object per line, no secrets passed in. */
import { formatLine } from '../lib/log/app-logger';
import type { Logger } from '../lib/ports';

export function jsonLogger(write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const at =
    (level: 'info' | 'warn' | 'error') => (msg: string, fields?: Record<string, unknown>) =>
      write(`${formatLine({ time: new Date().toISOString(), level, msg, fields })}\n`);
  return { debug: () => undefined, info: at('info'), warn: at('warn'), error: at('error') };
}
