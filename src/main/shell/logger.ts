/**
 * The shell's logger: rotating files in `<userData>/logs` (electron-log, capped) plus JSON lines on
 * stderr for a developer's terminal; debug entries only with AGENT_DESKTOP_DEBUG=1. Every entry
 * is redacted once (shared/redact) before either sink sees it. A log folder that cannot be made
 * (a read-only profile, AGENT_DESKTOP_USER_DATA on a missing drive) leaves stderr only and says
 * so: it must not stop the app before it can even show a dialog.
 */
import { join } from 'node:path';
import { createAppLogger, streamSink } from '../../lib/log/app-logger';
import { createFileSink } from '../../lib/log/file-sink';
import type { AppLogger } from '../../lib/log/app-logger';
import type { FileSink } from '../../lib/log/file-sink';

export interface ShellLogger {
  logger: AppLogger;
  files: FileSink;
}

/** The logger writing to `<userData>/logs/main.log` (and stderr via `write`). */
export function createShellLogger(
  userData: string,
  debug: boolean,
  write?: (line: string) => void,
): ShellLogger {
  const dir = join(userData, 'logs');
  let files: FileSink;
  let failure: string | null = null;
  try {
    files = createFileSink({ dir });
  } catch (error) {
    failure = String(error);
    files = { dir, sink: () => undefined, files: () => [] };
  }
  const logger = createAppLogger({ sinks: [files.sink, streamSink(write)], debug });
  if (failure)
    logger.error('log files unavailable; logging to stderr only', { dir, error: failure });
  return { logger, files };
}
