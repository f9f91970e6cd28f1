/**
 * A secret store that cannot write (a read-only or full profile, a locked keychain): the app
 * still starts, nothing the agent had is lost, and a change that cannot be stored is refused as
 * a whole with a clear error (never saved half-way).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lineLogger } from '../../support/line-logger';
import { createDesktopCore } from '../../../src/main/core/create-core';
import { SecretList } from '../../../src/lib/log/secret-list';
import { MemorySecretStore } from '../../../src/lib/ports';
import type { SecretKey } from '../../../src/lib/ports';
import type { Core } from '../../../src/main/core/create-core';

const PLATFORM = 'https://api.example.com/v1/account/ACC';
const GATEWAY = { AGENT_DESKTOP_GATEWAY_URL: 'https://gateway.example.internal' };
let dir: string;
let file: string;
let lines: string[];
const cores: Core[] = [];
const logger = lineLogger(() => lines);
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'secrets-unwritable-'));
  file = join(dir, 'settings.json');
  lines = [];
});
afterEach(async () => {
  for (const core of cores.splice(0)) await core.shutdown(1_000);
  rmSync(dir, { recursive: true, force: true });
});

/** A store holding `values` that refuses every write, as on a read-only profile. */
class ReadOnlyStore extends MemorySecretStore {
  writable = false;
  constructor(values: Partial<Record<SecretKey, string>> = {}) {
    super();
    for (const [key, value] of Object.entries(values)) super.set(key as SecretKey, value);
  }
  override set(key: SecretKey, value: string | null): void {
    if (!this.writable) {
      const error = new Error('EROFS: read-only file system, open secrets.json.tmp');
      throw Object.assign(error, { code: 'EROFS' });
    }
    super.set(key, value);
  }
}

async function start(options: {
  secrets: MemorySecretStore;
  env?: Record<string, string>;
  policyFile?: string;
  knownSecrets?: SecretList;
}): Promise<Core> {
  const core = await createDesktopCore({
    settingsFile: file,
    sipLine: null,
    logger,
    env: {},
    ...options,
  });
  cores.push(core);
  return core;
}

describe('an older settings.json with the proxy password in its URL, secret store read-only', () => {
  const OLD = {
    platformBaseUrl: PLATFORM,
    sipProxyUrl: 'http://agent:s3cret-pw@proxy.corp:3128',
  };

  it('starts; the password stays in the file and in use, and out of the window', async () => {
    writeFileSync(file, JSON.stringify(OLD));
    const known = new SecretList();
    const core = await start({ secrets: new ReadOnlyStore(), knownSecrets: known });
    // Not lost: the file keeps it until the store can take it.
    expect(JSON.parse(readFileSync(file, 'utf8')).sipProxyUrl).toBe(OLD.sipProxyUrl);
    // Used for this run (the window shows it as set), and never shown.
    expect(core.settings().sipProxyUrl).toBe('http://agent@proxy.corp:3128');
    expect(core.settingsView().secrets.sipProxyPassword).toBe(true);
    expect(JSON.stringify(core.settingsView())).not.toContain('s3cret-pw');
    expect(known.list()).toContain('s3cret-pw');
    // Said in the log, without the value.
    expect(lines.join('\n')).toMatch(/proxy password could not be moved to the secret store/);
    expect(lines.join('\n')).not.toContain('s3cret-pw');
  });

  it('a later save keeps it in the file; once the store can write, it moves there', async () => {
    writeFileSync(file, JSON.stringify(OLD));
    const secrets = new ReadOnlyStore();
    const core = await start({ secrets });
    expect(await core.dispatch('settings:update', { language: 'en' })).toMatchObject({ ok: true });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      language: 'en',
      sipProxyUrl: OLD.sipProxyUrl,
    });
    secrets.writable = true;
    expect(await core.dispatch('settings:update', { language: 'zh-CN' })).toMatchObject({
      ok: true,
    });
    expect(secrets.get('sipProxyPassword')).toBe('s3cret-pw');
    expect(readFileSync(file, 'utf8')).not.toContain('s3cret-pw');
    expect(JSON.parse(readFileSync(file, 'utf8')).sipProxyUrl).toBe('http://agent@proxy.corp:3128');
  });

  it('a new proxy password the agent gives replaces the one the file kept', async () => {
    writeFileSync(file, JSON.stringify(OLD));
    const secrets = new ReadOnlyStore();
    const core = await start({ secrets });
    secrets.writable = true; // e.g. the keychain unlocked
    const saved = await core.dispatch('settings:update', {
      secrets: { sipProxyPassword: 'new-proxy-pw' },
    });
    expect(saved).toMatchObject({ ok: true });
    expect(secrets.get('sipProxyPassword')).toBe('new-proxy-pw');
    expect(readFileSync(file, 'utf8')).not.toContain('s3cret-pw');
  });

  it('the agent replaces the proxy: the old password goes with the old URL', async () => {
    writeFileSync(file, JSON.stringify(OLD));
    const core = await start({ secrets: new ReadOnlyStore() });
    const saved = await core.dispatch('settings:update', { sipProxyUrl: 'http://other.corp:8080' });
    expect(saved).toMatchObject({ ok: true });
    expect(readFileSync(file, 'utf8')).not.toContain('s3cret-pw');
    expect(core.settingsView().secrets.sipProxyPassword).toBe(false);
  });
});

describe('gateway mode with an account key stored from before, secret store read-only', () => {
  it('starts, and the log says the key could not be removed (it is not used)', async () => {
    const core = await start({
      secrets: new ReadOnlyStore({ secretKey: 'old-account-key-123' }),
      env: GATEWAY,
    });
    expect(core.settingsView().settings).toBeDefined();
    const log = lines.join('\n');
    expect(log).toMatch(/account key could not be removed/);
    expect(log).not.toMatch(/account key was removed/);
    expect(log).not.toContain('old-account-key-123');
  });
});

describe('a change to the secrets the store cannot write', () => {
  it('refused as a whole with a clear error: settings neither saved nor applied', async () => {
    writeFileSync(file, JSON.stringify({ platformBaseUrl: PLATFORM, language: 'zh-CN' }));
    const secrets = new ReadOnlyStore({ sipPassword: 'old-sip' });
    const core = await start({ secrets });
    const pushed: unknown[] = [];
    core.on('settings:changed', (view) => void pushed.push(view));
    const before = readFileSync(file, 'utf8');
    const saved = await core.dispatch('settings:update', {
      language: 'en',
      secrets: { sipPassword: 'new-sip' },
    });
    expect(saved).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/sipPassword.*could not be stored/) },
    });
    expect(JSON.stringify(saved)).not.toContain('new-sip');
    expect(core.settings().language).toBe('zh-CN');
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(secrets.get('sipPassword')).toBe('old-sip');
    expect(pushed).toEqual([]);
  });

  it('settings that cannot be saved leave the secrets as they were', async () => {
    writeFileSync(file, JSON.stringify({ platformBaseUrl: PLATFORM }));
    const secrets = new MemorySecretStore();
    secrets.set('sipPassword', 'old-sip');
    const core = await start({ secrets });
    mkdirSync(`${file}.tmp`); // settings.json can no longer be written
    const saved = await core.dispatch('settings:update', {
      language: 'en',
      secrets: { sipPassword: 'new-sip' },
    });
    expect(saved).toMatchObject({ ok: false });
    expect(secrets.get('sipPassword')).toBe('old-sip');
  });
});

describe('a policy fixing the account key, and a gateway the agent sets', () => {
  it('never says the stored account key was removed while it is still there', async () => {
    const policyDir = mkdtempSync(join(tmpdir(), 'secrets-policy-'));
    const policyFile = join(policyDir, 'policy.json');
    writeFileSync(policyFile, JSON.stringify({ secretKey: 'policy-key-456' }));
    writeFileSync(file, JSON.stringify({ gatewayUrl: GATEWAY.AGENT_DESKTOP_GATEWAY_URL }));
    try {
      const core = await start({ secrets: new MemorySecretStore(), policyFile });
      await core.dispatch('settings:update', { language: 'en' });
      expect(lines.join('\n')).not.toMatch(/account key was removed/);
    } finally {
      rmSync(policyDir, { recursive: true, force: true });
    }
  });

  it('an agent’s own key kept from before is removed, and said once', async () => {
    const policyDir = mkdtempSync(join(tmpdir(), 'secrets-policy-'));
    const policyFile = join(policyDir, 'policy.json');
    writeFileSync(policyFile, JSON.stringify({ secretKey: 'policy-key-456' }));
    writeFileSync(file, JSON.stringify({ gatewayUrl: GATEWAY.AGENT_DESKTOP_GATEWAY_URL }));
    const secrets = new MemorySecretStore();
    secrets.set('secretKey', 'agent-key-789');
    try {
      const core = await start({ secrets, policyFile });
      await core.dispatch('settings:update', { language: 'en' });
      expect(secrets.get('secretKey')).toBeNull();
      expect(lines.filter((line) => /account key was removed/.test(line))).toHaveLength(1);
    } finally {
      rmSync(policyDir, { recursive: true, force: true });
    }
  });
});
