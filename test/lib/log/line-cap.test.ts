/**
 * One log line has a size limit: an error that embeds a whole HTTP response (electron-updater's
 * "Cannot parse update info … rawData: <page>") must not put the page into the log.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppLogger, formatLine, LINE_MAX_CHARS } from '../../../src/lib/log/app-logger';
import { createFileSink } from '../../../src/lib/log/file-sink';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const TIME = '2026-11-29T04:00:00.000Z';
const page = `<html>${'captive portal login '.repeat(50_000)}</html>`;

describe('the size of one log line', () => {
  it('is at most 8 KiB, still one JSON object, and says it was cut', () => {
    const error = new Error(`Cannot parse update info: rawData: ${page}`);
    const line = formatLine({
      time: TIME,
      level: 'warn',
      msg: 'update failed',
      fields: { error: { name: error.name, message: error.message, stack: error.stack }, n: 1 },
    });
    expect(LINE_MAX_CHARS).toBe(8 * 1024);
    expect(line.length).toBeLessThanOrEqual(LINE_MAX_CHARS);
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(parsed).toMatchObject({ time: TIME, level: 'warn', msg: 'update failed', n: 1 });
    expect(line).toContain('Cannot parse update info');
    expect(line).toMatch(/\[cut \d+ chars\]/);
  });

  it('many fields, a long message, a long array: still at most 8 KiB of JSON', () => {
    const fields: Record<string, unknown> = {};
    for (let i = 0; i < 400; i++) fields[`field${i}`] = 'x'.repeat(100);
    fields.list = Array.from({ length: 5000 }, (_, i) => i);
    // Quotes double when a field's JSON is itself cut down to a string.
    fields.quoted = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, '"q"']));
    const line = formatLine({ time: TIME, level: 'info', msg: 'm'.repeat(20_000), fields });
    expect(line.length).toBeLessThanOrEqual(LINE_MAX_CHARS);
    expect(JSON.parse(line)).toMatchObject({ time: TIME, level: 'info' });
    expect(line).toContain('[cut');
    // The same with the big field first, so it is the one cut down.
    const first = formatLine({ time: TIME, level: 'info', msg: 'm', fields: { q: fields.quoted } });
    expect(first.length).toBeLessThanOrEqual(LINE_MAX_CHARS);
    expect(first).toContain('[cut');
  });

  it('an ordinary line is untouched', () => {
    const entry = { time: TIME, level: 'info' as const, msg: 'signed in', fields: { a: 'b' } };
    expect(formatLine(entry)).toBe(`{"time":"${TIME}","level":"info","msg":"signed in","a":"b"}`);
  });

  it('in main.log: one capped line per entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-logs-'));
    dirs.push(dir);
    const files = createFileSink({ dir });
    const logger = createAppLogger({ sinks: [files.sink], debug: false });
    logger.warn('update failed', { error: new Error(`rawData: ${page}`) });
    const lines = readFileSync(join(dir, 'main.log'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.length).toBeLessThanOrEqual(LINE_MAX_CHARS);
  });
});
