/**
 * The SIP proxy's password is a secret like the SIP password: it lives in the secret store (the
 * OS keychain), never in settings.json, a damaged-file copy or the window's settings view; the
 * proxy URL keeps only the user. A settings.json from an earlier version that holds
 * `http://user:password@host` gives the password up to the secret store at start.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lineLogger } from '../../support/line-logger';
import { AdminPolicy } from '../../../src/main/core/admin-policy';
import { createDesktopCore } from '../../../src/main/core/create-core';
import { readPolicy } from '../../../src/main/core/policy-file';
import { SecretList } from '../../../src/lib/log/secret-list';
import { MemorySecretStore } from '../../../src/lib/ports';
import type { Result } from '../../../src/shared/ipc/contract';
import type { SettingsView } from '../../../src/shared/settings';

const PASSWORD = 'pr0xy-S3cret';
// A platform that is never called: these tests only save and load settings.
const env = { AGENT_DESKTOP_PLATFORM_URL: 'https://api.example.com/v1/account/ACC' };
let dir: string;
let file: string;
let lines: string[];
const logger = lineLogger(() => lines);
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'proxy-password-'));
  file = join(dir, 'settings.json');
  lines = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Every file in the user-data folder, as text (settings.json and any set-aside copies). */
const onDisk = () =>
  readdirSync(dir)
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('\n');

async function start(secrets = new MemorySecretStore(), knownSecrets?: SecretList) {
  const core = await createDesktopCore({
    secrets,
    settingsFile: file,
    env,
    sipLine: null,
    logger,
    ...(knownSecrets ? { knownSecrets } : {}),
  });
  return { core, secrets };
}

describe('the SIP proxy password', () => {
  it('saved in Settings: kept in the secret store, not in settings.json nor the view', async () => {
    const { core, secrets } = await start();
    const saved = (await core.dispatch('settings:update', {
      sipProxyUrl: 'http://agent@proxy.corp:3128',
      secrets: { sipProxyPassword: PASSWORD },
    })) as Result<SettingsView>;
    expect(saved.ok).toBe(true);
    expect(secrets.get('sipProxyPassword')).toBe(PASSWORD);
    expect(JSON.parse(readFileSync(file, 'utf8')).sipProxyUrl).toBe('http://agent@proxy.corp:3128');
    expect(onDisk()).not.toContain(PASSWORD);
    const view = (await core.dispatch('settings:get', {})) as Result<SettingsView>;
    expect(JSON.stringify([saved, view])).not.toContain(PASSWORD);
    expect(view.ok && view.value.secrets.sipProxyPassword).toBe(true);
    await core.shutdown(1_000);
  });

  it('typed into the URL: refused, saying to use the password field; nothing saved', async () => {
    const { core } = await start();
    const saved = await core.dispatch('settings:update', {
      sipProxyUrl: `http://agent:${PASSWORD}@proxy.corp:3128`,
    });
    expect(saved).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', message: expect.stringMatching(/password field/) },
    });
    expect(JSON.stringify(saved)).not.toContain(PASSWORD);
    expect(onDisk()).not.toContain(PASSWORD);
    await core.shutdown(1_000);
  });

  it('in an older settings.json: moved to the secret store at start and the file rewritten', async () => {
    writeFileSync(
      file,
      JSON.stringify({
        language: 'en',
        sipProxyUrl: `http://agent:${encodeURIComponent('p@ss:word')}@proxy.corp:3128`,
        keepaliveSeconds: 'thirty', // a bad field too: its set-aside copy must not keep it
      }),
    );
    const known = new SecretList();
    const { core, secrets } = await start(new MemorySecretStore(), known);
    expect(secrets.get('sipProxyPassword')).toBe('p@ss:word');
    expect(core.settings()).toMatchObject({
      language: 'en',
      sipProxyUrl: 'http://agent@proxy.corp:3128',
    });
    expect(JSON.parse(readFileSync(file, 'utf8')).sipProxyUrl).toBe('http://agent@proxy.corp:3128');
    expect(onDisk()).not.toMatch(/p(@|%40)ss/);
    expect(JSON.stringify(core.settingsView())).not.toMatch(/p(@|%40)ss/);
    expect(core.settingsView().secrets.sipProxyPassword).toBe(true);
    // Said in the log, without the value; and logs know to scrub it from now on.
    expect(lines.join('\n')).toMatch(/proxy password.*moved/);
    expect(lines.join('\n')).not.toMatch(/p(@|%40)ss/);
    expect(known.list()).toContain('p@ss:word');
    await core.shutdown(1_000);
  });

  it('fixed by the policy: used, shown as set, and not replaceable', async () => {
    const policyFile = join(dir, 'policy.json');
    writeFileSync(policyFile, JSON.stringify({ sipProxyPassword: PASSWORD }));
    const secrets = new MemorySecretStore();
    const core = await createDesktopCore({
      secrets,
      settingsFile: file,
      policyFile,
      env,
      sipLine: null,
      logger,
    });
    const view = core.settingsView();
    expect(view.secrets.sipProxyPassword).toBe(true);
    expect(view.locked).toContain('sipProxyPassword');
    expect(JSON.stringify(view)).not.toContain(PASSWORD);
    const saved = await core.dispatch('settings:update', {
      secrets: { sipProxyPassword: 'other' },
    });
    expect(saved).toMatchObject({ ok: false, error: { code: 'admin-locked' } });
    await core.shutdown(1_000);
  });

  it('in a policy’s sipProxyUrl: the app starts, uses it as the locked proxy password, never shows it', async () => {
    // Outside the user-data folder (which must not get the password), as on a real machine.
    const policyDir = mkdtempSync(join(tmpdir(), 'proxy-policy-'));
    const policyFile = join(policyDir, 'policy.json');
    writeFileSync(
      policyFile,
      JSON.stringify({ sipProxyUrl: `http://agent:${PASSWORD}@proxy.corp:3128` }),
    );
    const known = new SecretList();
    const windowSaw: unknown[] = [];
    const core = await createDesktopCore({
      secrets: new MemorySecretStore(),
      settingsFile: file,
      policyFile,
      env,
      sipLine: null,
      logger,
      knownSecrets: known,
    });
    core.on('settings:changed', (view) => void windowSaw.push(view));
    try {
      // What the SIP line's proxied WebSocket reads: the URL with its user, and the password.
      expect(core.settings().sipProxyUrl).toBe('http://agent@proxy.corp:3128');
      const policy = new AdminPolicy(readPolicy(policyFile));
      expect(policy.secrets(new MemorySecretStore()).get('sipProxyPassword')).toBe(PASSWORD);
      const view = core.settingsView();
      expect(view.locked).toEqual(expect.arrayContaining(['sipProxyUrl', 'sipProxyPassword']));
      expect(view.secrets.sipProxyPassword).toBe(true);
      expect(known.list()).toContain(PASSWORD);
      // An agent's change elsewhere pushes settings to the window: still no password.
      await core.dispatch('settings:update', { language: 'en' });
      const got = await core.dispatch('settings:get', {});
      const zip = unzipSync(core.diagnosticsBundle());
      const bundle = Object.values(zip)
        .map((bytes) => strFromU8(bytes))
        .join('\n');
      const shown = JSON.stringify([view, got, windowSaw, core.snapshot(), core.settings()]);
      expect(windowSaw.length).toBeGreaterThan(0);
      for (const text of [shown, bundle, onDisk(), lines.join('\n')]) {
        expect(text).not.toContain(`agent:${PASSWORD}`);
        expect(text).not.toContain(PASSWORD);
      }
      // A clear warning, naming the file and what to change, without the value.
      expect(lines.join('\n')).toMatch(
        /policy: sipProxyUrl holds a password; it is used as the locked sipProxyPassword.*policy\.json/,
      );
    } finally {
      await core.shutdown(1_000);
      rmSync(policyDir, { recursive: true, force: true });
    }
  });
});

describe('the proxy password goes only to the proxy it was given for', () => {
  it('fixed by the policy: the proxy URL is the administrator’s too', async () => {
    const policy = new AdminPolicy({ sipProxyPassword: 'IT-Proxy-S3cret' });
    expect(policy.lockedKeys()).toContain('sipProxyUrl');
    const policyFile = join(dir, 'policy.json');
    writeFileSync(policyFile, JSON.stringify({ sipProxyPassword: 'IT-Proxy-S3cret' }));
    const core = await createDesktopCore({
      secrets: new MemorySecretStore(),
      settingsFile: file,
      env,
      policyFile,
      sipLine: null,
      logger,
    });
    try {
      expect(core.settingsView().locked).toContain('sipProxyUrl');
      const moved = await core.dispatch('settings:update', {
        sipProxyUrl: 'http://it@proxy.attacker.example:3128',
      });
      expect(moved.ok ? 'accepted' : moved.error.code).toBe('admin-locked');
      expect(core.settings().sipProxyUrl).toBeNull();
    } finally {
      await core.shutdown(1_000);
    }
  });

  it('saved by the agent: a new proxy host or user drops it, unless a new one comes along', async () => {
    const { core, secrets } = await start();
    try {
      const saved = await core.dispatch('settings:update', {
        sipProxyUrl: 'http://agent@proxy.corp:3128',
        secrets: { sipProxyPassword: PASSWORD },
      });
      expect(saved.ok).toBe(true);
      // Another setting, and the same proxy written differently: the password stays.
      await core.dispatch('settings:update', { keepaliveSeconds: 20 });
      await core.dispatch('settings:update', { sipProxyUrl: 'http://agent@PROXY.corp:3128/' });
      expect(secrets.get('sipProxyPassword')).toBe(PASSWORD);
      // Another host: the password is not sent there.
      const moved = await core.dispatch('settings:update', {
        sipProxyUrl: 'http://agent@elsewhere.example:3128',
      });
      expect(moved.ok).toBe(true);
      expect(secrets.get('sipProxyPassword')).toBeNull();
      expect(core.settingsView().secrets.sipProxyPassword).toBe(false);
      // A new host with its own password keeps that one.
      await core.dispatch('settings:update', {
        sipProxyUrl: 'http://ops@proxy2.corp:8080',
        secrets: { sipProxyPassword: 'second-Pw' },
      });
      expect(secrets.get('sipProxyPassword')).toBe('second-Pw');
      // Another user at the same host: dropped too.
      await core.dispatch('settings:update', { sipProxyUrl: 'http://someone@proxy2.corp:8080' });
      expect(secrets.get('sipProxyPassword')).toBeNull();
    } finally {
      await core.shutdown(1_000);
    }
  });
});
