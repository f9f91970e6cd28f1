/**
 * The node:http transport against real servers on 127.0.0.1: the agent gets the same errors as
 * over Node's own fetch, connections are reused, and a pooled connection the server closed
 * meanwhile does not cost a read-back.
 */
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Server as TcpServer, Socket } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PlatformClient } from '../../../src/lib/platform/client';
import type { PlatformResult } from '../../../src/lib/platform/client';
import { createNodeTransport } from '../../../src/lib/platform/node-transport';
import type { AppError } from '../../../src/shared/domain/errors';
import { answerWith, refusedPort, startRawServer } from './raw-server';
import type { Answer, RawServer } from './raw-server';

const transport = createNodeTransport();
afterAll(() => transport.close());

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
  closers = [];
});

async function serve(answer: Answer): Promise<RawServer> {
  const server = await startRawServer(answer);
  closers.push(() => server.close());
  return server;
}

function errorOf<T>(result: PlatformResult<T>): AppError {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error;
}

/**
 * What the agent and the diagnostics see; undici names a closed socket UND_ERR_SOCKET where
 * node:http gives the socket's own code (ECONNRESET).
 */
function seenByAgent(error: AppError): AppError {
  const detail = error.detail?.replace(/UND_ERR_SOCKET|ECONNRESET/, '(socket closed)');
  return { ...error, ...(detail !== undefined ? { detail } : {}) };
}

const AGENT = { name: 'a1', extension: 'e1', state: 'idle', skills: [] };

describe('the same errors as global fetch', () => {
  it.each<[string, Answer]>([
    ['no answer', () => undefined],
    [
      'headers, then a stalled body',
      (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"code":"000000",');
      },
    ],
    ['a reset before any answer', (req) => req.socket.destroy()],
    [
      'a body cut off before its declared length',
      (req, res) => {
        res.writeHead(200, { 'Content-Length': '100' });
        res.write('{"code":"000000"', () => req.socket.destroy());
      },
    ],
    ['HTML with 200', answerWith(200, '<html>login</html>', 'text/html')],
    ['a 503 page', answerWith(503, '<h1>Service Unavailable</h1>', 'text/html')],
    ['a 401 text', answerWith(401, 'signature mismatch', 'text/plain')],
    ['invalid UTF-8', answerWith(200, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))],
    [
      'a redirect',
      (_req, res) => res.writeHead(302, { Location: 'http://127.0.0.1:1/elsewhere' }).end(),
    ],
    ['no content', (_req, res) => res.writeHead(204).end()],
  ])('%s', async (_label, answer) => {
    const server = await serve(answer);
    const over = (options: { transport?: typeof transport }) =>
      new PlatformClient({ baseUrl: server.baseUrl, timeoutMs: 300, ...options });
    const expected = seenByAgent(errorOf(await over({}).keepalive('a1')));
    expect(seenByAgent(errorOf(await over({ transport }).keepalive('a1')))).toEqual(expected);
  });

  it('a refused port', async () => {
    const baseUrl = `http://127.0.0.1:${await refusedPort()}/v1/account/ACC`;
    const expected = errorOf(await new PlatformClient({ baseUrl }).keepalive('a1'));
    expect(expected.detail).toContain('ECONNREFUSED');
    const error = errorOf(await new PlatformClient({ baseUrl, transport }).keepalive('a1'));
    expect(error).toEqual(expected);
  });

  it('a base URL that is not http(s)', async () => {
    const baseUrl = 'ftp://127.0.0.1/v1/account/ACC';
    const expected = errorOf(await new PlatformClient({ baseUrl }).keepalive('a1'));
    expect(errorOf(await new PlatformClient({ baseUrl, transport }).keepalive('a1'))).toEqual(
      expected,
    );
  });

  it('a reply that starts with a UTF-8 byte-order mark reads as without it', async () => {
    const json = JSON.stringify({ code: '000000', msg: null, data: AGENT });
    const server = await serve(
      answerWith(200, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)])),
    );
    for (const [label, options] of [
      ['global fetch', {}],
      ['the transport', { transport }],
    ] as const) {
      const agent = await new PlatformClient({ baseUrl: server.baseUrl, ...options }).getAgent(
        'a1',
      );
      expect(agent, label).toMatchObject({ ok: true, value: { name: 'a1', state: 'idle' } });
    }
  });

  it('a timeout while the body streams is a timeout, not a failure to connect', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200);
      res.write('{');
    });
    const reply = await transport(new URL(`${server.baseUrl}/x`), {
      method: 'GET',
      headers: {},
      signal: AbortSignal.timeout(100),
      maxBytes: 1024,
    });
    expect(reply).toMatchObject({ status: 200, unreadable: { name: 'TimeoutError' } });
  });
});

/** A keep-alive HTTP/1.1 server that counts connections; `drop(n)` resets the nth request. */
async function countingServer(drop: (n: number) => boolean = () => false) {
  const sockets = new Set<Socket>();
  let connections = 0;
  let requests = 0;
  const body = JSON.stringify({ code: '000000', msg: null, data: AGENT });
  const server: TcpServer = createTcpServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffered.slice(0, end);
        const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        buffered = buffered.slice(end + 4 + length);
        requests += 1;
        // A server that closed an idle connection: the request finds it gone.
        if (drop(requests)) return void socket.resetAndDestroy();
        socket.write(
          `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n` +
            `Connection: keep-alive\r\n\r\n${body}`,
        );
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  closers.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((done) => server.close(() => done()));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1/account/ACC`,
    connections: () => connections,
    requests: () => requests,
  };
}

/** A client over a transport of its own (closed after the test). */
function clientOn(server: { baseUrl: string }, idleMs?: number): PlatformClient {
  const own = createNodeTransport(idleMs === undefined ? {} : { idleMs });
  closers.push(async () => own.close());
  return new PlatformClient({ baseUrl: server.baseUrl, transport: own });
}

describe('connections', () => {
  it('read-backs in a row share one connection', async () => {
    const server = await countingServer();
    const client = clientOn(server);
    for (let i = 0; i < 5; i++) expect((await client.getAgent('a1')).ok).toBe(true);
    expect(server.connections()).toBe(1);
  });

  it('a read-back on a connection the server dropped is sent again on a new one', async () => {
    const server = await countingServer((n) => n === 2);
    const client = clientOn(server);
    expect((await client.getAgent('a1')).ok).toBe(true);
    expect((await client.getAgent('a1')).ok).toBe(true);
    expect(server.requests()).toBe(3);
    expect(server.connections()).toBe(2);
  });

  it('a state change is never sent twice: the dropped connection is reported', async () => {
    const server = await countingServer((n) => n === 2);
    const client = clientOn(server);
    expect((await client.getAgent('a1')).ok).toBe(true);
    expect(errorOf(await client.setState('a1', 'busy')).code).toBe('transport');
    expect(server.requests()).toBe(2);
  });

  it('idle connections are closed after idleMs', async () => {
    const server = await countingServer();
    const client = clientOn(server, 50);
    expect((await client.getAgent('a1')).ok).toBe(true);
    await new Promise((done) => setTimeout(done, 200));
    expect((await client.getAgent('a1')).ok).toBe(true);
    expect(server.connections()).toBe(2);
  });
});
