/**
 * The HTTP layer around the business rules (docs/platform-api/agent-api.md §2): the envelope, transport-level
 * refusals (404, 405 + Allow, 413), bodies that are not JSON or not the right JSON, a handler that
 * throws, the 010002 switch — and the /emulator controls.
 */
import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORM_MESSAGES } from '../../src/shared/domain/errors';
import { call, code, control, EXT, login, startTest, type TestEmulator } from './helpers';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTest({ auth: null });
});
afterAll(() => emu.close());
afterEach(async () => {
  await control(emu, 'reset', {});
  await control(emu, 'config', { callCenterService: true, keepaliveTimeoutSec: 300 });
});

async function raw(method: string, path: string, body?: string, headers = {}) {
  const res = await fetch(`${emu.origin}${path}`, { method, body, headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('refusals outside the envelope', () => {
  it.each([
    '/',
    '/v1',
    '/v1/account',
    '/v1/account/x/callcenter',
    '/v1/account/ACCOUNT/callcenter/',
    '/v1/account/ACCOUNT/callcenter/queue',
    '/v1/account/ACCOUNT/callcenter/agent/',
    '/v1/account/ACCOUNT/callcenter/agent/a1/keepalive/x',
    '/v1/account/ACCOUNT/callcenter/agent/a1/unknown',
    '/v1/account/ACCOUNT/callcenter/extension/x/y',
    '/v1/account/another-account/callcenter/agent',
    '/v2/account/ACCOUNT/callcenter/agent',
    '/favicon.ico',
  ])('404 text/plain for %s', async (path) => {
    const reply = await raw('GET', path.replace('ACCOUNT', emu.accountId));
    expect(reply.status).toBe(404);
    expect(reply.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it.each([
    ['PUT', '/callcenter/agent', 'GET, POST'],
    ['DELETE', '/callcenter/agent', 'GET, POST'],
    ['POST', '/callcenter/agent/a1', 'GET, DELETE'],
    ['POST', '/callcenter/agent/a1/keepalive', 'GET'],
    ['GET', '/callcenter/agent/a1/state', 'POST'],
    ['DELETE', '/callcenter/agent/a1/skills', 'POST'],
    ['GET', '/callcenter/agent/a1/extension', 'POST'],
    ['PATCH', '/callcenter/extension', 'GET, POST'],
    ['POST', '/callcenter/extension/x', 'GET, DELETE'],
    ['OPTIONS', '/callcenter/agent', 'GET, POST'],
  ])('405 with Allow for %s %s', async (method, path, allow) => {
    const reply = await raw(method, `/v1/account/${emu.accountId}${path}`);
    expect(reply.status).toBe(405);
    expect(reply.headers.get('allow')).toBe(allow);
    expect(reply.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('413 text/plain for a body over 64 KiB (declared or chunked), and nothing changes', async () => {
    const big = JSON.stringify({ name: 'big', extension: EXT[0], num: 'x'.repeat(64 * 1024) });
    const declared = await raw('POST', `/v1/account/${emu.accountId}/callcenter/agent`, big, {
      'Content-Type': 'application/json',
    });
    expect(declared.status).toBe(413);
    expect(declared.headers.get('content-type')).toMatch(/^text\/plain/);
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${emu.origin}/v1/account/${emu.accountId}/callcenter/agent`,
        { method: 'POST', headers: { 'Transfer-Encoding': 'chunked' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 80; i++) req.write('x'.repeat(1024));
      req.end();
    });
    expect(chunked).toBe(413);
    expect((await control(emu, 'state')).json.agents).toEqual([]);
  });

  it('accepts a body of exactly 64 KiB', async () => {
    const prefix = JSON.stringify({ name: 'ok64', extension: EXT[0], num: '' });
    const body = prefix.replace('"num":""', `"num":"${'1'.repeat(64 * 1024 - prefix.length)}"`);
    expect(Buffer.byteLength(body)).toBe(64 * 1024);
    expect(await code(call(emu, 'POST', '/callcenter/agent', undefined, { raw: body }))).toBe(
      '000000',
    );
  });
});

describe('the envelope', () => {
  it.each([
    ['malformed JSON', '{"name": "a1", '],
    ['an empty body', ''],
    ['not JSON at all', 'name=a1&extension=x'],
  ])('answers 000002 with data null for %s', async (_what, body) => {
    const reply = await call(emu, 'POST', '/callcenter/agent', undefined, { raw: body });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text)).toEqual({ code: '000002', msg: '未知错误', data: null });
  });

  it.each(['null', '[]', '42', '"text"', 'true'])(
    'answers 000001 for the JSON %s',
    async (body) => {
      expect(await code(call(emu, 'POST', '/callcenter/agent', undefined, { raw: body }))).toBe(
        '000001',
      );
    },
  );

  it('carries the platform msg for every code it sends', async () => {
    const seen = [
      await call(emu, 'GET', '/callcenter/agent/nobody'),
      await call(emu, 'POST', '/callcenter/agent', { name: 'x' }),
      await call(emu, 'GET', '/callcenter/extension/none'),
    ];
    for (const reply of seen) {
      const { code: c, msg } = reply.json;
      expect(msg).toBe(PLATFORM_MESSAGES[c as keyof typeof PLATFORM_MESSAGES]);
    }
  });

  it('turns an unexpected exception into 000002, logs it, and keeps serving', async () => {
    await login(emu, 'a1', EXT[0]);
    const original = emu.store.keepalive.bind(emu.store);
    emu.store.keepalive = () => {
      throw new Error('kaboom');
    };
    try {
      const reply = await call(emu, 'GET', '/callcenter/agent/a1/keepalive');
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.text)).toEqual({ code: '000002', msg: '未知错误', data: null });
      expect(emu.logs.join('\n')).toMatch(/kaboom/);
    } finally {
      emu.store.keepalive = original;
    }
    expect(await code(call(emu, 'GET', '/callcenter/agent/a1/keepalive'))).toBe('000000');
  });

  it('answers 010002 to every business request while the service is switched off', async () => {
    await control(emu, 'config', { callCenterService: false });
    expect(await code(call(emu, 'GET', '/callcenter/agent'))).toBe('010002');
    expect(
      await code(call(emu, 'POST', '/callcenter/agent', { name: 'a', extension: EXT[0] })),
    ).toBe('010002');
    expect((await control(emu, 'state')).json.agents).toEqual([]);
    await control(emu, 'config', { callCenterService: true });
    expect(await code(call(emu, 'GET', '/callcenter/agent'))).toBe('000000');
  });
});

describe('/emulator controls', () => {
  it('dumps agents, extensions and config', async () => {
    await login(emu, 'a1', EXT[0], { state: 'idle' });
    const dump = (await control(emu, 'state')).json as unknown as {
      config: Record<string, unknown>;
      agents: Record<string, unknown>[];
      extensions: Record<string, unknown>[];
    };
    expect(dump.config).toEqual({
      accountId: emu.accountId,
      auth: false,
      keepaliveTimeoutSec: 300,
      timestampWindowSec: 300,
      platformTimeZone: 'Asia/Shanghai',
      lockWaitMs: 0,
      callCenterService: true,
    });
    expect(dump.agents).toEqual([
      {
        name: 'a1',
        num: null,
        state: 'idle',
        extension: EXT[0],
        skills: [],
        keepaliveAgeSec: expect.any(Number),
        fresh: true,
        registered: false,
        routable: false,
        stateAgeSec: expect.any(Number),
        leaving: false,
      },
    ]);
    expect(dump.extensions).toHaveLength(5);
    expect(dump.extensions[0]).toMatchObject({ id: EXT[0], boundTo: 'a1', registered: false });
  });

  it('registration control makes an idle agent routable; expire makes it offline', async () => {
    await login(emu, 'a1', EXT[0], { state: 'idle' });
    const reg = await control(emu, `extensions/${EXT[0]}/registration`, {
      contact: 'sip:10001800001@127.0.0.1;transport=ws',
      expiresInSec: 600,
    });
    expect(reg.json).toEqual({ ok: true });
    const agentOf = async () =>
      ((await control(emu, 'state')).json.agents as { routable: boolean; fresh: boolean }[])[0]!;
    expect(await agentOf()).toMatchObject({ fresh: true, routable: true });
    expect((await control(emu, 'agents/a1/expire', {})).json).toEqual({ ok: true });
    expect(await agentOf()).toMatchObject({ fresh: false, routable: false });
    expect(
      await code(call(emu, 'POST', '/callcenter/agent', { name: 'a1', extension: EXT[0] })),
    ).toBe('000000');
    await control(emu, `extensions/${EXT[0]}/registration`, { contact: null });
    expect(emu.store.isExtensionRegistered(EXT[0]!)).toBe(false);
  });

  it('agent state control sets platform-driven states', async () => {
    await login(emu, 'a1', EXT[0]);
    expect((await control(emu, 'agents/a1/state', { state: 'talking/x' })).status).toBe(200);
    expect(await code(call(emu, 'POST', '/callcenter/agent/a1/state', { state: 'idle' }))).toBe(
      '040203',
    );
    expect((await control(emu, 'agents/a1/state', { state: 'nonsense' })).status).toBe(400);
    expect((await control(emu, 'agents/zz/state', { state: 'idle' })).status).toBe(404);
  });

  it('config changes the keepalive timeout and refuses bad values', async () => {
    const changed = await control(emu, 'config', { keepaliveTimeoutSec: 2, lockWaitMs: 100 });
    expect(changed.json).toMatchObject({
      ok: true,
      config: { keepaliveTimeoutSec: 2, lockWaitMs: 100 },
    });
    expect(emu.store.keepaliveTimeoutSec).toBe(2);
    for (const bad of [{ keepaliveTimeoutSec: 0 }, { keepaliveTimeoutSec: '5' }, { typo: 1 }]) {
      expect((await control(emu, 'config', bad)).status).toBe(400);
    }
    const notJson = await raw('POST', '/emulator/config', '{', {
      'Content-Type': 'application/json',
    });
    expect(notJson.status).toBe(400);
    await control(emu, 'config', { lockWaitMs: 0 });
  });

  it('answers 404 for unknown agents, extensions and controls, 405 for wrong methods', async () => {
    expect((await control(emu, 'agents/nobody/expire', {})).status).toBe(404);
    expect((await control(emu, 'extensions/nope/registration', { contact: 'sip:x' })).status).toBe(
      404,
    );
    expect((await raw('GET', '/emulator/nothing')).status).toBe(404);
    expect((await raw('GET', '/emulator')).status).toBe(404);
    const wrong = await raw('GET', '/emulator/reset');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect((await raw('POST', '/emulator/state')).headers.get('allow')).toBe('GET');
  });

  it('reset removes agents and created extensions, back to the demo data', async () => {
    await login(emu, 'a1', EXT[0]);
    await call(emu, 'POST', '/callcenter/extension', {
      type: 1,
      user: '222222',
      password: 'pw2222',
    });
    expect((await control(emu, 'reset', {})).json).toEqual({ ok: true });
    const dump = (await control(emu, 'state')).json as { agents: unknown[]; extensions: unknown[] };
    expect(dump.agents).toEqual([]);
    expect(dump.extensions).toHaveLength(5);
  });
});
