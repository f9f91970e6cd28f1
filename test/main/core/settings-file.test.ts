/**
 * The agent's settings file after a crash, a disk fault or a hand edit by IT: the app starts
 * with what it can use, and what it cannot is kept beside the file (not overwritten by the next
 * save), with a log line saying where.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  it('a set-aside copy blanks a URL password written with JSON-escaped slashes', () => {
    // A deployment tool's JSON writer escapes "/"; the file is damaged, so it is kept as text.
    writeFileSync(path, '{"sipProxyUrl": "http:\\/\\/u:hunter2@proxy.corp:3128" oops}');
    settingsFile(path, logger, () => 8).load();
    const copy = readFileSync(join(dir, 'settings.json.damaged-8'), 'utf8');
    expect(copy).not.toContain('hunter2');
    expect(copy).toContain('u:[redacted]@proxy.corp:3128');
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
        'settings: unknown keys ignored',
        expect.objectContaining({
          keys: ['constructor'],
          keptAs: join(dir, 'settings.json.damaged-42'),
        }),
      ],
      [
        'settings fields invalid; using their defaults',
        expect.objectContaining({ keys: ['keepaliveSeconds'] }),
      ],
    ]);
    expect(readFileSync(join(dir, 'settings.json.damaged-42'), 'utf8')).toBe(original);
  });

  it('a misspelt key: named with the setting it probably meant, and kept before a save drops it', () => {
    const original = JSON.stringify({
      platformUrl: 'https://api.yunhuni.com/v1/account/ACC',
      language: 'en',
    });
    writeFileSync(path, original);
    const file = settingsFile(path, logger, () => 7);
    const loaded = file.load();
    expect(loaded.language).toBe('en');
    expect(warnings).toEqual([
      [
        'settings: unknown keys ignored',
        {
          keys: ['platformUrl'],
          didYouMean: { platformUrl: 'platformBaseUrl' },
          keptAs: join(dir, 'settings.json.damaged-7'),
        },
      ],
    ]);
    file.save({ ...loaded, keepaliveSeconds: 20 });
    expect(JSON.parse(readFileSync(path, 'utf8'))).not.toHaveProperty('platformUrl');
    expect(readFileSync(join(dir, 'settings.json.damaged-7'), 'utf8')).toBe(original);
  });

  it('the same unusable file at every start: one copy, not one per start', () => {
    writeFileSync(path, JSON.stringify({ keepaliveSeconds: 'thirty' }));
    for (let start = 1; start <= 4; start++) settingsFile(path, logger, () => start).load();
    expect(kept()).toEqual(['settings.json.damaged-1']);
    // Each start's line still says where the original is.
    expect(warnings.map(([, fields]) => fields?.keptAs)).toEqual(
      Array(4).fill(join(dir, 'settings.json.damaged-1')),
    );
  });

  it('at most the newest 5 copies are kept', () => {
    for (let start = 1; start <= 8; start++) {
      writeFileSync(path, JSON.stringify({ keepaliveSeconds: `try ${start}` }));
      settingsFile(path, logger, () => 1_000 + start).load();
    }
    expect(kept().sort()).toEqual([4, 5, 6, 7, 8].map((n) => `settings.json.damaged-${1_000 + n}`));
    expect(readFileSync(join(dir, 'settings.json.damaged-1008'), 'utf8')).toContain('try 8');
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

describe('set-aside copies from before the proxy password moved to the keychain', () => {
  const copy = (name: string) => join(dir, `settings.json.damaged-${name}`);
  const read = (name: string) => readFileSync(copy(name), 'utf8');

  it('a JSON copy: the password is blanked at start, and nothing else in the file changes', () => {
    // Hand-edited spacing and key order, kept byte for byte.
    const old =
      '{\n    "language":"en",\n  "sipProxyUrl": "http://agent:hunter2@proxy.corp:3128",' +
      '  "keepaliveSeconds": "thirty"\n}\n';
    writeFileSync(copy('1600000000000'), old);
    writeFileSync(path, JSON.stringify({ language: 'en' }));
    expect(settingsFile(path, logger, () => 9).load().language).toBe('en');
    expect(read('1600000000000')).toBe(old.replace('agent:hunter2@', 'agent:[redacted]@'));
    expect(warnings).toEqual([
      [
        'settings: a password in a URL was blanked in an old set-aside copy',
        { path: copy('1600000000000') },
      ],
    ]);
    // Done once: the next start finds nothing to do.
    warnings = [];
    settingsFile(path, logger).load();
    expect(warnings).toEqual([]);
  });

  it('a copy that is not JSON: any scheme://user:password@ blanked by a text replace', () => {
    const old =
      '{"sipProxyUrl": "http://agent:p@ss:w0rd@proxy.corp:3128" oops\nsocks5://u:s3cr3t@h:1080 ';
    writeFileSync(copy('1600000000001'), old);
    settingsFile(path, logger).load(); // no settings.json at all: still scrubbed
    expect(read('1600000000001')).toBe(
      '{"sipProxyUrl": "http://agent:[redacted]@proxy.corp:3128" oops\nsocks5://u:[redacted]@h:1080 ',
    );
  });

  it('a password a JSON escape hid from the text replace is blanked too (the file written anew)', () => {
    writeFileSync(
      copy('1600000000002'),
      '{"sipProxyUrl":"http:\\/\\/agent:hunter2@proxy.corp:3128"}',
    );
    settingsFile(path, logger).load();
    expect(read('1600000000002')).not.toContain('hunter2');
    expect(JSON.parse(read('1600000000002'))).toEqual({
      sipProxyUrl: 'http://agent:[redacted]@proxy.corp:3128',
    });
  });

  it('leaves alone what holds no password, and other files in the folder', () => {
    const clean = '{"sipProxyUrl": "http://agent@proxy.corp:3128"}';
    writeFileSync(copy('1600000000003'), clean);
    writeFileSync(join(dir, 'history.jsonl'), 'http://agent:hunter2@proxy.corp:3128\n');
    settingsFile(path, logger).load();
    expect(read('1600000000003')).toBe(clean);
    expect(readFileSync(join(dir, 'history.jsonl'), 'utf8')).toContain('hunter2');
    expect(warnings).toEqual([]);
  });

  it('a copy that cannot be rewritten never stops the start: logged, without its content', () => {
    writeFileSync(copy('1600000000004'), '{"sipProxyUrl": "http://agent:hunter2@proxy.corp:3128"}');
    // The scrubbed copy is written beside it first: a folder in that place makes the write fail.
    mkdirSync(join(dir, 'settings.json.scrub.tmp'));
    mkdirSync(copy('1600000000005')); // a folder by a copy's name: not a copy, skipped
    writeFileSync(path, JSON.stringify({ language: 'en' }));
    expect(settingsFile(path, logger).load().language).toBe('en');
    expect(warnings).toEqual([
      [
        'settings: an old set-aside copy could not be checked for passwords',
        { path: copy('1600000000004'), error: 'EISDIR' },
      ],
    ]);
    expect(JSON.stringify(warnings)).not.toContain('hunter2');
  });
});
