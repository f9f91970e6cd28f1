/**
 * The language the app starts Chromium in (its date fields follow it): the policy's, then the
 * agent's saved one, else the OS's — and a file that cannot be read never stops the start.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLanguage } from '../../../src/main/core/start-language';
import { chromiumLocale } from '../../../src/shared/i18n/tray';

const dir = mkdtempSync(join(tmpdir(), 'start-language-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
/** A file holding `text` (null: no file at all). */
function file(text: string | Buffer | null): string {
  const path = join(dir, `f${n++}.json`);
  if (text !== null) writeFileSync(path, text);
  return path;
}

describe('the language Chromium starts in', () => {
  it('the agent’s saved language, else the OS’s', () => {
    expect(startLanguage(file('{"language":"zh-CN","volume":1}'), null)).toBe('zh-CN');
    expect(startLanguage(file('{"language":"en"}'), file(null))).toBe('en');
    // Edited in Notepad: a byte-order mark first, as the settings loader reads it too.
    expect(startLanguage(file('\uFEFF{"language":"zh-CN"}'), null)).toBe('zh-CN');
    expect(startLanguage(file('{"language":"system"}'), null)).toBe('system');
    expect(startLanguage(file('{}'), null)).toBe('system');
    expect(startLanguage(file(null), null)).toBe('system');
  });

  it('the policy’s language wins over the agent’s', () => {
    const saved = file('{"language":"zh-CN"}');
    expect(startLanguage(saved, file('{"language":"en"}'))).toBe('en');
    // A policy that fixes other things leaves the language to the agent.
    expect(startLanguage(saved, file('{"autoAnswer":true}'))).toBe('zh-CN');
    // Saved as UTF-16 with a byte-order mark (Notepad), as the policy reader takes it.
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('{"language":"en"}', 'utf16le'),
    ]);
    expect(startLanguage(saved, file(utf16))).toBe('en');
  });

  it('what cannot be read counts as not chosen, and nothing throws', () => {
    const saved = file('{"language":"zh-CN"}');
    // A malformed policy: the core's start reports it; the language falls to the saved one.
    expect(startLanguage(saved, file('{"language":"fr"}'))).toBe('zh-CN');
    expect(startLanguage(saved, file('{not json'))).toBe('zh-CN');
    expect(startLanguage(file('{"language":"fr"}'), null)).toBe('system');
    expect(startLanguage(file('{"language":'), null)).toBe('system');
    expect(startLanguage(file('null'), null)).toBe('system');
    expect(startLanguage(file('[1,2]'), null)).toBe('system');
    expect(startLanguage(dir, dir)).toBe('system');
  });

  it('Chromium’s locale for each language the window shows', () => {
    expect(chromiumLocale('zh-CN')).toBe('zh-CN');
    expect(chromiumLocale('en')).toBe('en-US');
  });
});
