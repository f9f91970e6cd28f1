/**
 * Hundreds of malformed requests — garbage and binary bodies, JSON of the wrong shape, huge and
 * deeply nested bodies, unknown paths, wrong methods, odd headers, broken HTTP on raw sockets.
 * The emulator must answer each with a well-formed refusal, never log an unexpected exception,
 * keep serving, and leave its state exactly as it was.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORM_CODES } from '../../src/shared/domain/errors';
import { call, code, control, EXT, login, startTest, type TestEmulator } from './helpers';

let emu: TestEmulator;
let before: unknown;

/** The state dump without the figures that move with time. */
async function snapshot(target: TestEmulator): Promise<unknown> {
  const dump = (await control(target, 'state')).json as {
    agents: Record<string, unknown>[];
    extensions: Record<string, unknown>[];
  };
  for (const a of dump.agents) {
    delete a.keepaliveAgeSec;
    delete a.stateAgeSec;
  }
  for (const e of dump.extensions) delete e.registrationExpiresInSec;
  return dump;
}

beforeAll(async () => {
  emu = await startTest({ auth: null });
  await login(emu, 'a1', EXT[0], { state: 'idle', skills: [{ name: '投诉', score: 80 }] });
  await login(emu, 'a2', EXT[1], { state: 'busy/x' });
  emu.store.forceState('a2', 'talking');
  await call(emu, 'POST', '/callcenter/extension', { type: 1, user: '999999', password: 'pw9999' });
  before = await snapshot(emu);
});
afterAll(() => emu.close());

const VALID_CODES = new Set<string>(Object.values(PLATFORM_CODES));

// Bodies that can never be a valid request for the endpoint they are sent to.
const garbage = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('{', '[', '{"name":', 'null', '[]', '0', '"x"', 'true', '{"opts":', '\u0000'),
  fc.constant('['.repeat(30_000) + ']'.repeat(30_000)),
  fc.constant('['.repeat(60_000)),
  fc.constant('{"a":'.repeat(10_000)),
  fc.constant('x'.repeat(70_000)), // over 64 KiB
);
const binary = fc.uint8Array({ maxLength: 300 }).map((b) => new Uint8Array(b));
const wrongTypes = fc.oneof(
  fc.record({ name: fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.string())) }),
  fc.record({ state: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.object()) }),
  fc.record({ id: fc.oneof(fc.integer(), fc.constant(''), fc.constant('   ')) }),
  fc.record({ opts: fc.oneof(fc.constant([]), fc.integer(), fc.string(), fc.object()) }),
  fc.record({
    opts: fc.array(
      fc.record({ opt: fc.oneof(fc.constant(null), fc.string(), fc.double()), name: fc.string() }),
      { minLength: 1, maxLength: 3 },
    ),
  }),
  fc.record({ type: fc.oneof(fc.string(), fc.constant(null)), user: fc.integer() }),
);
const body = fc.oneof(
  garbage.map((t): string | Uint8Array<ArrayBuffer> => t),
  binary,
  wrongTypes.map((v) => JSON.stringify(v)),
);

// Agents that exist get only bodies and queries that are refused; anything may go to others.
const agentName = fc.oneof(
  fc.constantFrom('a1', 'a2'),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.constantFrom('%zz', '%00', '..', '%2F', 'a1%2Fstate', '💥', '%E4%B8%AD'),
);
const path = fc.oneof(
  fc.constantFrom('/callcenter/agent', '/callcenter/extension'),
  agentName.map((n) => `/callcenter/agent/${n}`),
  fc
    .tuple(agentName, fc.constantFrom('keepalive', 'state', 'skills', 'extension', 'x', ''))
    .map(([n, s]) => `/callcenter/agent/${n}/${s}`),
  fc.string({ maxLength: 40 }).map((s) => `/callcenter/extension/${encodeURIComponent(s)}`),
  fc.webPath().map((p) => `/callcenter${p}`),
  fc.webPath(),
);
const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom('?pageNo=abc', '?pageSize=100000', '?pageNo=0', '?force=maybe', '?pageSize=-1'),
  fc.webQueryParameters().map((q) => `?${q}`),
);
const method = fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD');
const header = fc.constantFrom<Record<string, string>>(
  {},
  { 'Content-Type': 'application/json' },
  { 'Content-Type': 'text/plain' },
  { 'Content-Type': 'application/x-www-form-urlencoded' },
  { 'Content-Type': 'multipart/form-data; boundary=x' },
  { 'Content-Type': '' },
  { 'Content-Encoding': 'gzip' },
  { AppID: 'x', Signature: '!!!', Timestamp: '0' },
  { 'X-Weird': ' \t lots   of  space ' },
  { Accept: '*/*;q=0.1' },
);

function mutates(m: string, p: string, q: string): boolean {
  // A GET never changes anything but keepalive times (which the snapshot ignores); DELETE of an
  // existing agent with a valid force value would log it out legitimately.
  if (m !== 'DELETE') return false;
  const onAgent = /^\/callcenter\/agent\/a[12]$/.test(p);
  const onExtension = /^\/callcenter\/extension\/[0-9a-f]{32}$/.test(p);
  return (onAgent && !q.includes('force=maybe')) || onExtension;
}

describe('fuzz', () => {
  it('answers hundreds of malformed requests without crashing or changing state', async () => {
    let count = 0;
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(method, path, query, body, header, async (m, p, q, b, h) => {
        fc.pre(!mutates(m, p, q));
        count++;
        const withBody = m !== 'GET' && m !== 'HEAD';
        const res = await fetch(`${emu.baseUrl}${p}${q}`, {
          method: m,
          headers: h,
          body: withBody ? b : undefined,
        });
        const text = await res.text();
        expect([200, 404, 405, 413]).toContain(res.status);
        seen.add(String(res.status));
        if (res.status === 200 && m !== 'HEAD') {
          const envelope = JSON.parse(text) as { code: string; msg: string; data: unknown };
          expect(VALID_CODES.has(envelope.code)).toBe(true);
          seen.add(envelope.code);
          if (envelope.code !== '000000') expect(envelope.data).toBeNull();
          // Nothing the fuzzer sends may succeed in changing anything.
          if (m === 'POST') expect(envelope.code).not.toBe('000000');
        } else if (res.status !== 200) {
          expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
        }
      }),
      { numRuns: 400, seed: 20261124 },
    );
    expect(count).toBeGreaterThan(300);
    // It reached the parsers and the rules, not only the router.
    for (const outcome of ['404', '405', '413', '000001', '000002', '040202']) {
      expect(seen).toContain(outcome);
    }
    expect(emu.logs).toEqual([]);
    expect(await code(call(emu, 'GET', '/callcenter/agent/a1/keepalive'))).toBe('000000');
    expect(await snapshot(emu)).toEqual(before);
  });

  it('survives broken HTTP on raw sockets', async () => {
    const { port } = emu;
    const payloads: (string | Buffer)[] = [
      'GET / HTTP/1.1\r\nContent-Length: abc\r\n\r\n',
      'POST /x HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello',
      'POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nnot-a-chunk\r\n',
      `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      `GET / HTTP/1.1\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
      'GET / HTTP/1.1\r\nBad\u0000Header: x\r\n\r\n',
      'BREW /coffee HTCPCP/1.0\r\n\r\n',
      'GET /\r\n\r\n',
      `POST ${new URL(emu.baseUrl).pathname}/callcenter/agent HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"name":`,
      Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03]), // TLS hello
      Buffer.alloc(5000, 0xff),
      '\r\n\r\n\r\n',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom(...payloads), fc.uint8Array({ maxLength: 2000 }).map(Buffer.from)),
        async (payload) => {
          await new Promise<void>((resolve) => {
            const socket = connect(port, '127.0.0.1');
            const done = () => {
              clearTimeout(timer);
              socket.destroy();
              resolve();
            };
            const timer = setTimeout(done, 300);
            socket.on('error', done);
            socket.on('close', done);
            socket.on('data', () => undefined);
            socket.write(payload);
          });
        },
      ),
      { numRuns: 40, seed: 7 },
    );
    expect(emu.logs).toEqual([]);
    expect(await code(call(emu, 'GET', '/callcenter/agent/a2'))).toBe('000000');
    expect(await snapshot(emu)).toEqual(before);
  });

  it('with auth on, every unsigned or badly signed request is a 401 and nothing changes', async () => {
    const signed = await startTest();
    try {
      const start = await snapshot(signed);
      await fc.assert(
        fc.asyncProperty(method, path, body, header, async (m, p, b, h) => {
          const withBody = m !== 'GET' && m !== 'HEAD';
          const res = await fetch(`${signed.baseUrl}${p}`, {
            method: m,
            headers: h,
            body: withBody ? b : undefined,
          });
          await res.arrayBuffer();
          expect([401, 404, 413]).toContain(res.status);
        }),
        { numRuns: 100, seed: 99 },
      );
      expect(await snapshot(signed)).toEqual(start);
      expect(signed.logs).toEqual([]);
    } finally {
      await signed.close();
    }
  });
});
