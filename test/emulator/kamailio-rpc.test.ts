/**
 * Kamailio's JSON-RPC (over its xhttp listener) as the emulator and the tests call it: a
 * kept-alive connection Kamailio has closed meanwhile must not fail the call. Node's fetch reuses
 * the idle socket and gets "other side closed" before any reply; that read is sent again once.
 * Against a plain HTTP server that drops a request's connection without answering.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { kamailioRpc } from '../../src/emulator/sip/kamailio-usrloc';

let server: Server | null = null;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(null));
  server = null;
});

/** Answers `{result: n}` (n = the request's number), but drops the connections of `dropped`. */
async function rpcServer(dropped: number[]): Promise<{ url: string; requests: () => number }> {
  let count = 0;
  server = createServer((req, res) => {
    const n = ++count;
    req.resume();
    req.on('end', () => {
      if (dropped.includes(n)) return void req.socket.destroy();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ jsonrpc: '2.0', result: n, id: 1 }));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/RPC`, requests: () => count };
}

describe('kamailioRpc', () => {
  it('a connection closed before the reply is tried once more', async () => {
    const rpc = await rpcServer([1]);
    expect(await kamailioRpc(rpc.url, 'ul.dump')).toMatchObject({ result: 2 });
    expect(rpc.requests()).toBe(2);
  });

  it('twice closed: the failure is the caller’s, not a loop', async () => {
    const rpc = await rpcServer([1, 2, 3]);
    await expect(kamailioRpc(rpc.url, 'ul.dump')).rejects.toThrow('fetch failed');
    expect(rpc.requests()).toBe(2);
  });
});
