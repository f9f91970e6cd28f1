/**
 * The platform's time zone as an administrator sets it (`platformTimeZone`, docs/it-admin.md):
 * the desktop signs its requests with the platform's wall clock, so a platform installed outside
 * China is reached by setting its zone — in Settings' file, the policy, or
 * AGENT_DESKTOP_PLATFORM_TIME_ZONE — and a name that is no time zone is refused, naming where it
 * came from, with nothing lost.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator';
import { EnvironmentError } from '../../../src/main/core/admin-policy';
import { createDesktopCore, type Core } from '../../../src/main/core/create-core';
import { MemorySecretStore, silentLogger } from '../../../src/lib/ports';
import { PolicyError } from '../../../src/shared/policy';
import { DEFAULT_SETTINGS, SettingsSchema } from '../../../src/shared/settings';

// East of Shanghai: a Shanghai wall clock read there is hours old, which the platform refuses.
const PLATFORM_ZONE = 'Pacific/Auckland';
const ENV_VAR = 'AGENT_DESKTOP_PLATFORM_TIME_ZONE';

let emulator: RunningEmulator;
let dir: string;
let cores: Core[];
beforeAll(async () => {
  emulator = await startEmulator({
    port: 0,
    auth: 'generate',
    platformTimeZone: PLATFORM_ZONE,
    log: () => undefined,
  });
});
afterAll(() => emulator?.close());
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agent-tz-'));
  cores = [];
});
afterEach(async () => {
  for (const core of cores) await core.shutdown(1_000);
  rmSync(dir, { recursive: true, force: true });
});

async function start(
  options: { user?: object; env?: Record<string, string>; policy?: object } = {},
): Promise<Core> {
  const settingsFile = join(dir, 'settings.json');
  const { appId, certId, secretKey } = emulator.credentials!;
  writeFileSync(
    settingsFile,
    JSON.stringify({ platformBaseUrl: emulator.baseUrl, appId, certId, ...options.user }),
  );
  const secrets = new MemorySecretStore();
  secrets.set('secretKey', secretKey);
  const policyFile = join(dir, 'policy.json');
  if (options.policy) writeFileSync(policyFile, JSON.stringify(options.policy));
  const core = await createDesktopCore({
    secrets,
    settingsFile,
    policyFile: options.policy ? policyFile : null,
    env: options.env ?? {},
    sipLine: null,
    logger: silentLogger,
  });
  cores.push(core);
  return core;
}

/** What the agent's first request to the platform gets. */
async function firstRequest(core: Core) {
  const result = await core.platforms.client().listAgents({ pageNo: 1, pageSize: 20 });
  return result.ok ? 'accepted' : `${result.error.code}: ${result.error.detail ?? ''}`;
}

describe('a platform outside China', () => {
  it('by default the desktop signs in Asia/Shanghai, and such a platform refuses it 401', async () => {
    const core = await start();
    expect(core.settings().platformTimeZone).toBe('Asia/Shanghai');
    expect(await firstRequest(core)).toMatch(
      /^auth-failed: .*read as the platform's time in Pacific\/Auckland/,
    );
  });

  it('set in the settings file, the desktop signs in the platform zone and is accepted', async () => {
    const core = await start({ user: { platformTimeZone: PLATFORM_ZONE } });
    expect(await firstRequest(core)).toBe('accepted');
  });

  it(`set by ${ENV_VAR}, it wins over the settings file and shows as set by the variable`, async () => {
    const core = await start({
      user: { platformTimeZone: 'Asia/Shanghai' },
      env: { [ENV_VAR]: PLATFORM_ZONE },
    });
    expect(await firstRequest(core)).toBe('accepted');
    expect(core.settingsView().environment).toContainEqual({
      key: 'platformTimeZone',
      variable: ENV_VAR,
      value: PLATFORM_ZONE,
    });
  });

  it('fixed by the policy, it beats the variable, shows locked, and the window cannot change it', async () => {
    const core = await start({
      policy: { platformTimeZone: PLATFORM_ZONE },
      env: { [ENV_VAR]: 'Asia/Shanghai' },
    });
    expect(await firstRequest(core)).toBe('accepted');
    expect(core.settingsView().locked).toContain('platformTimeZone');
    const reply = await core.dispatch('settings:update', { platformTimeZone: 'Asia/Shanghai' });
    expect(reply.ok).toBe(false);
    expect(core.settings().platformTimeZone).toBe(PLATFORM_ZONE);
  });

  it('the demo platform is signed for in its own zone, whatever a site set', async () => {
    const core = await createDesktopCore({
      secrets: new MemorySecretStore(),
      settingsFile: null,
      policyFile: null,
      env: { [ENV_VAR]: PLATFORM_ZONE },
      sipLine: null,
      logger: silentLogger,
      startEmbedded: async () => {
        const demo = await startEmulator({ port: 0, auth: 'generate', log: () => undefined });
        return { emulator: demo, sipWsUrl: null, close: () => demo.close() };
      },
    });
    cores.push(core);
    await core.platforms.ensure();
    expect(await firstRequest(core)).toBe('accepted');
  });
});

describe('a name that is no time zone', () => {
  it('the settings schema refuses it with a sentence saying what is wanted', () => {
    for (const bad of ['Asia/Shangai', 'GMT+8', '', ' Asia/Shanghai', 'x'.repeat(100)]) {
      const parsed = SettingsSchema.shape.platformTimeZone.safeParse(bad);
      expect(parsed.success, bad).toBe(false);
    }
    expect(
      SettingsSchema.shape.platformTimeZone.safeParse('Asia/Shangai').error?.issues[0]?.message,
    ).toMatch(/not a time zone name.*IANA.*Asia\/Shanghai/);
    for (const good of ['Asia/Shanghai', 'UTC', 'Europe/Berlin', 'America/Sao_Paulo']) {
      expect(SettingsSchema.shape.platformTimeZone.safeParse(good).success, good).toBe(true);
    }
  });

  it(`in ${ENV_VAR}: the start stops, naming the variable and its value`, async () => {
    const error = await start({ env: { [ENV_VAR]: 'Asia/Shangai' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).problems).toEqual([
      expect.stringMatching(
        /^AGENT_DESKTOP_PLATFORM_TIME_ZONE="Asia\/Shangai": not a time zone name/,
      ),
    ]);
  });

  it('in the policy file: the start stops, naming the key', async () => {
    const error = await start({ policy: { platformTimeZone: 'Mars/Olympus' } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).problems).toEqual([
      expect.stringMatching(/^platformTimeZone: not a time zone name/),
    ]);
  });

  it('saved from a window or a script: refused, and the zone in force is kept', async () => {
    const core = await start({ user: { platformTimeZone: PLATFORM_ZONE } });
    const reply = await core.dispatch('settings:update', { platformTimeZone: 'Asia/Shangai' });
    expect(reply.ok).toBe(false);
    expect(core.settings().platformTimeZone).toBe(PLATFORM_ZONE);
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).platformTimeZone).toBe(
      PLATFORM_ZONE,
    );
    expect(await firstRequest(core)).toBe('accepted');
  });

  it('in an older settings file: the default is used and the desktop starts', async () => {
    const core = await start({ user: { platformTimeZone: 'Asia/Shangai' } });
    expect(core.settings().platformTimeZone).toBe(DEFAULT_SETTINGS.platformTimeZone);
  });
});
