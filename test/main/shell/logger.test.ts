/**
 * Where the app's log goes (docs/it-admin.md, Logs): `<userData>/logs/main.log`, and stderr. A
 * user-data folder where no log folder can be made must not stop the app at its first line.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FILE_RETRY_MS } from '../../../src/lib/log/file-sink';
import { createShellLogger } from '../../../src/main/shell/logger';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shell-logger-'));
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

describe('the shell logger', () => {
  it('writes main.log in <userData>/logs and the same line to stderr', () => {
    const stderr: string[] = [];
    const { logger, files } = createShellLogger(dir, false, (line) => stderr.push(line));
    logger.info('started', { hidden: false });
    expect(files.files()).toEqual([join(dir, 'logs', 'main.log')]);
    const line = JSON.parse(readFileSync(join(dir, 'logs', 'main.log'), 'utf8')) as object;
    expect(line).toMatchObject({ level: 'info', msg: 'started', hidden: false });
    expect(JSON.parse(stderr[0]!)).toEqual(line);
  });

  it('no log folder possible: stderr only, and the first line says why', () => {
    const blocked = join(dir, 'a-file');
    writeFileSync(blocked, '');
    const stderr: string[] = [];
    const { logger, files } = createShellLogger(join(blocked, 'userData'), false, (line) =>
      stderr.push(line),
    );
    logger.info('started');
    expect(files.files()).toEqual([]);
    expect(stderr.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({
        level: 'error',
        msg: 'log files unavailable; logging to stderr only',
        error: expect.stringContaining('ENOTDIR'),
      }),
      expect.objectContaining({ level: 'info', msg: 'started' }),
    ]);
  });

  it('main.log not writable at the first line: says why, and writes it once it can', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    // What an elevated run or a full disk leaves: main.log cannot be opened at start.
    const main = join(dir, 'logs', 'main.log');
    mkdirSync(main, { recursive: true });
    const stderr: string[] = [];
    const { logger, files } = createShellLogger(dir, false, (line) => stderr.push(line));
    logger.info('first');
    expect(JSON.parse(stderr[0]!)).toMatchObject({
      level: 'error',
      msg: 'log files unavailable; logging to stderr only',
      error: expect.stringContaining('EISDIR'),
    });
    expect(files.files()).toEqual([]);

    rmSync(main, { recursive: true });
    vi.advanceTimersByTime(FILE_RETRY_MS);
    for (let i = 0; i < 5; i++) logger.info(`later ${i}`);
    expect(existsSync(main)).toBe(true);
    const lines = readFileSync(main, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    // Said once a real line is in the file (a probe alone passes on a full disk).
    expect(lines.map((line) => line.msg)).toEqual([
      'later 0',
      'log files available again',
      'later 1',
      'later 2',
      'later 3',
      'later 4',
    ]);
    // It said why once, not at every line.
    expect(stderr.filter((line) => line.includes('unavailable'))).toHaveLength(1);
  });

  it('main.log stops taking lines mid-run: says so once, then retries', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const main = join(dir, 'logs', 'main.log');
    const stderr: string[] = [];
    const { logger } = createShellLogger(dir, false, (line) => stderr.push(line));
    logger.info('first');
    // Replaced under the app by something it cannot write to.
    rmSync(main);
    mkdirSync(main);
    for (let i = 0; i < 5; i++) logger.info(`lost ${i}`);
    expect(stderr.filter((line) => line.includes('log files unavailable'))).toHaveLength(1);
    rmSync(main, { recursive: true });
    vi.advanceTimersByTime(FILE_RETRY_MS);
    logger.info('back');
    expect(readFileSync(main, 'utf8')).toContain('"back"');
  });
  // Linux's /dev/full opens, and every write to it fails with ENOSPC: a full disk.
  it.runIf(process.platform === 'linux')(
    'a full disk: says once that the log files are unavailable, never that they are back',
    () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      mkdirSync(join(dir, 'logs'));
      symlinkSync('/dev/full', join(dir, 'logs', 'main.log'));
      const stderr: string[] = [];
      const { logger, files } = createShellLogger(dir, false, (line) => stderr.push(line));
      for (let i = 0; i < 60; i++) {
        logger.info('keepalive ok', { i });
        vi.advanceTimersByTime(1_000);
      }
      const msgs = stderr.map((line) => (JSON.parse(line) as { msg: string }).msg);
      expect(msgs.filter((msg) => msg.startsWith('log files unavailable'))).toHaveLength(1);
      expect(msgs).not.toContain('log files available again');
      expect(msgs.filter((msg) => msg === 'keepalive ok')).toHaveLength(60);
      expect(files.problem()).toMatch(/ENOSPC/);
    },
  );
});
