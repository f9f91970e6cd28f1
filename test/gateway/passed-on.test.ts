/**
 * What the gateway passes between an agent and the platform: only what it checked.
 *
 * The extension list through the gateway never carries a SIP password, whatever shape of reply
 * the platform sends. The gateway used to find the envelope's code with a pattern over the
 * reply's first 200 characters and strip passwords only when it read 000000: a platform writing
 * `code` after `data` (valid JSON, the same envelope) handed every extension's password to any
 * signed-in agent, who could then register as a colleague's phone.
 *
 * A request body reaches the platform rebuilt from what the gateway checked. It used to forward
 * the text as received: a duplicate key (JSON.parse keeps the last, another parser the first)
 * or a key in another case could set what the check had refused (an agent's own skills).
 *
 * A bare HTTP server plays the platform here, answering every request with the reply a test
 * sets and keeping the bodies it was sent.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Admin } from '../../src/gateway/admin';
import { startGateway } from '../../src/gateway/index';
import { openStore } from '../../src/gateway/store/open';
import type { GatewayStore } from '../../src/gateway/store/port';
import { collectingLogger, send, TEST_SCRYPT } from './helpers';

const LIST = '/v1/platform/callcenter/extension?pageNo=1&pageSize=20';
const items = Array.from({ length: 20 }, (_, i) => ({
  id: `e${i}`,
  user: `80010${i}`,
  password: `sipSecret${i}`,
}));

let reply = { status: 200, body: '' };
let received: string[] = [];
let upstream: Server;
let dir: string;
let store: GatewayStore;
let gateway: Awaited<ReturnType<typeof startGateway>>;
let token: string;

beforeEach(async () => {
  received = [];
  upstream = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      received.push(text);
      res.writeHead(reply.status, { 'Content-Type': 'application/json' });
      res.end(reply.body);
    });
  });
  await new Promise<void>((done) => upstream.listen(0, '127.0.0.1', done));
  const port = (upstream.address() as { port: number }).port;
  dir = mkdtempSync(join(tmpdir(), 'agent-desktop-gw-ext-'));
  store = await openStore(join(dir, 'gateway.db'));
  await new Admin(store, { scrypt: TEST_SCRYPT }).add('alice', 'alice-pass-1', ['e1']);
  gateway = await startGateway({
    platformUrl: `http://127.0.0.1:${port}/v1/account/A`,
    credentials: { appId: 'a', certId: 'c', secretKey: 's' },
    database: store,
    logger: collectingLogger([]),
  });
  const signedIn = await send(gateway.origin, 'POST', '/v1/session', {
    body: { name: 'alice', password: 'alice-pass-1' },
  });
  token = (signedIn.json!.data as { token: string }).token;
});
afterEach(async () => {
  await gateway.close();
  await store.close();
  await new Promise((done) => upstream.close(done));
  rmSync(dir, { recursive: true, force: true });
});

describe('the extension list through the gateway', () => {
  it('has no password when the platform writes `code` after `data`', async () => {
    reply = {
      status: 200,
      body: JSON.stringify({ data: { result: items }, msg: '请求成功', code: '000000' }),
    };
    const r = await send(gateway.origin, 'GET', LIST, { token });
    expect(r.status).toBe(200);
    expect(r.text).not.toContain('sipSecret');
    const page = r.json as { code: string; data: { result: object[] } };
    expect(page.code).toBe('000000');
    expect(page.data.result).toHaveLength(20);
    expect(page.data.result[0]).toEqual({ id: 'e0', user: '800100' });
  });

  it('has no password in an error reply, nor in a list of another shape', async () => {
    reply = {
      status: 200,
      body: JSON.stringify({ code: '000002', msg: '未知错误', data: { items, Password: 'x1' } }),
    };
    const r = await send(gateway.origin, 'GET', LIST, { token });
    expect(r.text).not.toContain('sipSecret');
    expect(r.text).not.toContain('x1');
    expect(r.json).toMatchObject({ code: '000002' });
  });

  it('a reply it cannot read is refused, not passed on', async () => {
    reply = { status: 200, body: `{"data":{"result":[{"password":"sipSecret0"}]}` };
    const r = await send(gateway.origin, 'GET', LIST, { token });
    expect(r.text).not.toContain('sipSecret');
    expect(r.json).toMatchObject({ code: 'GW0502' });
  });
});

describe('a request body through the gateway', () => {
  const OK = JSON.stringify({ code: '000000', msg: '请求成功', data: null });

  it('a login with its skills key twice reaches the platform as checked: no skills', async () => {
    reply = { status: 200, body: OK };
    const raw =
      '{"name":"alice","extension":"e1","skills":[{"name":"vip","score":100}],"skills":[]}';
    const r = await send(gateway.origin, 'POST', '/v1/platform/callcenter/agent', {
      token,
      raw,
    });
    expect(r.status).toBe(200);
    expect(received.map((body) => JSON.parse(body) as unknown)).toEqual([
      { name: 'alice', extension: 'e1', skills: [] },
    ]);
    expect(received[0]).not.toContain('vip');
  });

  it('keys the route does not know, in any case, are left out', async () => {
    reply = { status: 200, body: OK };
    const raw = '{"name":"alice","extension":"e1","Skills":[{"name":"vip"}],"NAME":"bob"}';
    await send(gateway.origin, 'POST', '/v1/platform/callcenter/agent', { token, raw });
    await send(gateway.origin, 'POST', '/v1/platform/callcenter/agent/alice/state', {
      token,
      raw: '{"state":"idle","State":"busy","agent":"bob"}',
    });
    expect(received.map((body) => JSON.parse(body) as unknown)).toEqual([
      { name: 'alice', extension: 'e1' },
      { state: 'idle' },
    ]);
  });
});
