/**
 * Signature checks (docs/platform-api/agent-api.md §1): a correctly signed request passes; a missing header, a
 * wrong key, a tampered body, a stale or malformed Timestamp each get HTTP 401 with a plain-text
 * body naming the problem. With auth off nothing is checked. Controls never need signatures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTimestamp, signedHeaders } from '../../src/lib/platform/signing';
import { call, control, EXT, startTest, type TestEmulator } from './helpers';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTest({ auth: { appId: 'app1', certId: 'cert1', secretKey: 's3cret' } });
});
afterAll(() => emu.close());

const listPath = () => new URL(`${emu.baseUrl}/callcenter/agent`).pathname;

/** Headers for GET /callcenter/agent signed at `at` with `secret`. */
function signedGet(at = new Date(), secret = 's3cret') {
  return signedHeaders(
    { appId: 'app1', certId: 'cert1', secretKey: secret },
    'GET',
    listPath(),
    '',
    '',
    at,
  );
}

async function get(headers: Record<string, string>, query = '') {
  const res = await fetch(`${emu.baseUrl}/callcenter/agent${query}`, { headers });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    challenge: res.headers.get('www-authenticate'),
    text: await res.text(),
  };
}

function expect401(
  reply: { status: number; type: string | null; challenge: string | null; text: string },
  why: RegExp,
) {
  expect(reply.status).toBe(401);
  expect(reply.type).toMatch(/^text\/plain/);
  // The platform's server answers every 401 with this challenge (agent-api.md §1).
  expect(reply.challenge).toBe('Basic realm="Secure realm"');
  expect(reply.text).toMatch(why);
  expect(() => JSON.parse(reply.text)).toThrow();
}

describe('auth on', () => {
  it('accepts correctly signed GET, POST and DELETE requests', async () => {
    expect((await get(signedGet())).status).toBe(200);
    const login = await call(emu, 'POST', '/callcenter/agent', { name: 'a1', extension: EXT[0] });
    expect(login.json.code).toBe('000000');
    expect((await call(emu, 'DELETE', '/callcenter/agent/a1?force=true')).json.code).toBe('000000');
  });

  it('signs the path without the query string', async () => {
    const reply = await get(signedGet(), '?pageNo=1&pageSize=5');
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text)).toMatchObject({ code: '000000', data: { pageSize: 5 } });
  });

  it.each(['AppID', 'CertID', 'Timestamp', 'Signature'])('401 when %s is missing', async (name) => {
    const headers = signedGet();
    delete (headers as Record<string, string>)[name];
    expect401(await get(headers), new RegExp(`missing header.*${name}`));
  });

  it('401 with no headers at all', async () => {
    expect401(await get({}), /missing header AppID, CertID, Timestamp, Signature/);
  });

  it('401 for a signature made with another key', async () => {
    expect401(await get(signedGet(new Date(), 'wrong')), /signature mismatch/);
  });

  it('401 for unknown AppID or CertID', async () => {
    expect401(await get({ ...signedGet(), AppID: 'other' }), /unknown AppID/);
    expect401(await get({ ...signedGet(), CertID: 'other' }), /unknown CertID/);
  });

  it('401 when the body was changed after signing', async () => {
    const body = JSON.stringify({ name: 'a2', extension: EXT[0] });
    const headers = signedHeaders(
      { appId: 'app1', certId: 'cert1', secretKey: 's3cret' },
      'POST',
      listPath(),
      body,
      'application/json',
      new Date(),
    );
    const res = await fetch(`${emu.baseUrl}/callcenter/agent`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: body.replace('a2', 'a3'),
    });
    expect401(
      {
        status: res.status,
        type: res.headers.get('content-type'),
        challenge: res.headers.get('www-authenticate'),
        text: await res.text(),
      },
      /signature mismatch/,
    );
    expect((await control(emu, 'state')).json.agents).toEqual([]);
  });

  it('401 when the Content-Type differs from the one signed', async () => {
    const reply = await call(
      emu,
      'POST',
      '/callcenter/agent',
      { name: 'a2', extension: EXT[0] },
      {
        headers: { 'Content-Type': 'application/json;charset=UTF-8' },
      },
    );
    expect(reply.status).toBe(401);
  });

  it('refuses a Timestamp more than 5 minutes old; one from the future passes, as on the platform', async () => {
    const at = (minutes: number) => new Date(Date.now() + minutes * 60_000);
    expect((await get(signedGet(at(-4.5)))).status).toBe(200);
    expect((await get(signedGet(at(4.5)))).status).toBe(200);
    expect401(await get(signedGet(at(-6))), /more than 300 s old.*Asia\/Shanghai/);
    // RestAuthenticationProvider.expire: (now - ts) / 1000 > 300, one-sided.
    expect((await get(signedGet(at(6)))).status).toBe(200);
    expect((await get(signedGet(at(24 * 60)))).status).toBe(200);
  });

  it('honours a configured window', async () => {
    await control(emu, 'config', { timestampWindowSec: 10 });
    try {
      expect401(await get(signedGet(new Date(Date.now() - 20_000))), /more than 10 s old/);
      expect((await get(signedGet(new Date(Date.now() - 5_000)))).status).toBe(200);
    } finally {
      await control(emu, 'config', { timestampWindowSec: 300 });
    }
  });

  it.each(['2024-01-01 00:00:00', '20241301000000', 'now', ''])(
    '401 for the malformed Timestamp "%s"',
    async (timestamp) => {
      expect401(await get({ ...signedGet(), Timestamp: timestamp }), /malformed Timestamp/);
    },
  );

  it('checks before routing: an unsigned request to an unknown agent path is 401, not 404', async () => {
    const res = await fetch(`${emu.baseUrl}/callcenter/agent/x/unknown`);
    expect(res.status).toBe(401);
  });

  it('needs no signature for /emulator controls', async () => {
    expect((await control(emu, 'state')).status).toBe(200);
  });

  it('uses the injected clock for the window', async () => {
    const skewed = await startTest({
      auth: { appId: 'app1', certId: 'cert1', secretKey: 's3cret' },
      now: () => Date.now() - 3_600_000,
    });
    try {
      const at = new Date(Date.now() - 3_600_000);
      expect(formatTimestamp(at)).toMatch(/^\d{14}$/);
      const res = await fetch(`${skewed.baseUrl}/callcenter/agent`, { headers: signedGet(at) });
      expect(res.status).toBe(200);
    } finally {
      await skewed.close();
    }
  });
});

describe('auth off', () => {
  it('accepts unsigned requests and ignores signature headers', async () => {
    const open = await startTest({ auth: null });
    try {
      expect(open.credentials).toBeNull();
      const res = await fetch(`${open.baseUrl}/callcenter/agent`, {
        headers: { AppID: 'x', Signature: 'garbage', Timestamp: 'never' },
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { code: string }).code).toBe('000000');
    } finally {
      await open.close();
    }
  });

  it("generates fresh credentials by default and the client's signing satisfies them", async () => {
    const generated = await startTest();
    try {
      expect(generated.credentials).toMatchObject({
        appId: expect.stringMatching(/^[0-9a-f]{32}$/),
        certId: expect.stringMatching(/^[0-9a-f]{32}$/),
        secretKey: expect.any(String),
      });
      expect((await call(generated, 'GET', '/callcenter/agent')).status).toBe(200);
      expect(
        (await call(generated, 'GET', '/callcenter/agent', undefined, { unsigned: true })).status,
      ).toBe(401);
    } finally {
      await generated.close();
    }
  });
});
