/**
 * Rotating log files through electron-log's file transport (its Node entry: no Electron needed,
 * so the same code is tested for real). `main.log` is current; when it passes `maxBytes` it
 * becomes `main.1.log`, older ones shift up, and at most `maxFiles` files are kept.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
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
  file.archiveLogFn = (current) => rotate(options.dir, current.toString(), maxFiles);
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

function rotate(dir: string, current: string, maxFiles: number): void {
  // main.(N-1).log is dropped; each older file moves up one; the current one becomes main.1.log.
  const oldest = join(dir, numbered(maxFiles - 1));
  if (maxFiles === 1) {
    rmSync(current, { force: true });
    return;
  }
  rmSync(oldest, { force: true });
  for (let n = maxFiles - 2; n >= 1; n--) {
    const from = join(dir, numbered(n));
    if (existsSync(from)) renameSync(from, join(dir, numbered(n + 1)));
  }
  renameSync(current, join(dir, numbered(1)));
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
