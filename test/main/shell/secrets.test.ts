import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../../support/electron-fake'));

import { createSecretStore, keychainProblem } from '../../../src/main/shell/secrets';
import { silentLogger } from '../../../src/lib/ports';
import { resetElectronFake, safeStorage } from '../../support/electron-fake';

const SECRET = 'sk_live_9f8e7d6c5b4a';
const PASSWORD = 'p@ss-分机-1234';
let dir: string;
let file: string;

beforeEach(() => {
  resetElectronFake();
  dir = mkdtempSync(join(tmpdir(), 'secrets-test-'));
  file = join(dir, 'secrets.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = (platform: NodeJS.Platform = 'linux', onVolatileSecret = vi.fn()) =>
  createSecretStore({ file, platform, logger: silentLogger, onVolatileSecret });

/** Every form a leak could take on disk. */
function assertNoPlaintext(bytes: Buffer, value: string) {
  expect(bytes.includes(Buffer.from(value, 'utf8'))).toBe(false);
  expect(bytes.toString('utf8')).not.toContain(Buffer.from(value).toString('base64'));
  expect(bytes.toString('utf8')).not.toContain(Buffer.from(value).toString('hex'));
}

describe('with an OS keychain', () => {
  it('persists secrets encrypted, never in plain text, and reads them back', () => {
    const store = open();
    expect(store.persistent).toBe(true);
    store.set('secretKey', SECRET);
    store.set('sipPassword', PASSWORD);
    store.set('sipProxyPassword', `proxy-${PASSWORD}`);
    const bytes = readFileSync(file);
    assertNoPlaintext(bytes, SECRET);
    assertNoPlaintext(bytes, PASSWORD);
    const again = open();
    expect(again.get('secretKey')).toBe(SECRET);
    expect(again.get('sipPassword')).toBe(PASSWORD);
    expect(again.get('sipProxyPassword')).toBe(`proxy-${PASSWORD}`);
  });

  it('clearing a secret removes it from disk; clearing all removes the file', () => {
    const store = open();
    store.set('secretKey', SECRET);
    store.set('sipPassword', PASSWORD);
    store.set('secretKey', null);
    expect(open().get('secretKey')).toBeNull();
    store.set('sipPassword', '');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a value that no longer decrypts reads as unset', () => {
    writeFileSync(
      file,
      JSON.stringify({ version: 1, values: { secretKey: 'AAAA', sipPassword: 42 } }),
    );
    const store = open();
    expect(store.get('secretKey')).toBeNull();
    expect(store.get('sipPassword')).toBeNull();
  });

  it('an unreadable file is ignored, not fatal', () => {
    writeFileSync(file, '{not json');
    expect(open().get('secretKey')).toBeNull();
    // JSON that is not the file's shape (truncated to `null`, a list, a string) is no different.
    for (const text of ['null', '[]', '"x"', '{"values": null}']) {
      writeFileSync(file, text);
      expect(open().get('secretKey')).toBeNull();
    }
  });

  it('trusts a real Linux backend and any macOS/Windows keychain', () => {
    for (const backend of ['gnome_libsecret', 'kwallet5', 'kwallet6']) {
      safeStorage.backend = backend;
      expect(keychainProblem('linux')).toBeNull();
    }
    safeStorage.backend = 'unknown'; // only meaningful on Linux
    expect(keychainProblem('darwin')).toBeNull();
    expect(keychainProblem('win32')).toBeNull();
  });
});

describe('without an OS keychain', () => {
  it.each([
    ['encryption unavailable', (): void => void (safeStorage.available = false), 'darwin'],
    ['Linux basic_text backend', (): void => void (safeStorage.backend = 'basic_text'), 'linux'],
    ['Linux unknown backend', (): void => void (safeStorage.backend = 'unknown'), 'linux'],
  ] as const)(
    '%s: memory only, nothing on disk, and the app is told',
    (_name, arrange, platform) => {
      arrange();
      const told = vi.fn();
      const store = open(platform, told);
      expect(store.persistent).toBe(false);
      store.set('secretKey', SECRET);
      store.set('sipPassword', PASSWORD);
      expect(store.get('secretKey')).toBe(SECRET);
      expect(readdirSync(dir)).toEqual([]);
      expect(told).toHaveBeenCalledTimes(1);
    },
  );

  it('does not read an old encrypted file it could not trust', () => {
    open().set('secretKey', SECRET);
    safeStorage.backend = 'basic_text';
    const store = open();
    expect(store.get('secretKey')).toBeNull();
  });

  it('clearing a secret does not count as holding one', () => {
    safeStorage.available = false;
    const told = vi.fn();
    open('win32', told).set('secretKey', null);
    expect(told).not.toHaveBeenCalled();
  });
});
