/**
 * A loopback TCP relay in front of a SIP server, to make the network misbehave on purpose:
 * `freeze` keeps the open connections but stops carrying their bytes (a silent network loss that
 * only keepalives notice); `cut` resets them. New connections are relayed normally.
 */
import { connect, createServer } from 'node:net';
import type { Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Connections accepted so far. */
  accepted(): number;
  freeze(): void;
  cut(): void;
  close(): Promise<void>;
}

/** Starts relaying 127.0.0.1:<ephemeral> → 127.0.0.1:`targetPort`. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  const frozen = new Set<[Socket, Socket]>();
  let accepted = 0;
  const server = createServer((client) => {
    accepted += 1;
    const upstream = connect(targetPort, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no proxy port');
  return {
    port: address.port,
    accepted: () => accepted,
    freeze: () => {
      for (const pair of pairs) {
        const [client, upstream] = pair;
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
        pairs.delete(pair);
        frozen.add(pair);
      }
    },
    cut: () => {
      for (const [client, upstream] of pairs) {
        client.resetAndDestroy();
        upstream.destroy();
      }
    },
    close: async () => {
      for (const [client, upstream] of [...pairs, ...frozen]) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
