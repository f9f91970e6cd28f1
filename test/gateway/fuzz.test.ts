/**
 * Bad input to the gateway (issue 12): well over 300 malformed requests — garbage, binary,
 * wrong-shaped and huge bodies, odd paths and methods, broken tokens and headers, and broken
 * HTTP on raw sockets. Each gets a clear 4xx (never a 5xx), within a bounded time, and the
 * gateway keeps serving.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXT, PASSWORDS, send, signIn, startRig, type Rig } from './helpers';

let rig: Rig;
let token: string;
let count = 0;
beforeAll(async () => {
  rig = await startRig({ ratePerSec: 0 });
  token = await signIn(rig, 'alice', PASSWORDS.alice);
});
afterAll(async () => {
  await rig?.close();
  expect(count).toBeGreaterThanOrEqual(300);
});

const garbage = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(
    '{',
    '[',
    '{"name":',
    'null',
    '[]',
    '0',
    '"x"',
    'true',
    '{"opts":',
    '\u0000',
    '{"name":{"$ne":1}}',
  ),
  fc.constant('['.repeat(30_000) + ']'.repeat(30_000)),
  fc.constant('{"a":'.repeat(10_000)),
  fc.constant('x'.repeat(70_000)),
  fc.constant('{"name":"alice","password":"' + 'p'.repeat(2000) + '"}'),
  fc.record({ name: fc.anything(), password: fc.anything() }).map((v) => JSON.stringify(v) ?? ''),
);

function expectClear4xx(r: { status: number; text: string }, what: string): void {
  count++;
  expect(r.status, `${what}: ${r.text.slice(0, 120)}`).toBeGreaterThanOrEqual(400);
  expect(r.status, what).toBeLessThan(500);
}

describe('gateway: malformed requests get a clear 4xx', () => {
  it('refuses garbage sign-in bodies', async () => {
    await fc.assert(
      fc.asyncProperty(garbage, async (raw) => {
        const r = await send(rig.gateway.origin, 'POST', '/v1/session', { raw });
        expectClear4xx(r, `sign-in ${JSON.stringify(raw.slice(0, 40))}`);
        expect(r.json?.code).toMatch(/^GW04/);
      }),
      { numRuns: 80 },
    );
  });

  it('refuses garbage bodies on every agent route', async () => {
    const paths = [
      '/callcenter/agent',
      '/callcenter/agent/alice/state',
      '/callcenter/agent/alice/skills',
      '/callcenter/agent/alice/extension',
    ];
    await fc.assert(
      fc.asyncProperty(garbage, fc.constantFrom(...paths), async (raw, path) => {
        const r = await send(rig.gateway.origin, 'POST', `/v1/platform${path}`, { raw, token });
        // Some garbage is valid JSON of the wrong shape: the gateway or the platform refuses it.
        if (r.status === 200) {
          count++;
          expect(r.json?.code).not.toBe('000000');
        } else expectClear4xx(r, `${path} ${JSON.stringify(raw.slice(0, 40))}`);
      }),
      { numRuns: 80 },
    );
  });

  it('refuses odd paths, methods, queries and tokens', async () => {
    const path = fc.oneof(
      fc.constantFrom(
        '/',
        '/v1',
        '/v1/',
        '/v1/platform',
        '/v1/platform/',
        '/v1/platform//callcenter/agent',
        '/v1/session/x',
        '/v1/platform/callcenter/agent/%',
        '/v1/platform/callcenter/agent/%E0%A4%A',
        '/v1/platform/callcenter/agent/',
        '/v1/platform/callcenter/agent/alice?force=maybe',
        '/v1/platform/callcenter/agent?pageNo=-1',
        '/v1/platform/callcenter/extension/',
        '/healthz/x',
        '/metrics?x',
        '/v1/platform/callcenter/agent/alice/keepalive/%2e%2e',
        `/v1/platform/callcenter/extension/${EXT[4]}`,
      ),
      fc.string({ maxLength: 60 }).map((s) => `/v1/platform/${encodeURIComponent(s)}`),
      fc.webPath().map((p) => `/v1/platform${p}`),
    );
    const method = fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS');
    const auth = fc.oneof(
      fc.constant(`Bearer ${token}`),
      fc.constantFrom(
        '',
        'Bearer',
        'Bearer ',
        'Basic YWxpY2U6eA==',
        `Bearer ${token}x`,
        `bearer ${token}`,
        `Bearer ${'a'.repeat(43)}`,
      ),
      fc.string({ maxLength: 80 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
    );
    await fc.assert(
      fc.asyncProperty(path, method, auth, async (p, m, a) => {
        const headers: Record<string, string> = a ? { Authorization: a } : {};
        const allowed = m === 'GET' && /^\/(healthz|metrics)($|\?)/.test(p);
        const r = await send(rig.gateway.origin, m, p, {
          headers,
          ...(m === 'POST' ? { raw: '{}' } : {}),
        });
        if (allowed || (r.status === 200 && a === `Bearer ${token}`)) {
          count++;
          expect(r.status).toBeLessThan(500);
        } else expectClear4xx(r, `${m} ${p} auth=${a.slice(0, 20)}`);
      }),
      { numRuns: 150 },
    );
  });

  it('answers broken HTTP on raw sockets with 4xx and closes, and keeps serving', async () => {
    const raws = [
      'GARBAGE\r\n\r\n',
      'GET / HTTP/9.9\r\n\r\n',
      'GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      'POST /v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`,
      'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
      '\u0000\u0001\u0002\r\n\r\n',
    ];
    for (const raw of raws) {
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = connect(rig.gateway.port, '127.0.0.1');
        let text = '';
        socket.setTimeout(5_000, () =>
          reject(new Error(`no answer to ${JSON.stringify(raw.slice(0, 30))}`)),
        );
        socket.on('data', (d) => (text += d.toString('latin1')));
        socket.on('close', () => resolve(text));
        socket.on('error', () => resolve(text));
        socket.end(raw);
      });
      count++;
      expect(reply, JSON.stringify(raw.slice(0, 30))).toMatch(/^HTTP\/1\.1 4\d\d /);
      // The status line's phrase goes with its code (not "431 Bad Request").
      if (raw.includes('X-Big'))
        expect(reply).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    }
    expect((await send(rig.gateway.origin, 'GET', '/healthz')).status).toBe(200);
    // A load balancer's HEAD check is answered like GET, without a body.
    const head = await send(rig.gateway.origin, 'HEAD', '/healthz');
    expect(head.status).toBe(200);
    for (const line of rig.logs) expect(line).not.toMatch(/"level":"error"/);
  });
});
