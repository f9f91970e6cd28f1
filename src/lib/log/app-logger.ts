/**
 * The app's Logger: every entry passes the one redaction (shared/redact) once, then goes to each
 * sink — the rotating log files, and stderr for a developer's terminal.
 */
import { redactValue, redactText } from '../../shared/redact';
import { SecretList } from './secret-list';
import type { Logger } from '../ports';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One redacted log entry. */
export interface LogEntry {
  time: string;
  level: LogLevel;
  msg: string;
  fields?: Record<string, unknown>;
}

/** Somewhere entries go (a file, stderr). */
export type LogSink = (entry: LogEntry) => void;

export interface AppLogger extends Logger {
  /** The secret values scrubbed from every entry; add to it as secrets become known. */
  readonly secrets: SecretList;
  /** Logs an entry that came from elsewhere (the window) at its own level. */
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void;
}

export interface AppLoggerOptions {
  sinks: LogSink[];
  /** False drops debug entries. */
  debug: boolean;
  secrets?: SecretList;
  now?: () => Date;
}

/** Builds the logger; a sink that throws never breaks the caller. */
export function createAppLogger(options: AppLoggerOptions): AppLogger {
  const secrets = options.secrets ?? new SecretList();
  const now = options.now ?? (() => new Date());
  const log = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (level === 'debug' && !options.debug) return;
    const known = secrets.list();
    const entry: LogEntry = { time: now().toISOString(), level, msg: redactText(msg, known) };
    if (fields && Object.keys(fields).length > 0) {
      entry.fields = redactValue(fields, known) as Record<string, unknown>;
    }
    for (const sink of options.sinks) {
      try {
        sink(entry);
      } catch {
        // A full disk must not stop the agent's session; stderr still gets the line.
      }
    }
  };
  return {
    secrets,
    log,
    debug: (msg, fields) => log('debug', msg, fields),
    info: (msg, fields) => log('info', msg, fields),
    warn: (msg, fields) => log('warn', msg, fields),
    error: (msg, fields) => log('error', msg, fields),
  };
}

/** The keys every line has; a field of the same name is written as `field.<name>`. */
const LINE_KEYS = new Set(['time', 'level', 'msg']);

/**
 * One JSON line per entry: `{"time","level","msg",...fields}`. The entry's own time, level and
 * message always stand: sip.js passes its own `level` as a field, and a debug line must not
 * read as `"level":"error"` to someone grepping the log.
 */
export function formatLine(entry: LogEntry): string {
  const fields = Object.entries(entry.fields ?? {}).map(([key, value]) => [
    LINE_KEYS.has(key) ? `field.${key}` : key,
    value,
  ]);
  return JSON.stringify(
    Object.fromEntries([
      ['time', entry.time],
      ['level', entry.level],
      ['msg', entry.msg],
      ...fields,
    ]),
  );
}

/**
 * A sink writing JSON lines to `write`, or to stderr. stderr can fail for good (EPIPE once the
 * reader of its pipe is gone): its first error turns this sink off and is handled here, so it never
 * becomes an uncaught exception whose log line would write to stderr again. `onClosed` hears of it
 * after the sink is off, so what it logs goes to the other sinks only.
 */
export function streamSink(
  write?: (line: string) => void,
  onClosed?: (error: Error) => void,
): LogSink {
  if (write) return (entry) => write(`${formatLine(entry)}\n`);
  const stream = process.stderr;
  let closed = false;
  const close = (error: Error) => {
    if (closed) return;
    closed = true;
    onClosed?.(error);
  };
  stream.on('error', close);
  return (entry) => {
    if (closed) return;
    if (stream.destroyed) return close(new Error('stderr closed'));
    stream.write(`${formatLine(entry)}\n`, (error) => {
      if (error) close(error);
    });
  };
}
