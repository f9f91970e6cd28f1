/**
 * SIP over WebSocket through an HTTP CONNECT proxy, for real on 127.0.0.1: a tiny proxy that
 * counts tunnels, and a WebSocket server standing in for the SIP edge.
 */
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { proxiedWebSocket } from '../../../src/lib/sip-ws/proxy';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

let edge: WebSocketServer;
let proxy: Server;
let tunnels: string[];
let refuse: boolean;
/** The Proxy-Authorization the proxy requires; null = none. */
let credentials: string | null;
const port = (server: { address(): AddressInfo | string | null }) =>
  (server.address() as AddressInfo).port;

beforeEach(async () => {
  tunnels = [];
  refuse = false;
  credentials = null;
  edge = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  edge.on('connection', (ws) => ws.on('message', (data) => ws.send(`echo ${String(data)}`)));
  await new Promise((resolve) => edge.once('listening', resolve));
  proxy = createServer();
  proxy.on('connect', (req, client, head) => {
    tunnels.push(req.url ?? '');
    const wanted = credentials && `Basic ${Buffer.from(credentials).toString('base64')}`;
    if (refuse || (wanted && req.headers['proxy-authorization'] !== wanted)) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
      return;
    }
    const [host, p] = (req.url ?? '').split(':');
    const upstream = connect(Number(p), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
});
afterEach(async () => {
  await new Promise((resolve) => edge.close(resolve));
  proxy.closeAllConnections();
  await new Promise((resolve) => proxy.close(resolve));
});

function open(proxyUrl: string | null, password: string | null = null) {
  const Ws = proxiedWebSocket(
    () => proxyUrl,
    () => password,
  );
  const ws = new Ws(`ws://127.0.0.1:${port(edge)}/sip`, 'sip');
  return new Promise<string>((resolve, reject) => {
    ws.once('open', () => ws.send('OPTIONS'));
    ws.once('message', (data) => {
      resolve(String(data));
      ws.close();
    });
    ws.once('error', reject);
  });
}

describe('SIP WebSocket through a configured proxy', () => {
  it('opens a CONNECT tunnel to the SIP edge and talks through it', async () => {
    expect(await open(`http://127.0.0.1:${port(proxy)}`)).toBe('echo OPTIONS');
    expect(tunnels).toEqual([`127.0.0.1:${port(edge)}`]);
  });

  it('goes direct when no proxy is configured', async () => {
    expect(await open(null)).toBe('echo OPTIONS');
    expect(tunnels).toEqual([]);
  });

  it('authenticates with the user in the URL and the password kept apart (a secret)', async () => {
    credentials = 'agent desk:pr0xy:S3cret';
    const url = `http://agent%20desk@127.0.0.1:${port(proxy)}`;
    expect(await open(url, 'pr0xy:S3cret')).toBe('echo OPTIONS');
    await expect(open(url, 'wrong')).rejects.toThrow(/refused the tunnel \(407\)/);
  });

  it('a proxy that refuses the tunnel is an error the line can report', async () => {
    refuse = true;
    await expect(open(`http://127.0.0.1:${port(proxy)}`)).rejects.toThrow(
      /refused the tunnel \(407\)/,
    );
  });
});
