/**
 * The shell's logger: rotating files in `<userData>/logs` (electron-log, capped) plus JSON lines on
 * stderr for a developer's terminal; debug entries only with AGENT_DESKTOP_DEBUG=1. Every entry
 * is redacted once (shared/redact) before either sink sees it. A log file that cannot be written
 * (a read-only profile, AGENT_DESKTOP_USER_DATA on a missing drive, main.log owned by an
 * administrator, a full disk) leaves stderr only and says why, once; the file is tried again every
 * few seconds, and a line says when it works again. It must not stop the app before it can even
 * show a dialog.
 */
import { join } from 'node:path';
import { createAppLogger, streamSink } from '../../lib/log/app-logger';
import { createFileSink, FILE_RETRY_MS } from '../../lib/log/file-sink';
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
  const files = createFileSink({ dir, onProblem: (problem) => report(problem) });
  const stderr = streamSink(write, (error) =>
    logger.warn('stderr closed; logging to the files only', { error: error.message }),
  );
  const logger = createAppLogger({ sinks: [files.sink, stderr], debug });
  function report(problem: string | null) {
    if (problem === null) logger.info('log files available again', { dir });
    else
      logger.error('log files unavailable; logging to stderr only', {
        dir,
        error: problem,
        retryInSeconds: FILE_RETRY_MS / 1000,
      });
  }
  const problem = files.problem();
  if (problem !== null) report(problem);
  return { logger, files };
}
