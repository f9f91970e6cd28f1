/**
 * The shell's logger: rotating files in `<userData>/logs` (electron-log, capped) plus JSON lines on
 * stderr for a developer's terminal; debug entries only with AGENT_DESKTOP_DEBUG=1. Every entry
 * is redacted once (shared/redact) before either sink sees it.
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
  const files = createFileSink({ dir: join(userData, 'logs') });
  const logger = createAppLogger({ sinks: [files.sink, streamSink(write)], debug });
  return { logger, files };
}
