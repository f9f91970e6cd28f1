/**
 * Rotating log files through electron-log's file transport (its Node entry: no Electron needed,
 * so the same code is tested for real). `main.log` is current; when it passes `maxBytes` it
 * becomes `main.1.log`, older ones shift up, and at most `maxFiles` files are kept.
 */
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import electronLog from 'electron-log/node';
import { formatLine } from './app-logger';
import type { LogEntry, LogSink } from './app-logger';

/** Caps: 2 MiB per file, 5 files (10 MiB in all). */
export const LOG_MAX_BYTES = 2 * 1024 * 1024;
export const LOG_MAX_FILES = 5;
export const LOG_FILE = 'main.log';

/** While main.log cannot be written, how long before the sink tries it again. */
export const FILE_RETRY_MS = 5_000;

export interface FileSinkOptions {
  dir: string;
  maxBytes?: number;
  maxFiles?: number;
  /** Told when main.log stops taking lines (why) and when it takes them again (null). */
  onProblem?: (problem: string | null) => void;
}

let instances = 0;

/** The sink plus where its files are. */
export interface FileSink {
  sink: LogSink;
  dir: string;
  /** The log files, newest first. */
  files(): string[];
  /** Why main.log cannot be written at the moment, or null while it can. */
  problem(): string | null;
}

/**
 * Creates the rotating file sink in `dir` (created if possible). It never throws: when main.log
 * cannot be written (no folder, a file owned by an administrator after an elevated run, a full
 * disk) lines are dropped, `onProblem` hears why once, and the file is tried again every
 * {@link FILE_RETRY_MS}.
 */
export function createFileSink(options: FileSinkOptions): FileSink {
  const maxBytes = options.maxBytes ?? LOG_MAX_BYTES;
  const maxFiles = Math.max(1, options.maxFiles ?? LOG_MAX_FILES);
  const path = join(options.dir, LOG_FILE);
  // electron-log would print each failed write on its default logger's console, as a line that
  // is not JSON; the sink reports it once itself.
  electronLog.transports.console.writeFn = () => undefined;
  const log = electronLog.create({ logId: `agent-desktop-${++instances}` });
  log.transports.console.level = false;
  const file = log.transports.file;
  file.level = 'debug';
  file.maxSize = maxBytes;
  file.format = '{text}';
  file.sync = true;
  file.resolvePathFn = () => path;
  // The log names callers and agents: readable by this user only (a new file after rotation too).
  file.writeOptions = { flag: 'a', mode: 0o600, encoding: 'utf8' };
  file.archiveLogFn = (current) => rotate(options.dir, current.toString(), maxFiles, maxBytes);

  // electron-log opens a path once per process and, if that fails, keeps a file that writes
  // nothing for good: it is only handed main.log once a write of our own has shown it works.
  let problem = probe(options.dir, path);
  let lastTry = Date.now();
  let failed: string | null = null;
  let gaveUp = false;
  const watched = new WeakSet<object>();
  const setProblem = (next: string | null) => {
    problem = next;
    lastTry = Date.now();
    options.onProblem?.(next);
  };
  /** Writes one line through electron-log; why it failed, or null once the line is in main.log. */
  const append = (line: string, level: LogEntry['level']): string | null => {
    const current = file.getFile();
    if (!watched.has(current)) {
      watched.add(current);
      current.on('error', (error) => (failed = error.message));
    }
    failed = null;
    if (level === 'error') log.error(line);
    else if (level === 'warn') log.warn(line);
    else if (level === 'info') log.info(line);
    else log.debug(line);
    if (failed) return failed;
    // A file electron-log could not open: it stays a no-op until the process restarts.
    if (current.size === 0) {
      gaveUp = true;
      return `electron-log could not open ${path}; no log file until the app restarts`;
    }
    return null;
  };
  return {
    dir: options.dir,
    files: () => logFiles(options.dir),
    problem: () => problem,
    sink: (entry) => {
      if (problem === null) {
        const failure = append(formatLine(entry), entry.level);
        if (failure !== null) setProblem(failure);
        return;
      }
      if (gaveUp || Date.now() - lastTry < FILE_RETRY_MS) return;
      lastTry = Date.now();
      if (probe(options.dir, path) !== null) return;
      // The probe shows only that main.log opens (a full disk still takes an empty append): the
      // problem is over once a real line is in the file, and until then it is not said again
      // (only that there will be no more tries).
      const failure = append(formatLine(entry), entry.level);
      if (failure === null || gaveUp) setProblem(failure);
    },
  };
}

/** Null when `path` can be appended to (its folder made if missing), else why not. */
function probe(dir: string, path: string): string | null {
  try {
    // Private, as Chromium makes the user-data folder (this may be the first to make it).
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    appendFileSync(path, '', { mode: 0o600 });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const numbered = (n: number) => LOG_FILE.replace(/\.log$/, `.${n}.log`);
/** Where main.log waits while the older files shift up (not listed as a log file). */
const ASIDE = 'main.rotating';

/**
 * main.log becomes main.1.log, each older file moves up one, main.(N-1).log is dropped. main.log
 * moves aside first: when it cannot move (Windows: another process holds it open; a folder that
 * allows writing but not renaming) no older file has been touched, and main.log is cut to its
 * newest part instead, as electron-log's own rotation does. Never throws: electron-log would drop
 * the line and try again on the next one.
 */
function rotate(dir: string, current: string, maxFiles: number, maxBytes: number): void {
  const aside = join(dir, ASIDE);
  try {
    renameSync(current, aside);
  } catch (error) {
    cropToNewest(current, maxBytes, error);
    return;
  }
  try {
    if (maxFiles === 1) {
      rmSync(aside, { force: true });
      return;
    }
    // Files shift up to the first free number; only with none free is the oldest dropped.
    let free = 1;
    while (free < maxFiles - 1 && existsSync(join(dir, numbered(free)))) free++;
    rmSync(join(dir, numbered(free)), { force: true });
    for (let n = free - 1; n >= 1; n--)
      renameSync(join(dir, numbered(n)), join(dir, numbered(n + 1)));
    renameSync(aside, join(dir, numbered(1)));
  } catch (error) {
    // An older file is held open: main.log goes back and is cut, the others stay as they are.
    try {
      renameSync(aside, current);
      cropToNewest(current, maxBytes, error);
    } catch {
      // Cannot even move it back: it waits aside (a fresh main.log starts) until the next rotation.
    }
  }
}

/** Keeps the newest quarter of `file` (at most 256 KiB), whole lines, after a line saying why. */
function cropToNewest(file: string, maxBytes: number, why: unknown): void {
  try {
    const keep = Math.min(Math.round(maxBytes / 4), 256 * 1024);
    const size = statSync(file).size;
    const buffer = Buffer.alloc(Math.min(keep, size));
    const fd = openSync(file, 'r');
    try {
      readSync(fd, buffer, 0, buffer.length, size - buffer.length);
    } finally {
      closeSync(fd);
    }
    const text = buffer.toString('utf8');
    const tail = buffer.length < size ? text.slice(text.indexOf('\n') + 1) : text;
    const note = formatLine({
      time: new Date().toISOString(),
      level: 'warn',
      msg: `${LOG_FILE} could not be moved to rotate it; kept its newest ${keep} bytes`,
      fields: { error: why instanceof Error ? why.message : String(why) },
    });
    writeFileSync(file, `${note}\n${tail}`);
  } catch {
    // Cannot even rewrite it: electron-log keeps appending, and tries again at the next line.
  }
}

/** The log files in `dir`, newest first (main.log, main.1.log, …). */
export function logFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const rank = (name: string) => (name === LOG_FILE ? 0 : Number(/\.(\d+)\.log$/.exec(name)?.[1]));
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .filter((name) => name === LOG_FILE || /^main\.\d+\.log$/.test(name))
    .sort((a, b) => rank(a) - rank(b))
    .map((name) => join(dir, name));
}
