/**
 * Settings an administrator locks with the machine-wide policy file, through the real core:
 * precedence (policy > environment > user settings > defaults), every lockable key, the secrets,
 * and malformed files (which make the core refuse to start).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDesktopCore } from '../../../src/main/core/create-core';
import { policyPath, POLICY_ENV } from '../../../src/main/core/policy-file';
import { MemorySecretStore, silentLogger } from '../../../src/lib/ports';
import { PolicyError } from '../../../src/shared/policy';
import { DEFAULT_SETTINGS, SettingsSchema } from '../../../src/shared/settings';
import { ADMIN_ONLY_SETTINGS } from '../../../src/shared/settings-model';
import type { Core } from '../../../src/main/core/create-core';
import type { Settings } from '../../../src/shared/settings';

let dir: string;
let cores: Core[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agent-policy-'));
  cores = [];
});
afterEach(async () => {
  for (const core of cores) await core.shutdown(1_000);
  rmSync(dir, { recursive: true, force: true });
});

const USER_URL = 'https://user.example.com/v1/account/U';
const ENV_URL = 'https://env.example.com/v1/account/E';
const POLICY_URL = 'https://policy.example.com/v1/account/P';

async function start(options: {
  user?: Partial<Settings>;
  env?: Record<string, string>;
  policy?: unknown;
  policyText?: string;
  secrets?: MemorySecretStore;
}): Promise<Core> {
  const settingsFile = join(dir, 'settings.json');
  // A platform is always configured here: no demo platform is needed.
  writeFileSync(settingsFile, JSON.stringify({ platformBaseUrl: USER_URL, ...options.user }));
  const policyFile = join(dir, 'policy.json');
  if (options.policyText !== undefined) writeFileSync(policyFile, options.policyText);
  else if (options.policy !== undefined) writeFileSync(policyFile, JSON.stringify(options.policy));
  else rmSync(policyFile, { force: true });
  const core = await createDesktopCore({
    secrets: options.secrets ?? new MemorySecretStore(),
    settingsFile,
    policyFile,
    env: options.env ?? {},
    sipLine: null,
    logger: silentLogger,
  });
  cores.push(core);
  return core;
}

describe('precedence: policy > environment > user settings > defaults', () => {
  it('the platform URL', async () => {
    const env = { AGENT_DESKTOP_PLATFORM_URL: ENV_URL };
    expect((await start({})).platforms.target().url).toBe(USER_URL);
    expect((await start({ env })).platforms.target().url).toBe(ENV_URL);
    const locked = await start({ env, policy: { platformBaseUrl: POLICY_URL } });
    expect(locked.platforms.target().url).toBe(POLICY_URL);
    expect(locked.settings().platformBaseUrl).toBe(POLICY_URL);
  });

  it('credentials: the policy’s secret key and ids win over the environment and the store', async () => {
    const secrets = new MemorySecretStore();
    secrets.set('secretKey', 'user-secret-1');
    const env = { AGENT_DESKTOP_APP_ID: 'env-app', AGENT_DESKTOP_SECRET_KEY: 'env-secret-1' };
    const policy = { appId: 'policy-app', certId: 'policy-cert', secretKey: 'policy-secret-1' };
    const core = await start({ env, policy, secrets });
    expect(core.platforms.target().credentials).toEqual({
      appId: 'policy-app',
      certId: 'policy-cert',
      secretKey: 'policy-secret-1',
    });
    const unlocked = await start({ env, secrets, user: { certId: 'user-cert' } });
    expect(unlocked.platforms.target().credentials).toEqual({
      appId: 'env-app',
      certId: 'user-cert',
      secretKey: 'env-secret-1',
    });
  });

  it('a key nobody sets keeps its default; the user’s file keeps only the user’s choices', async () => {
    const core = await start({
      user: { busyReasons: ['自己的'] },
      policy: { keepaliveSeconds: 60 },
    });
    expect(core.settings().registerExpiresSeconds).toBe(DEFAULT_SETTINGS.registerExpiresSeconds);
    expect(core.settings().busyReasons).toEqual(['自己的']);
    expect((await core.dispatch('settings:update', { awayReasons: ['x'] })).ok).toBe(true);
    const saved = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'));
    expect(saved.keepaliveSeconds).toBe(DEFAULT_SETTINGS.keepaliveSeconds);
    expect(saved.awayReasons).toEqual(['x']);
  });
});

/** A valid value for `key` that differs from its default (a new setting needs no edit here). */
function sampleFor(key: keyof Settings): unknown {
  const field = SettingsSchema.shape[key];
  const fallback = DEFAULT_SETTINGS[key];
  const candidates: unknown[] = [
    typeof fallback === 'boolean' ? !fallback : undefined,
    'https://policy.example.com/v1/account/P',
    'wss://policy.example.com/ws',
    'CommandOrControl+Shift+F9',
    'http://proxy.example.com:3128',
    'en',
    'sign-out',
    'policy-value',
    ['政策原因'],
    120,
    61,
    7,
    { policy: true },
    'answer',
    { policy_agent: 30 },
    'Europe/Berlin',
  ];
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    if (JSON.stringify(candidate) === JSON.stringify(fallback)) continue;
    if (field.safeParse(candidate).success) return candidate;
  }
  throw new Error(`no sample value for setting '${key}': add a candidate above`);
}

describe('every lockable setting', () => {
  const keys = Object.keys(SettingsSchema.shape) as Array<keyof Settings>;
  it.each(keys)('%s: fixed by the policy, shown locked, not changeable', async (key) => {
    const value = sampleFor(key);
    const core = await start({ policy: { [key]: value } });
    expect(core.settings()[key]).toEqual(value);
    const view = core.settingsView();
    // The platform's URL also fixes that there is no gateway (below).
    expect(view.locked).toEqual(key === 'platformBaseUrl' ? [key, 'gatewayUrl'] : [key]);
    const other = await core.dispatch('settings:update', { [key]: DEFAULT_SETTINGS[key] });
    if ((ADMIN_ONLY_SETTINGS as readonly string[]).includes(key)) {
      // Never the window's to send, locked or not (settings-window-admin-only.test.ts).
      expect(other).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
      expect(core.settings()[key]).toEqual(value);
      return;
    }
    expect(other).toMatchObject({ ok: false, error: { code: 'admin-locked' } });
    expect(other.ok || other.error.detail).toContain('set by your administrator');
    expect(core.settings()[key]).toEqual(value);
    // The window saves whole forms: sending the locked value back is harmless.
    expect((await core.dispatch('settings:update', { [key]: value })).ok).toBe(true);
  });

  it.each(['secretKey', 'sipPassword'] as const)(
    '%s: used from the policy, shown only as set and locked, never changeable',
    async (key) => {
      const core = await start({ policy: { [key]: `policy-${key}-value` } });
      const view = core.settingsView();
      expect(view.secrets[key]).toBe(true);
      expect(view.locked).toEqual([key]);
      expect(JSON.stringify(view)).not.toContain(`policy-${key}-value`);
      const changed = await core.dispatch('settings:update', { secrets: { [key]: 'mine-1234' } });
      expect(changed.ok).toBe(false);
      expect(JSON.stringify(core.settingsView())).not.toContain('mine-1234');
    },
  );
});

describe('a malformed policy file stops the start with a clear error', () => {
  it.each([
    ['not JSON', '{"platformBaseUrl": ', /not JSON/],
    ['an unknown key', JSON.stringify({ platformUrl: POLICY_URL }), /platformUrl/],
    ['a bad value', JSON.stringify({ keepaliveSeconds: 'often' }), /keepaliveSeconds/],
    ['not an object', '[1,2]', /expected object/i],
  ])('%s', async (_name, text, problem) => {
    const error = await start({ policyText: text }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).path).toBe(join(dir, 'policy.json'));
    expect((error as PolicyError).problems.join('\n')).toMatch(problem);
  });

  it('an unreadable file is not silently ignored', async () => {
    const core = createDesktopCore({
      secrets: new MemorySecretStore(),
      settingsFile: null,
      policyFile: dir, // a directory: EISDIR
      sipLine: null,
    });
    await expect(core).rejects.toThrow(/cannot be read \(EISDIR\)/);
  });

  it('no file means no policy', async () => {
    const core = await start({});
    expect(core.settingsView().locked).toEqual([]);
  });
});

describe('a policy that names the platform', () => {
  // A gateway URL takes the desktop, and the agent's password, wherever it names, whatever the
  // platform URL: locking the platform without the gateway would have locked nothing.
  const POLICY = { platformBaseUrl: POLICY_URL, appId: 'a', certId: 'c', secretKey: 'policy-k-1' };

  it('fixes that there is no gateway: Settings cannot set one', async () => {
    const core = await start({ policy: POLICY });
    const refused = await core.dispatch('settings:update', {
      gatewayUrl: 'https://elsewhere.example.net',
    });
    expect(refused).toMatchObject({ ok: false });
    expect(core.settingsView().locked).toContain('gatewayUrl');
    expect(core.platforms.target().url.startsWith(POLICY_URL)).toBe(true);
  });

  it('nor the environment, nor a gateway saved before the policy came', async () => {
    const core = await start({
      policy: POLICY,
      env: { AGENT_DESKTOP_GATEWAY_URL: 'https://elsewhere.example.net' },
      user: { gatewayUrl: 'https://saved.example.net' },
    });
    expect(core.platforms.target().url.startsWith(POLICY_URL)).toBe(true);
  });
});

describe('saving settings under a policy', () => {
  it('a whole form that sends a locked value back does not save it as the agent’s own', async () => {
    const core = await start({ policy: { wrapUpSeconds: 30 }, user: { wrapUpSeconds: 10 } });
    const saved = await core.dispatch('settings:update', { wrapUpSeconds: 30, language: 'en' });
    expect(saved.ok).toBe(true);
    const file = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as Settings;
    // Removing the policy later gives the agent their own 10 s back.
    expect(file).toMatchObject({ wrapUpSeconds: 10, language: 'en' });
  });

  it('a save the disk refuses is not applied either', async () => {
    const core = await start({});
    rmSync(join(dir, 'settings.json'));
    mkdirSync(join(dir, 'settings.json')); // EISDIR on write
    const refused = await core.dispatch('settings:update', { language: 'en' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(core.settings().language).not.toBe('en');
  });
});

describe('gateway mode however it comes', () => {
  // The desktop never holds the account key in gateway mode (docs/gateway.md): one stored from
  // before goes at start, not only when Settings set the gateway.
  it.each([
    ['the policy', { policy: { gatewayUrl: 'https://gw.example.com' } }],
    ['the environment', { env: { AGENT_DESKTOP_GATEWAY_URL: 'https://gw.example.com' } }],
  ])('by %s: a stored account key is removed at start', async (_by, how) => {
    const secrets = new MemorySecretStore();
    secrets.set('secretKey', 'old-account-key-123');
    const core = await start({ ...how, secrets });
    expect(secrets.get('secretKey')).toBeNull();
    expect(core.settingsView().secrets.secretKey).toBe(false);
  });
});

describe('where the policy file lives', () => {
  it('per OS, overridable by the environment', () => {
    expect(policyPath('linux', {})).toBe('/etc/agent-desktop/policy.json');
    expect(policyPath('darwin', {})).toBe(
      '/Library/Application Support/ONEYUN Agent Desktop/policy.json',
    );
    expect(policyPath('win32', { ProgramData: 'D:\\PD' })).toBe(
      'D:\\PD\\ONEYUN\\Agent Desktop\\policy.json',
    );
    expect(policyPath('linux', { [POLICY_ENV]: '/tmp/p.json' })).toBe('/tmp/p.json');
  });

  it('an installed app is not moved off it by a variable the agent can set', () => {
    // A Windows user variable needs no administrator: one that named a missing file, or moved
    // ProgramData to the agent's own folder, would have undone every lock.
    const agentSet = { [POLICY_ENV]: '/nonexistent/none.json', ProgramData: 'D:\\Mine' };
    const there = () => true;
    expect(policyPath('linux', agentSet, true)).toBe('/etc/agent-desktop/policy.json');
    expect(policyPath('win32', agentSet, true, there)).toBe(
      'C:\\ProgramData\\ONEYUN\\Agent Desktop\\policy.json',
    );
    // A machine whose ProgramData is on another drive (no file on C:) still finds its own.
    expect(policyPath('win32', { ProgramData: 'D:\\PD' }, true, () => false)).toBe(
      'D:\\PD\\ONEYUN\\Agent Desktop\\policy.json',
    );
  });
});

describe('settings the environment sets for this run', () => {
  it('are listed for the window with their variable and value, secrets without it', async () => {
    const env = {
      AGENT_DESKTOP_PLATFORM_URL: ENV_URL,
      AGENT_DESKTOP_APP_ID: 'env-app',
      AGENT_DESKTOP_SECRET_KEY: 'env-secret-value',
    };
    const view = (await start({ env })).settingsView();
    expect(view.environment).toEqual([
      { key: 'platformBaseUrl', variable: 'AGENT_DESKTOP_PLATFORM_URL', value: ENV_URL },
      { key: 'appId', variable: 'AGENT_DESKTOP_APP_ID', value: 'env-app' },
      { key: 'secretKey', variable: 'AGENT_DESKTOP_SECRET_KEY', value: null },
    ]);
    expect(JSON.stringify(view)).not.toContain('env-secret-value');
    expect(view.secrets.secretKey).toBe(true); // not "not set" beside the variable that sets it
  });

  it('a key the policy fixes is shown as the administrator’s, not the environment’s', async () => {
    const env = { AGENT_DESKTOP_PLATFORM_URL: ENV_URL, AGENT_DESKTOP_CERT_ID: 'env-cert' };
    const view = (await start({ env, policy: { platformBaseUrl: POLICY_URL } })).settingsView();
    expect(view.locked).toEqual(['platformBaseUrl', 'gatewayUrl']);
    expect(view.environment).toEqual([
      { key: 'certId', variable: 'AGENT_DESKTOP_CERT_ID', value: 'env-cert' },
    ]);
  });

  it('none set: nothing listed', async () => {
    expect((await start({})).settingsView().environment).toEqual([]);
  });
});
