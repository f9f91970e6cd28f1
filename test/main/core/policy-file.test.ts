/**
 * The policy file as administrators really write it: with Notepad or PowerShell on Windows
 * (byte-order marks, UTF-16, ANSI), by hand with a typo next to the account's secret key. The
 * core reads it; what a problem says ends up in a dialog the agent reads and in the log.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDesktopCore } from '../../../src/main/core/create-core';
import { readPolicy } from '../../../src/main/core/policy-file';
import { MemorySecretStore, silentLogger } from '../../../src/lib/ports';
import type { Logger } from '../../../src/lib/ports';
import { PolicyError } from '../../../src/shared/policy';
import {
  HOLD_ACTIONS,
  LANGUAGES,
  SCREEN_POP_WHEN,
  SETTINGS_LIMITS,
  SettingsSchema,
} from '../../../src/shared/settings';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agent-policy-file-'));
  file = join(dir, 'policy.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const POLICY =
  '{\n  "platformBaseUrl": "https://api.yunhuni.com/v1/account/ACC",\n  "busyReasons": ["小休", "会议"]\n}\n';

function problemsOf(bytes: string | Buffer): string[] {
  writeFileSync(file, bytes);
  try {
    readPolicy(file);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return (error as PolicyError).problems;
  }
  throw new Error('the policy was accepted');
}

describe('a policy saved by Windows tools is read as written', () => {
  it('UTF-8 with a byte-order mark (Notepad, PowerShell Set-Content -Encoding UTF8)', async () => {
    writeFileSync(file, `\uFEFF${POLICY}`);
    const core = await createDesktopCore({
      secrets: new MemorySecretStore(),
      settingsFile: null,
      policyFile: file,
      env: {},
      sipLine: null,
      logger: silentLogger,
    });
    try {
      expect(core.settings().platformBaseUrl).toBe('https://api.yunhuni.com/v1/account/ACC');
      expect(core.settings().busyReasons).toEqual(['小休', '会议']);
      expect(core.settingsView().locked).toEqual(['platformBaseUrl', 'busyReasons', 'gatewayUrl']);
    } finally {
      await core.shutdown(1_000);
    }
  });

  it('UTF-16 with a byte-order mark (Windows PowerShell `>` and Out-File)', () => {
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(POLICY, 'utf16le')]));
    expect(readPolicy(file)?.busyReasons).toEqual(['小休', '会议']);
    const be = Buffer.from(POLICY, 'utf16le').swap16();
    writeFileSync(file, Buffer.concat([Buffer.from([0xfe, 0xff]), be]));
    expect(readPolicy(file)?.busyReasons).toEqual(['小休', '会议']);
  });

  it('ANSI (GBK) text is refused with what to do, not read as garbled reasons', () => {
    // "小休" in GBK: bytes that are not UTF-8.
    const gbk = Buffer.from([0x7b, 0x22, 0x62, 0x75, 0x73, 0x79, 0x52, 0x65, 0x61, 0x73, 0x6f]);
    const text = Buffer.concat([
      gbk,
      Buffer.from('ns": ["'),
      Buffer.from([0xd0, 0xa1, 0xd0, 0xdd]),
      Buffer.from('"]}'),
    ]);
    expect(problemsOf(text)).toEqual([expect.stringMatching(/not UTF-8.*save it as UTF-8/)]);
  });
});

describe('a syntax error is located, and the file is never quoted', () => {
  const KEY = 'Sup3rSecretAccountKey9';

  it.each([
    ['the key without quotes', `{\n  "appId": "a",\n  "secretKey": ${KEY}\n}`, 'line 3, column 16'],
    ['a trailing comma', `{\n  "secretKey": "${KEY}",\n}`, 'line 3, column 1'],
    ['a missing comma', `{ "secretKey": "${KEY}"\n  "appId": "a" }`, 'line 2, column 3'],
    ['single quotes', `{ 'secretKey': '${KEY}' }`, 'line 1, column 3'],
    ['a line break in the string', `{ "secretKey": "${KEY}\n" }`, 'line 1, column 39'],
    ['text after the object', `{ "secretKey": "x" } ${KEY}`, 'line 1, column 22'],
  ])('%s', (_name, text, where) => {
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^not JSON: ${where}: expected `));
    const shown = `${problems.join('\n')}\n${new PolicyError(file, problems).message}`;
    // No four characters of the key in a row: nothing an agent could piece it together from.
    for (let i = 0; i + 4 <= KEY.length; i++) expect(shown).not.toContain(KEY.slice(i, i + 4));
  });

  it('says what was expected in words an administrator can act on', () => {
    expect(problemsOf('{"language": "en",}')[0]).toBe(
      "not JSON: line 1, column 19: expected another setting after the comma (or remove the comma), found '}'",
    );
    expect(problemsOf('{"updateUrl": "C:\\updates"}')[0]).toMatch(
      /line 1, column 18: expected an escape .*backslash in a path is written \\\\/,
    );
    expect(problemsOf('')[0]).toMatch(
      /line 1, column 1: expected a value .* found the end of the file/,
    );
  });
});

describe('the account key and the agent gateway', () => {
  it('a policy naming a gateway refuses to carry the account key (agents can read the file)', () => {
    const problems = problemsOf(
      JSON.stringify({ gatewayUrl: 'https://gw.example.internal', secretKey: 'account-key-1' }),
    );
    expect(problems).toEqual([expect.stringMatching(/^secretKey: remove it .*gatewayUrl/)]);
    expect(problems.join('')).not.toContain('account-key-1');
    writeFileSync(file, JSON.stringify({ gatewayUrl: 'https://gw.example.internal' }));
    expect(readPolicy(file)).toEqual({ gatewayUrl: 'https://gw.example.internal' });
  });
});

describe('a proxy password written into sipProxyUrl', () => {
  const warnings: string[] = [];
  const logger: Logger = {
    ...silentLogger,
    warn: (msg, fields) => void warnings.push(`${msg} ${JSON.stringify(fields)}`),
  };
  beforeEach(() => void warnings.splice(0));

  it('is taken as the locked sipProxyPassword, the URL keeping its user, with a warning', () => {
    writeFileSync(
      file,
      JSON.stringify({
        sipProxyUrl: `http://agent:${encodeURIComponent('p@ss:w0rd')}@proxy.corp:3128`,
      }),
    );
    expect(readPolicy(file, logger)).toEqual({
      sipProxyUrl: 'http://agent@proxy.corp:3128',
      sipProxyPassword: 'p@ss:w0rd',
    });
    expect(warnings).toEqual([
      expect.stringMatching(/sipProxyUrl holds a password.*move it to "sipProxyPassword"/),
    ]);
    expect(warnings.join('')).toContain('http://agent@proxy.corp:3128');
    expect(warnings.join('')).not.toMatch(/p(@|%40)ss/);
  });

  it('beside a sipProxyPassword: that one wins, and the warning says the two differ', () => {
    writeFileSync(
      file,
      JSON.stringify({
        sipProxyUrl: 'http://agent:old-one@proxy.corp:3128/',
        sipProxyPassword: 'new-one',
      }),
    );
    expect(readPolicy(file, logger)).toEqual({
      sipProxyUrl: 'http://agent@proxy.corp:3128/',
      sipProxyPassword: 'new-one',
    });
    expect(warnings).toEqual([expect.stringMatching(/another one; sipProxyPassword is used/)]);
    expect(warnings.join('')).not.toMatch(/old-one|new-one/);
  });

  it('another problem in the file is still refused, without the password', () => {
    const problems = problemsOf(
      JSON.stringify({ sipProxyUrl: 'https://agent:Pr0xyPass@proxy.corp:3128', onLock: 'nap' }),
    );
    expect(problems).toHaveLength(2);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sipProxyUrl: /),
        expect.stringMatching(/^onLock: /),
      ]),
    );
    expect(problems.join('\n')).not.toContain('Pr0xyPass');
  });
});

describe('an unknown key', () => {
  it('is named with the setting it probably meant, beside the other problems', () => {
    expect(
      problemsOf(
        JSON.stringify({
          platformUrl: 'https://api.yunhuni.com/v1/account/ACC',
          GatewayURL: 'https://gw.example.internal',
          keepaliveSecs: 30,
          colour: 'blue',
          onLock: 'nap',
        }),
      ),
    ).toEqual([
      '"platformUrl" is not a setting — did you mean "platformBaseUrl"?',
      '"GatewayURL" is not a setting — did you mean "gatewayUrl"?',
      '"keepaliveSecs" is not a setting — did you mean "keepaliveSeconds"?',
      '"colour" is not a setting',
      expect.stringMatching(/^onLock: /),
    ]);
  });
});

describe('docs/it-admin.md', () => {
  it('lists every key a policy may set, and each choice a setting takes', () => {
    const doc = readFileSync('docs/it-admin.md', 'utf8');
    const table = doc.slice(doc.indexOf('| keys | value |'), doc.indexOf('Precedence: **policy'));
    for (const key of Object.keys(SettingsSchema.shape)) expect(table).toContain(`\`${key}\``);
    for (const choice of [...HOLD_ACTIONS, ...LANGUAGES, ...SCREEN_POP_WHEN])
      expect(table).toContain(`"${choice}"`);
    const { keepaliveSeconds, registerExpiresSeconds } = SETTINGS_LIMITS;
    expect(table).toContain(
      `\`keepaliveSeconds\` (${keepaliveSeconds.min}–${keepaliveSeconds.max})`,
    );
    expect(table).toContain(
      `\`registerExpiresSeconds\` (${registerExpiresSeconds.min}–${registerExpiresSeconds.max})`,
    );
  });
});
