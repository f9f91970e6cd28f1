/**
 * The client against the running emulator: every endpoint round-trips with signing on, the
 * plain (auth off) mode works, a wrong secret is auth-failed, and platform codes come through.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PlatformClient } from '../../../src/lib/platform/client';
import type { PlatformResult } from '../../../src/lib/platform/client';
import { DEMO_EXTENSIONS, SIP_USER_PREFIX, startEmulator } from '../../../src/emulator';
import type { RunningEmulator } from '../../../src/emulator';
import type { AppError } from '../../../src/shared/domain/errors';

const [EXT1, EXT2, EXT3] = DEMO_EXTENSIONS.map((e) => e.id) as [string, string, string];
const quiet = () => undefined;

let emulator: RunningEmulator;
let client: PlatformClient;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, auth: 'generate', log: quiet });
  client = new PlatformClient({ baseUrl: emulator.baseUrl, credentials: emulator.credentials });
});

afterAll(async () => {
  await emulator?.close();
});

beforeEach(async () => {
  await control('POST', '/emulator/reset');
});

/** Calls an emulator-only control (unsigned, outside the account path). */
async function control(method: string, path: string, body?: unknown): Promise<void> {
  const res = await fetch(emulator.origin + path, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
  });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
}

function valueOf<T>(result: PlatformResult<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result.value;
}

function errorOf<T>(result: PlatformResult<T>): AppError {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('every endpoint, signed', () => {
  it('agent: login, get, list, keepalive, extension, state, skills, logout', async () => {
    valueOf(
      await client.login({
        name: 'agent_1',
        num: '1001',
        state: 'busy/维修单录入/加急',
        skills: [{ name: '投诉', score: 80, enabled: true }, { name: '建议' }],
        extension: EXT1,
      }),
    );
    expect(valueOf(await client.getAgent('agent_1'))).toEqual({
      name: 'agent_1',
      num: '1001',
      state: 'busy/维修单录入/加急',
      extension: EXT1,
      skills: [
        { name: '投诉', score: 80, enabled: true },
        { name: '建议', score: 0, enabled: false },
      ],
    });
    expect(valueOf(await client.keepalive('agent_1'))).toBeNull();

    valueOf(await client.setExtension('agent_1', EXT2));
    valueOf(await client.setState('agent_1', 'idle'));
    valueOf(
      await client.editSkills('agent_1', [
        { opt: 2, name: '建议' },
        { opt: 1, name: '投诉', score: 95 },
        { opt: 1, name: '联想笔记本', score: 90, enabled: true },
      ]),
    );
    expect(valueOf(await client.getAgent('agent_1'))).toMatchObject({
      state: 'idle',
      extension: EXT2,
      skills: [
        { name: '投诉', score: 95, enabled: true },
        { name: '联想笔记本', score: 90, enabled: true },
      ],
    });

    valueOf(await client.login({ name: 'agent_2', extension: EXT1 }));
    const page = valueOf(await client.listAgents({ pageNo: 1, pageSize: 1 }));
    expect(page).toMatchObject({
      pageSize: 1,
      startIndex: 1,
      totalCount: 2,
      totalPageCount: 2,
      currentPageNo: 1,
    });
    expect(page.result).toHaveLength(1);
    const second = valueOf(await client.listAgents({ pageNo: 2, pageSize: 1 }));
    expect([page.result[0]!.name, second.result[0]!.name].sort()).toEqual(['agent_1', 'agent_2']);
    // The default login state is online, and it reads back normalised.
    expect(valueOf(await client.getAgent('agent_2'))).toMatchObject({ state: 'online', num: null });

    valueOf(await client.logout('agent_1', { force: false }));
    expect(errorOf(await client.getAgent('agent_1')).code).toBe('040202');
  });

  it('asks for at most 1000 agents even when told 5000', async () => {
    valueOf(await client.login({ name: 'agent_1', extension: EXT1 }));
    const page = valueOf(await client.listAgents({ pageNo: 1, pageSize: 5000 }));
    expect(page.pageSize).toBe(1000);
    expect(page.result.map((a) => a.name)).toEqual(['agent_1']);
  });

  it('extensions: list, get with SIP credentials, create, delete', async () => {
    const list = valueOf(await client.listExtensions({ pageNo: 1, pageSize: 20 }));
    expect(list.totalCount).toBe(5);
    expect(list.result.map((e) => e.user)).toEqual(DEMO_EXTENSIONS.map((e) => e.sipUser));

    const demo = DEMO_EXTENSIONS[0]!;
    expect(valueOf(await client.getExtension(demo.id))).toMatchObject({
      id: demo.id,
      type: '1',
      user: demo.sipUser,
      password: demo.password,
    });

    const created = valueOf(
      await client.createExtension({ type: 1, user: '12345678', password: 'abc123XY' }),
    );
    expect(created).toMatchObject({
      type: '1',
      user: `${SIP_USER_PREFIX}12345678`,
      password: 'abc123XY',
    });
    expect(valueOf(await client.getExtension(created.id)).user).toBe(`${SIP_USER_PREFIX}12345678`);
    expect(valueOf(await client.listExtensions({ pageNo: 2, pageSize: 3 })).result).toHaveLength(3);

    valueOf(await client.deleteExtension(created.id));
    expect(errorOf(await client.getExtension(created.id)).code).toBe('040103');
  });
});

describe('authentication', () => {
  it('works against a plain base URL with auth off and no credentials', async () => {
    const plain = await startEmulator({ port: 0, auth: null, log: quiet });
    try {
      const unsigned = new PlatformClient({ baseUrl: plain.baseUrl, credentials: null });
      valueOf(await unsigned.login({ name: 'agent_1', extension: EXT1 }));
      expect(valueOf(await unsigned.getAgent('agent_1')).state).toBe('online');
      valueOf(await unsigned.logout('agent_1', { force: false }));
    } finally {
      await plain.close();
    }
  });

  it('a wrong secret is auth-failed, with the platform text as detail', async () => {
    const wrong = new PlatformClient({
      baseUrl: emulator.baseUrl,
      credentials: { ...emulator.credentials!, secretKey: 'not-the-secret' },
    });
    const error = errorOf(await wrong.keepalive('agent_1'));
    expect(error.code).toBe('auth-failed');
    expect(error.detail).toContain('signature mismatch');
  });

  it('no credentials against a signing platform, or a stale clock, is auth-failed', async () => {
    const unsigned = new PlatformClient({ baseUrl: emulator.baseUrl, credentials: null });
    expect(errorOf(await unsigned.listAgents({ pageNo: 1, pageSize: 20 })).code).toBe(
      'auth-failed',
    );
    const stale = new PlatformClient({
      baseUrl: emulator.baseUrl,
      credentials: emulator.credentials,
      now: () => new Date(Date.now() - 60 * 60 * 1000),
    });
    const error = errorOf(await stale.getAgent('agent_1'));
    expect(error.code).toBe('auth-failed');
    expect(error.detail).toContain('Timestamp');
  });
});

describe('platform codes come through with their messages', () => {
  it('040201: the name is logged in with a fresh keepalive', async () => {
    valueOf(await client.login({ name: 'agent_1', extension: EXT1 }));
    expect(errorOf(await client.login({ name: 'agent_1', extension: EXT2 }))).toEqual({
      code: '040201',
      message: '座席已经登录',
    });
  });

  it('040202: the agent is unknown', async () => {
    expect(errorOf(await client.keepalive('nobody'))).toEqual({
      code: '040202',
      message: '座席不存在',
    });
    expect(errorOf(await client.setState('nobody', 'idle')).code).toBe('040202');
  });

  it('040203: sign-out during a call needs force; force hangs up and signs out', async () => {
    valueOf(await client.login({ name: 'agent_1', extension: EXT1 }));
    await control('POST', '/emulator/agents/agent_1/state', { state: 'talking/complaint' });
    expect(errorOf(await client.logout('agent_1', { force: false }))).toEqual({
      code: '040203',
      message: '座席正忙',
    });
    expect(errorOf(await client.setState('agent_1', 'idle')).code).toBe('040203');
    valueOf(await client.logout('agent_1', { force: true }));
    expect(errorOf(await client.getAgent('agent_1')).code).toBe('040202');
  });

  it('040102: the extension is bound to another agent', async () => {
    valueOf(await client.login({ name: 'agent_1', extension: EXT1 }));
    valueOf(await client.login({ name: 'agent_2', extension: EXT2 }));
    expect(errorOf(await client.login({ name: 'agent_3', extension: EXT1 }))).toEqual({
      code: '040102',
      message: '分机已绑定座席',
    });
    expect(errorOf(await client.setExtension('agent_2', EXT1)).code).toBe('040102');
    expect(errorOf(await client.deleteExtension(EXT1)).code).toBe('040102');
    // Re-binding the same extension is fine, and a free one too.
    valueOf(await client.setExtension('agent_1', EXT1));
    valueOf(await client.setExtension('agent_2', EXT3));
  });

  it('040103: the extension does not exist', async () => {
    expect(errorOf(await client.login({ name: 'agent_1', extension: 'f'.repeat(32) }))).toEqual({
      code: '040103',
      message: '分机不存在',
    });
    expect(errorOf(await client.getExtension('f'.repeat(32))).code).toBe('040103');
    expect(errorOf(await client.deleteExtension('f'.repeat(32))).code).toBe('040103');
  });

  it('000001: bad parameters', async () => {
    expect(errorOf(await client.login({ name: 'agent-1', extension: EXT1 }))).toEqual({
      code: '000001',
      message: '参数错误',
    });
    valueOf(await client.login({ name: 'agent_1', extension: EXT1 }));
    for (const state of ['online', 'fetching', 'talking/x', 'idle/x', 'busy//x', 'offline']) {
      expect(errorOf(await client.setState('agent_1', state)).code).toBe('000001');
    }
    // Deleting a skill the agent lacks still counts as an op (agent-api.md §3): no 000001.
    valueOf(await client.editSkills('agent_1', [{ opt: 2, name: '手机' }]));
    expect(
      errorOf(await client.createExtension({ type: 2, user: '12345678', password: 'abc123' })).code,
    ).toBe('000001');
  });

  it('040101: a duplicate SIP user', async () => {
    expect(
      errorOf(
        await client.createExtension({
          type: 1,
          user: DEMO_EXTENSIONS[0]!.user,
          password: 'abc123',
        }),
      ).code,
    ).toBe('040101');
  });
});
