/**
 * The client against raw servers that answer garbage: every failure becomes a typed error,
 * never a throw. Also pins what goes on the wire: headers, signature, paths, paging.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  isSessionLost,
  JSON_CONTENT_TYPE,
  MAX_REPLY_BYTES,
  PlatformClient,
} from '../../../src/lib/platform/client';
import type { PlatformClientOptions, PlatformResult } from '../../../src/lib/platform/client';
import { createNodeTransport } from '../../../src/lib/platform/node-transport';
import { fetchTransport } from '../../../src/lib/platform/transport';
import { describeError, PLATFORM_MESSAGES } from '../../../src/shared/domain/errors';
import type { AppError } from '../../../src/shared/domain/errors';
import { expectedSignature } from './openssl-signer';
import { answerEnvelope, answerWith, refusedPort, startRawServer } from './raw-server';
import type { Answer, RawServer } from './raw-server';

const CREDENTIALS = { appId: 'app-1', certId: 'cert-1', secretKey: 's3cret-密钥' };
// 2024-05-06 07:08:09 on the platform's clock (Asia/Shanghai, UTC+8), whatever this machine's zone.
const NOW = new Date(Date.UTC(2024, 4, 5, 23, 8, 9));

let servers: RawServer[] = [];

afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function serve(answer: Answer): Promise<RawServer> {
  const server = await startRawServer(answer);
  servers.push(server);
  return server;
}

function errorOf<T>(result: PlatformResult<T>): AppError {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error;
}

const nodeTransport = createNodeTransport();
afterAll(() => nodeTransport.close());

// Every transport the client runs on must give the agent the same errors.
const TRANSPORTS: [string, Partial<PlatformClientOptions>][] = [
  ['global fetch', {}],
  ['the node:http transport', { transport: nodeTransport }],
];

describe.each(TRANSPORTS)('over %s', (_label, transport) => {
  function clientFor(server: RawServer, options: Partial<PlatformClientOptions> = {}) {
    return new PlatformClient({
      baseUrl: server.baseUrl,
      now: () => NOW,
      ...transport,
      ...options,
    });
  }

  describe('what goes on the wire', () => {
    it('signs a JSON body exactly as sent, with the full path and the sent content type', async () => {
      const server = await serve(answerEnvelope('000000', '请求成功'));
      const client = clientFor(server, { credentials: CREDENTIALS });
      expect(await client.setState('a1', 'busy/维修单录入/加急')).toEqual({
        ok: true,
        value: null,
      });

      const [req] = server.received;
      expect(req!.method).toBe('POST');
      expect(req!.url).toBe('/v1/account/ACC/callcenter/agent/a1/state');
      expect(req!.headers['content-type']).toBe(JSON_CONTENT_TYPE);
      expect(req!.body.toString('utf8')).toBe('{"state":"busy/维修单录入/加急"}');
      expect(req!.headers['appid']).toBe('app-1');
      expect(req!.headers['certid']).toBe('cert-1');
      expect(req!.headers['timestamp']).toBe('20240506070809');
      expect(req!.headers['signature']).toBe(
        expectedSignature(CREDENTIALS.secretKey, {
          method: 'POST',
          path: '/v1/account/ACC/callcenter/agent/a1/state',
          body: req!.body.toString('utf8'),
          contentType: JSON_CONTENT_TYPE,
          timestamp: '20240506070809',
          appId: 'app-1',
        }),
      );
    });

    it('signs DELETE without body lines and without the query string', async () => {
      const server = await serve(answerEnvelope('000000', '请求成功'));
      const client = clientFor(server, { credentials: CREDENTIALS });
      expect((await client.logout('a1', { force: true })).ok).toBe(true);

      const [req] = server.received;
      expect(req!.method).toBe('DELETE');
      expect(req!.url).toBe('/v1/account/ACC/callcenter/agent/a1?force=true');
      expect(req!.headers['content-type']).toBeUndefined();
      expect(req!.body.length).toBe(0);
      expect(req!.headers['signature']).toBe(
        expectedSignature(CREDENTIALS.secretKey, {
          method: 'DELETE',
          path: '/v1/account/ACC/callcenter/agent/a1',
          body: '',
          contentType: '',
          timestamp: '20240506070809',
          appId: 'app-1',
        }),
      );
    });

    it('encodes path segments and signs the encoded path', async () => {
      const server = await serve(answerEnvelope('000000', '请求成功'));
      const client = clientFor(server, { credentials: CREDENTIALS });
      await client.keepalive('a b/中?');

      const [req] = server.received;
      const path = '/v1/account/ACC/callcenter/agent/a%20b%2F%E4%B8%AD%3F/keepalive';
      expect(req!.url).toBe(path);
      expect(req!.headers['signature']).toBe(
        expectedSignature(CREDENTIALS.secretKey, {
          method: 'GET',
          path,
          body: '',
          contentType: '',
          timestamp: '20240506070809',
          appId: 'app-1',
        }),
      );
    });

    it('sends no auth headers without credentials, and ignores a trailing slash', async () => {
      const server = await serve(answerEnvelope('000000', '请求成功'));
      const client = new PlatformClient({
        baseUrl: `${server.baseUrl}/`,
        credentials: null,
        ...transport,
      });
      expect((await client.login({ name: 'a1', extension: 'e1' })).ok).toBe(true);

      const [req] = server.received;
      expect(req!.url).toBe('/v1/account/ACC/callcenter/agent');
      expect(req!.headers['content-type']).toBe(JSON_CONTENT_TYPE);
      expect(JSON.parse(req!.body.toString('utf8'))).toEqual({ name: 'a1', extension: 'e1' });
      for (const header of ['appid', 'certid', 'timestamp', 'signature']) {
        expect(req!.headers[header]).toBeUndefined();
      }
    });

    it('never asks for more than 1000 per page, nor for a page below 1', async () => {
      const page = {
        pageSize: 1000,
        startIndex: 1,
        totalCount: 1,
        totalPageCount: 1,
        currentPageNo: 1,
      };
      const server = await serve(
        answerEnvelope('000000', '请求成功', {
          ...page,
          result: [{ name: 'a1', num: null, state: null, extension: null, skills: null }],
        }),
      );
      const client = clientFor(server);
      const agents = await client.listAgents({ pageNo: 0, pageSize: 5000 });
      await client.listExtensions({ pageNo: 3, pageSize: 1001 });
      await client.listAgents({ pageNo: Number.NaN, pageSize: Number.NaN });

      expect(server.received.map((r) => r.url)).toEqual([
        '/v1/account/ACC/callcenter/agent?pageNo=1&pageSize=1000',
        '/v1/account/ACC/callcenter/extension?pageNo=3&pageSize=1000',
        '/v1/account/ACC/callcenter/agent?pageNo=1&pageSize=20',
      ]);
      // Nulls from the platform are normalised for the rest of the app.
      expect(agents).toEqual({
        ok: true,
        value: {
          ...page,
          result: [{ name: 'a1', num: null, state: null, extension: null, skills: [] }],
        },
      });
    });
  });

  describe('typed errors', () => {
    it.each<[string, Answer, string]>([
      [
        'HTML with 200',
        answerWith(200, '<html><body>Gateway login</body></html>', 'text/html'),
        'not JSON',
      ],
      ['an empty body', answerWith(200, ''), 'not JSON: (empty)'],
      ['truncated JSON', answerWith(200, '{"code":"000000","msg":"请求'), 'not JSON'],
      ['JSON that is no envelope', answerWith(200, '{"status":"ok"}'), 'not an envelope'],
      ['a numeric code', answerWith(200, '{"code":0,"msg":"ok","data":null}'), 'not an envelope'],
      ['a JSON array', answerWith(200, '[1,2,3]'), 'not an envelope'],
      ['invalid UTF-8', answerWith(200, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 'not valid UTF-8'],
    ])('%s → malformed-reply', async (_label, answer, detail) => {
      const server = await serve(answer);
      const error = errorOf(await clientFor(server).keepalive('a1'));
      expect(error.code).toBe('malformed-reply');
      expect(error.detail).toContain(detail);
    });

    it('data that does not match the schema → malformed-reply', async () => {
      const server = await serve(
        answerEnvelope('000000', '请求成功', { name: 42, skills: 'many' }),
      );
      const client = clientFor(server);
      expect(errorOf(await client.getAgent('a1')).code).toBe('malformed-reply');
      expect(errorOf(await client.listAgents({ pageNo: 1, pageSize: 20 })).code).toBe(
        'malformed-reply',
      );
      expect(errorOf(await client.getExtension('e1')).code).toBe('malformed-reply');
    });

    it('success without data where data is needed → malformed-reply', async () => {
      const server = await serve(answerEnvelope('000000', '请求成功', null));
      expect(errorOf(await clientFor(server).getAgent('a1')).code).toBe('malformed-reply');
    });

    it('a known platform code carries the platform message', async () => {
      const server = await serve(answerEnvelope('040202', '座席不存在'));
      const error = errorOf(await clientFor(server).keepalive('a1'));
      expect(error).toEqual({ code: '040202', message: '座席不存在' });
      expect(isSessionLost(error)).toBe(true);
    });

    it('a known platform code without msg falls back to the known message', async () => {
      const server = await serve(answerWith(200, '{"code":"040203"}'));
      expect(errorOf(await clientFor(server).setState('a1', 'idle'))).toEqual({
        code: '040203',
        message: PLATFORM_MESSAGES['040203'],
      });
    });

    it('an unknown code → platform-other with the platform msg and the code as detail', async () => {
      const server = await serve(answerEnvelope('050505', '新的错误'));
      expect(errorOf(await clientFor(server).getAgent('a1'))).toEqual({
        code: 'platform-other',
        message: '新的错误',
        detail: '050505',
      });
    });

    it('HTTP 401 with a text body → auth-failed with the text', async () => {
      const server = await serve(answerWith(401, 'signature mismatch', 'text/plain'));
      const error = errorOf(await clientFor(server, { credentials: CREDENTIALS }).keepalive('a1'));
      expect(error.code).toBe('auth-failed');
      expect(error.detail).toBe('signature mismatch');
      expect(isSessionLost(error)).toBe(false);
    });

    it.each([500, 502, 503, 404])('HTTP %i → http-error, not "cannot reach"', async (status) => {
      const server = await serve(answerWith(status, '<h1>Service Unavailable</h1>', 'text/html'));
      const error = errorOf(await clientFor(server).keepalive('a1'));
      // The platform was reached and answered: the sentence must not say it cannot be reached.
      expect(error.code).toBe('http-error');
      expect(describeError(error, 'en')).not.toMatch(/cannot reach/i);
      expect(describeError(error, 'en')).toMatch(/reached but answered with an error/);
      expect(error.detail).toBe(`HTTP ${status} <h1>Service Unavailable</h1>`);
    });

    describe('through the agent gateway', () => {
      const gatewayClient = (server: RawServer) => clientFor(server, { bearerToken: () => 'tok' });
      const refusal = (status: number, code: string, msg: string) =>
        answerWith(status, JSON.stringify({ code, msg, data: null }));

      it.each([
        [502, 'GW0502', 'the platform could not be reached'],
        [504, 'GW0504', 'the platform did not answer in time'],
        [503, 'GW0503', 'the gateway could not serve this request; try again'],
        [429, 'GW0429', 'too many requests; slow down'],
      ])("HTTP %i %s → gateway-trouble, said as the gateway's", async (status, code, msg) => {
        const server = await serve(refusal(status, code, msg));
        const error = errorOf(await gatewayClient(server).keepalive('a1'));
        // Passing trouble (retried, may have been applied), never "the platform answered".
        expect(error.code).toBe('gateway-trouble');
        expect(error.detail).toBe(`HTTP ${status} ${msg} (${code})`);
        expect(describeError(error, 'en')).toMatch(/agent gateway could not get the request/);
        expect(describeError(error, 'en')).not.toMatch(/platform was reached/);
      });

      it("the gateway's refusal keeps its sentence; a proxy's page is an HTTP error", async () => {
        const refused = await serve(refusal(403, 'GW0403', 'not this agent'));
        expect(errorOf(await gatewayClient(refused).keepalive('a1'))).toEqual({
          code: 'platform-other',
          message: 'not this agent (GW0403)',
          detail: 'HTTP 403',
        });
        const proxy = await serve(answerWith(502, '<h1>Bad Gateway</h1>', 'text/html'));
        expect(errorOf(await gatewayClient(proxy).keepalive('a1')).code).toBe('http-error');
      });
    });

    it('a redirect is reported, not followed', async () => {
      const server = await serve((_req, res) => {
        res.writeHead(302, { Location: 'http://127.0.0.1:1/elsewhere' });
        res.end();
      });
      const error = errorOf(await clientFor(server).keepalive('a1'));
      expect(error).toMatchObject({ code: 'http-error', detail: 'HTTP 302' });
      expect(server.received).toHaveLength(1);
    });

    it('no answer within timeoutMs → timeout', async () => {
      const server = await serve(() => undefined);
      const started = Date.now();
      const error = errorOf(await clientFor(server, { timeoutMs: 200 }).keepalive('a1'));
      expect(error.code).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('headers then a stalled body → timeout', async () => {
      const server = await serve((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"code":"000000",');
      });
      expect(errorOf(await clientFor(server, { timeoutMs: 200 }).keepalive('a1')).code).toBe(
        'timeout',
      );
    });

    it('connection reset before any answer → transport', async () => {
      const server = await serve((req) => req.socket.destroy());
      const error = errorOf(await clientFor(server).keepalive('a1'));
      expect(error.code).toBe('transport');
    });

    it('a body cut off before its declared length → malformed-reply', async () => {
      const server = await serve((req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
        res.write('{"code":"000000"', () => req.socket.destroy());
      });
      const error = errorOf(await clientFor(server).keepalive('a1'));
      expect(error.code).toBe('malformed-reply');
      expect(error.detail).toContain('reply unreadable');
    });

    it('a refused port → transport', async () => {
      const port = await refusedPort();
      const client = new PlatformClient({
        baseUrl: `http://127.0.0.1:${port}/v1/account/ACC`,
        ...transport,
      });
      const error = errorOf(await client.keepalive('a1'));
      expect(error.code).toBe('transport');
      expect(error.detail).toContain('ECONNREFUSED');
    });

    it('a reply declared larger than the cap → malformed-reply', async () => {
      const server = await serve(answerWith(200, Buffer.alloc(MAX_REPLY_BYTES + 1, 0x20)));
      const error = errorOf(await clientFor(server).keepalive('a1'));
      expect(error.code).toBe('malformed-reply');
      expect(error.detail).toContain('larger than');
    });

    it('a streamed reply growing past the cap → malformed-reply', async () => {
      const server = await serve((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        for (let i = 0; i < 6; i++) res.write(chunk);
        res.end('{}');
      });
      const error = errorOf(await clientFor(server).keepalive('a1'));
      expect(error.code).toBe('malformed-reply');
      expect(error.detail).toContain('larger than');
    });

    it('an invalid base URL or a fetch that throws anything → transport', async () => {
      expect(errorOf(await new PlatformClient({ baseUrl: 'not a url' }).keepalive('a1')).code).toBe(
        'transport',
      );
      const throwing = new PlatformClient({
        baseUrl: 'http://127.0.0.1:9/v1/account/ACC',
        transport: fetchTransport(() => Promise.reject('a string, not an Error')),
      });
      expect(errorOf(await throwing.keepalive('a1'))).toMatchObject({
        code: 'transport',
        detail: 'a string, not an Error',
      });
    });
  });
});

describe('isSessionLost', () => {
  it('is true only for 040202 and 040204', () => {
    expect(isSessionLost({ code: '040202', message: '' })).toBe(true);
    expect(isSessionLost({ code: '040204', message: '' })).toBe(true);
    for (const code of [
      '040201',
      '040203',
      '000001',
      'transport',
      'timeout',
      'auth-failed',
    ] as const) {
      expect(isSessionLost({ code, message: '' })).toBe(false);
    }
  });
});
