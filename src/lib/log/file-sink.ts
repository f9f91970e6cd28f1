/**
 * Rotating log files through electron-log's file transport (its Node entry: no Electron needed,
 * so the same code is tested for real). `main.log` is current; when it passes `maxBytes` it
 * becomes `main.1.log`, older ones shift up, and at most `maxFiles` files are kept.
 */
import {
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
import type { LogSink } from './app-logger';

/** Caps: 2 MiB per file, 5 files (10 MiB in all). */
export const LOG_MAX_BYTES = 2 * 1024 * 1024;
export const LOG_MAX_FILES = 5;
export const LOG_FILE = 'main.log';

export interface FileSinkOptions {
  dir: string;
  maxBytes?: number;
  maxFiles?: number;
}

let instances = 0;

/** The sink plus where its files are. */
export interface FileSink {
  sink: LogSink;
  dir: string;
  /** The log files, newest first. */
  files(): string[];
}

/** Creates the rotating file sink in `dir` (created if missing). */
export function createFileSink(options: FileSinkOptions): FileSink {
  const maxBytes = options.maxBytes ?? LOG_MAX_BYTES;
  const maxFiles = Math.max(1, options.maxFiles ?? LOG_MAX_FILES);
  mkdirSync(options.dir, { recursive: true });
  const log = electronLog.create({ logId: `agent-desktop-${++instances}` });
  log.transports.console.level = false;
  const file = log.transports.file;
  file.level = 'debug';
  file.maxSize = maxBytes;
  file.format = '{text}';
  file.sync = true;
  file.resolvePathFn = () => join(options.dir, LOG_FILE);
  file.archiveLogFn = (current) => rotate(options.dir, current.toString(), maxFiles, maxBytes);
  const files = () => logFiles(options.dir);
  return {
    dir: options.dir,
    files,
    sink: (entry) => {
      const line = formatLine(entry);
      if (entry.level === 'error') log.error(line);
      else if (entry.level === 'warn') log.warn(line);
      else if (entry.level === 'info') log.info(line);
      else log.debug(line);
    },
  };
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
  return readdirSync(dir)
    .filter((name) => name === LOG_FILE || /^main\.\d+\.log$/.test(name))
    .sort((a, b) => rank(a) - rank(b))
    .map((name) => join(dir, name));
}
