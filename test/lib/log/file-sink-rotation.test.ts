/**
 * Rotation when main.log cannot be moved (Windows: another process holds it open; a folder where
 * files can be written but not renamed): the older files stay, and the new lines are kept.
 */
import type * as Fs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

const lock = vi.hoisted(() => ({ held: null as RegExp | null }));
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof Fs>();
  const renameSync: typeof actual.renameSync = (from, to) => {
    if (lock.held?.test(String(from)))
      throw Object.assign(new Error(`EBUSY: resource busy or locked, rename '${String(from)}'`), {
        code: 'EBUSY',
      });
    actual.renameSync(from, to);
  };
  return { ...actual, renameSync, default: { ...actual, renameSync } };
});

import { createAppLogger } from '../../../src/lib/log/app-logger';
import { createFileSink } from '../../../src/lib/log/file-sink';

const dirs: string[] = [];
afterEach(() => {
  lock.held = null;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const read = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8');
const seeded = () => {
  const dir = mkdtempSync(join(tmpdir(), 'agent-logs-'));
  dirs.push(dir);
  for (let n = 1; n <= 4; n++) writeFileSync(join(dir, `main.${n}.log`), `older ${n}\n`);
  return dir;
};
const MAIN_LOG = /(^|[\\/])main\.log$/;

describe('rotation with main.log held open', () => {
  it('keeps main.1..4.log and goes on writing main.log', () => {
    const dir = seeded();
    const files = createFileSink({ dir, maxBytes: 200 });
    const logger = createAppLogger({ sinks: [files.sink], debug: false });
    for (let i = 0; i < 3; i++) logger.info(`before ${i}`, { pad: 'x'.repeat(60) });
    lock.held = MAIN_LOG;
    for (let i = 0; i < 6; i++) logger.info(`locked ${i}`, { pad: 'x'.repeat(60) });

    const names = files.files().map((file) => basename(file));
    expect(names).toEqual(['main.log', 'main.1.log', 'main.2.log', 'main.3.log', 'main.4.log']);
    // Nothing older was dropped or overwritten because main.log could not move.
    for (let n = 2; n <= 4; n++) expect(read(dir, `main.${n}.log`)).toBe(`older ${n - 1}\n`);
    // The newest line is there, after a line saying why main.log was cut instead of moved.
    const current = read(dir, 'main.log');
    expect(current).toContain('"locked 5"');
    expect(current).toContain('main.log could not be moved');
    // Each line of main.log is still one JSON object.
    for (const line of current.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();

    // Once the lock is gone, rotation works again.
    lock.held = null;
    for (let i = 0; i < 6; i++) logger.info(`after ${i}`, { pad: 'x'.repeat(60) });
    expect(read(dir, 'main.log')).toContain('"after 5"');
    expect(files.files()).toHaveLength(5);
  });

  it('an older file held open: main.log stays in place, nothing more is dropped', () => {
    const dir = seeded();
    const files = createFileSink({ dir, maxBytes: 200 });
    const logger = createAppLogger({ sinks: [files.sink], debug: false });
    lock.held = /main\.2\.log$/;
    for (let i = 0; i < 6; i++) logger.info(`line ${i}`, { pad: 'x'.repeat(60) });
    // The first attempt dropped the oldest file, as any rotation does, and moved main.3 up; the
    // later ones, with main.4 free, dropped nothing more.
    expect(files.files().map((file) => basename(file))).toEqual([
      'main.log',
      'main.1.log',
      'main.2.log',
      'main.4.log',
    ]);
    expect(read(dir, 'main.1.log')).toBe('older 1\n');
    expect(read(dir, 'main.2.log')).toBe('older 2\n');
    expect(read(dir, 'main.4.log')).toBe('older 3\n');
    expect(read(dir, 'main.log')).toContain('"line 5"');
  });
});
