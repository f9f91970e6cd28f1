/**
 * Where the app's log goes (docs/it-admin.md, Logs): `<userData>/logs/main.log`, and stderr. A
 * user-data folder where no log folder can be made must not stop the app at its first line.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createShellLogger } from '../../../src/main/shell/logger';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shell-logger-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

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
});
