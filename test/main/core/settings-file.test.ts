/**
 * The agent's settings file after a crash, a disk fault or a hand edit by IT: the app starts
 * with what it can use, and what it cannot is kept beside the file (not overwritten by the next
 * save), with a log line saying where.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settingsFile } from '../../../src/main/core/settings-file';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import type { Logger } from '../../../src/lib/ports';

let dir: string;
let path: string;
let warnings: Array<[string, Record<string, unknown> | undefined]>;
const logger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (msg, fields) => void warnings.push([msg, fields]),
  error: () => undefined,
};
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'settings-file-'));
  path = join(dir, 'settings.json');
  warnings = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const kept = () => readdirSync(dir).filter((name) => name.startsWith('settings.json.damaged-'));

describe('a settings file the app cannot fully use', () => {
  it('not JSON: defaults, and the file is set aside rather than overwritten by the next save', () => {
    const damaged = '{"platformBaseUrl": "https://api.yunhuni.com/v1/account/ACC", "appId": "a"';
    writeFileSync(path, damaged);
    const file = settingsFile(path, logger, () => 1_700_000_000_000);
    expect(file.load()).toEqual(DEFAULT_SETTINGS);
    expect(kept()).toEqual(['settings.json.damaged-1700000000000']);
    expect(readFileSync(join(dir, kept()[0]!), 'utf8')).toBe(damaged);
    expect(warnings).toEqual([
      [
        'settings file damaged; using defaults',
        expect.objectContaining({ keptAs: join(dir, 'settings.json.damaged-1700000000000') }),
      ],
    ]);
    file.save({ ...DEFAULT_SETTINGS, language: 'en' });
    expect(readFileSync(join(dir, kept()[0]!), 'utf8')).toBe(damaged);
  });

  it('saved by Notepad (UTF-8 with a byte-order mark): read as written, nothing set aside', () => {
    writeFileSync(path, '\uFEFF{"language": "en", "appId": "a"}');
    const file = settingsFile(path, logger, () => 1_700_000_000_000);
    expect(file.load()).toMatchObject({ language: 'en', appId: 'a' });
    expect(kept()).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('a damaged file is not quoted into the log (it may hold a URL with a password)', () => {
    writeFileSync(path, '{"sipProxyUrl": "http://u:hunter2"oops}');
    settingsFile(path, logger, () => 1_700_000_000_000).load();
    expect(JSON.stringify(warnings)).not.toContain('hunter2');
  });

  it('a set-aside copy never keeps a password in a URL (an older SIP proxy setting)', () => {
    writeFileSync(path, '{"sipProxyUrl": "http://u:hunter2@proxy.corp:3128" oops}');
    settingsFile(path, logger, () => 7).load();
    const copy = readFileSync(join(dir, 'settings.json.damaged-7'), 'utf8');
    expect(copy).not.toContain('hunter2');
    expect(copy).toContain('http://u:[redacted]@proxy.corp:3128');
  });

  it('a bad field: the rest is used, the field defaults, and the original is kept', () => {
    const original = JSON.stringify({ keepaliveSeconds: '30', language: 'en', constructor: 1 });
    writeFileSync(path, original);
    const file = settingsFile(path, logger, () => 42);
    const loaded = file.load();
    expect(loaded.language).toBe('en');
    expect(loaded.keepaliveSeconds).toBe(DEFAULT_SETTINGS.keepaliveSeconds);
    expect(warnings).toEqual([
      [
        'settings fields invalid; using their defaults',
        expect.objectContaining({ keys: ['keepaliveSeconds'] }),
      ],
    ]);
    expect(readFileSync(join(dir, 'settings.json.damaged-42'), 'utf8')).toBe(original);
  });

  it('a reason the platform would refuse costs that reason, not the whole list', () => {
    // `talking` in a reason: the platform takes it, then refuses every later change (040203).
    const original = JSON.stringify({
      busyReasons: ['小休', '陪同talking', '会议', 'a//b', 7],
      awayReasons: ['午餐'],
    });
    writeFileSync(path, original);
    const loaded = settingsFile(path, logger, () => 43).load();
    expect(loaded.busyReasons).toEqual(['小休', '会议']);
    expect(loaded.awayReasons).toEqual(['午餐']);
    expect(warnings).toEqual([
      [
        'settings: reasons the platform would refuse were left out',
        expect.objectContaining({ lists: ['busyReasons: 3 of 5'] }),
      ],
    ]);
    expect(readFileSync(join(dir, 'settings.json.damaged-43'), 'utf8')).toBe(original);
  });

  it('a good file: nothing set aside, nothing logged', () => {
    writeFileSync(path, JSON.stringify({ language: 'zh-CN' }));
    expect(settingsFile(path, logger).load().language).toBe('zh-CN');
    expect(kept()).toEqual([]);
    expect(warnings).toEqual([]);
  });
});
