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

/** The longest line written, in characters (8 KiB of ASCII); a longer entry is cut to fit. */
export const LINE_MAX_CHARS = 8 * 1024;
/** In a line that is too long, each string is cut to this many characters first. */
const CUT_STRING_CHARS = 1024;
/** Room kept for the line's own keys and a marker when the fields are cut down further. */
const LINE_RESERVE = 512;

/**
 * One JSON line per entry: `{"time","level","msg",...fields}`. The entry's own time, level and
 * message always stand: sip.js passes its own `level` as a field, and a debug line must not
 * read as `"level":"error"` to someone grepping the log. A line longer than
 * {@link LINE_MAX_CHARS} (an error that embeds a whole HTTP response) is cut to fit, each cut
 * marked `[cut N chars]`, and stays one JSON object.
 */
export function formatLine(entry: LogEntry): string {
  const fields = Object.entries(entry.fields ?? {}).map(([key, value]): [string, unknown] => [
    LINE_KEYS.has(key) ? `field.${key}` : key,
    value,
  ]);
  const line = lineOf(entry, entry.msg, fields);
  return line.length <= LINE_MAX_CHARS ? line : cutLine(entry, fields, line.length);
}

function lineOf(entry: LogEntry, msg: string, fields: Array<[string, unknown]>): string {
  return JSON.stringify(
    Object.fromEntries([['time', entry.time], ['level', entry.level], ['msg', msg], ...fields]),
  );
}

/** The entry again with every long string cut; then, if still too long, fields cut whole. */
function cutLine(entry: LogEntry, fields: Array<[string, unknown]>, length: number): string {
  const msg = cutString(entry.msg, CUT_STRING_CHARS);
  const short = fields.map(([key, value]): [string, unknown] => [key, cutStrings(value, 0)]);
  const line = lineOf(entry, msg, short);
  if (line.length <= LINE_MAX_CHARS) return line;
  // Fields in order while they fit; a field that does not becomes the start of its JSON, and
  // whatever is left after the budget runs out is only counted.
  let room = LINE_MAX_CHARS - LINE_RESERVE - lineOf(entry, msg, []).length;
  const kept: Array<[string, unknown]> = [];
  let dropped = 0;
  for (const [key, value] of short) {
    const json = JSON.stringify(value) ?? 'null';
    const size = JSON.stringify(key).length + json.length + 2;
    if (size <= room) {
      kept.push([key, value]);
      room -= size;
    } else if (room > 64 + key.length) {
      const cut = fitString(json, room - 8 - JSON.stringify(key).length);
      kept.push([key, cut]);
      room -= JSON.stringify(key).length + JSON.stringify(cut).length + 2;
    } else dropped++;
  }
  if (dropped > 0) kept.push(['[cut]', `${dropped} more fields of a ${length}-char line`]);
  return lineOf(entry, msg, kept);
}

/** `text` cut to about `max` characters, saying how many went. */
function cutString(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…[cut ${text.length - max} chars]`;
}

/** `text` cut so that it is at most `budget` characters as a JSON string (escapes count). */
function fitString(text: string, budget: number): string {
  let max = budget - 32;
  let cut = cutString(text, max);
  while (max > 0 && JSON.stringify(cut).length > budget) {
    max = Math.floor(max / 2);
    cut = cutString(text, max);
  }
  return cut;
}

/** A copy of `value` with each long string cut and each long array shortened. */
function cutStrings(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return cutString(value, CUT_STRING_CHARS);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) {
    const items = value.slice(0, 50).map((item) => cutStrings(item, depth + 1));
    return value.length > 50 ? [...items, `[cut ${value.length - 50} items]`] : items;
  }
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, field]) => [
      key,
      cutStrings(field, depth + 1),
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
