/**
 * The gateway signs the platform's requests with the platform's wall clock (its time zone,
 * default Asia/Shanghai), whatever zone its own machine or container runs in: `serve
 * --platform-time-zone ZONE` or GATEWAY_PLATFORM_TIME_ZONE names a platform installed elsewhere,
 * and a name that is no zone stops the start naming the flag or variable.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '../../src/gateway/admin';
import { serveConfig, UsageError } from '../../src/gateway/serve-config';
import { startGateway } from '../../src/gateway/index';
import { openStore } from '../../src/gateway/store/open';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index';
import { PASSWORDS, platform, send, signIn, startRig, TEST_SCRYPT, withServe } from './helpers';

// East of Shanghai: a Shanghai wall clock read there is hours old, which the platform refuses.
const PLATFORM_ZONE = 'Pacific/Auckland';

let dir: string;
let env: Record<string, string>;
let emulator: RunningEmulator;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gw-tz-'));
  writeFileSync(join(dir, 'secret'), 'the-account-secret-key\n');
  env = {
    GATEWAY_PLATFORM_URL: 'https://api.yunhuni.com/v1/account/ACC',
    GATEWAY_APP_ID: 'app',
    GATEWAY_CERT_ID: 'cert',
    GATEWAY_SECRET_KEY_FILE: join(dir, 'secret'),
  };
  emulator = await startEmulator({
    port: 0,
    auth: 'generate',
    platformTimeZone: PLATFORM_ZONE,
    log: () => undefined,
  });
});
afterAll(async () => {
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('serve: the platform time zone', () => {
  it('defaults to Asia/Shanghai; the flag or the variable names another, the flag winning', () => {
    expect(serveConfig([], env).platformTimeZone).toBe('Asia/Shanghai');
    expect(
      serveConfig([], { ...env, GATEWAY_PLATFORM_TIME_ZONE: PLATFORM_ZONE }).platformTimeZone,
    ).toBe(PLATFORM_ZONE);
    expect(serveConfig(['--platform-time-zone', 'Europe/Berlin'], env).platformTimeZone).toBe(
      'Europe/Berlin',
    );
    expect(
      serveConfig(['--platform-time-zone', 'Europe/Berlin'], {
        ...env,
        GATEWAY_PLATFORM_TIME_ZONE: PLATFORM_ZONE,
      }).platformTimeZone,
    ).toBe('Europe/Berlin');
    // Exported empty by a unit file: not set.
    expect(serveConfig([], { ...env, GATEWAY_PLATFORM_TIME_ZONE: '' }).platformTimeZone).toBe(
      'Asia/Shanghai',
    );
  });

  it('a name that is no time zone stops the start, naming the flag or the variable', () => {
    const refusal = (args: string[], extra: Record<string, string> = {}) => {
      try {
        serveConfig(args, { ...env, ...extra });
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return (error as Error).message;
      }
      return null;
    };
    expect(refusal(['--platform-time-zone', 'GMT+8'])).toBe(
      `--platform-time-zone must be a time zone name such as Asia/Shanghai (the platform's), got "GMT+8"`,
    );
    expect(refusal([], { GATEWAY_PLATFORM_TIME_ZONE: 'Asia/Shangai' })).toMatch(
      /^GATEWAY_PLATFORM_TIME_ZONE must be a time zone name .*"Asia\/Shangai"/,
    );
    expect(refusal(['--platform-time-zone', ''])).toMatch(/^--platform-time-zone must be/);
  });

  it('startGateway refuses an unknown zone before it listens', async () => {
    const store = await openStore(':memory:');
    try {
      await expect(
        startGateway({
          platformUrl: emulator.baseUrl,
          credentials: emulator.credentials!,
          database: store,
          platformTimeZone: 'Mars/Olympus',
        }),
      ).rejects.toThrow(/platformTimeZone: "Mars\/Olympus" is not a time zone name/);
    } finally {
      await store.close();
    }
  });
});

describe("agents' requests through a gateway, to a platform outside China", () => {
  it('signed in the default zone, the platform refuses the gateway', async () => {
    const rig = await startRig({ emulator });
    try {
      const token = await signIn(rig, 'alice', PASSWORDS.alice);
      const reply = await platform(rig, 'GET', '/callcenter/agent/alice', token);
      expect(reply.json?.code).toBe('GW0502');
      expect(reply.json?.msg).toMatch(/refused the gateway's credentials/);
    } finally {
      await rig.close();
    }
  });

  it('signed in the platform zone, it passes', async () => {
    const rig = await startRig({ emulator, platformTimeZone: PLATFORM_ZONE });
    try {
      const token = await signIn(rig, 'alice', PASSWORDS.alice);
      const reply = await platform(rig, 'GET', '/callcenter/agent', token);
      expect(reply.status).toBe(200);
      expect(reply.json?.code).toBe('000000');
    } finally {
      await rig.close();
    }
  });

  it('serve in a container set to another zone, given --platform-time-zone, is accepted', async () => {
    const database = join(dir, 'serve.db');
    const store = await openStore(database);
    await new Admin(store, { scrypt: TEST_SCRYPT }).add('alice', PASSWORDS.alice, []);
    await store.close();
    const { code } = await withServe(
      ['--port', '0', '--platform-time-zone', PLATFORM_ZONE],
      {
        ...process.env,
        TZ: 'America/New_York',
        GATEWAY_PLATFORM_URL: emulator.baseUrl,
        GATEWAY_APP_ID: emulator.credentials!.appId,
        GATEWAY_CERT_ID: emulator.credentials!.certId,
        GATEWAY_SECRET_KEY: emulator.credentials!.secretKey,
        GATEWAY_SECRET_KEY_FILE: '',
        GATEWAY_DATABASE: database,
      },
      async (origin) => {
        const session = await send(origin, 'POST', '/v1/session', {
          body: { name: 'alice', password: PASSWORDS.alice },
        });
        const token = (session.json!.data as { token: string }).token;
        const reply = await send(origin, 'GET', '/v1/platform/callcenter/agent', { token });
        expect(reply.json?.code).toBe('000000');
      },
    );
    expect(code).toBe(0);
  }, 60_000);
});
