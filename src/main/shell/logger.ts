/** The shell's logger: one JSON line per entry on stderr (debug only with AGENT_DESKTOP_DEBUG=1). */
import type { Logger } from '../../lib/ports';

/** A Logger writing `{"level","msg",...fields}` lines to `write` (stderr by default). */
export function createLogger(
  debug: boolean,
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const entry = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
  return {
    debug: debug ? entry('debug') : () => {},
    info: entry('info'),
    warn: entry('warn'),
    error: entry('error'),
  };
}
