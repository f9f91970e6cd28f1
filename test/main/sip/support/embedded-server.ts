/** An HTTP server on loopback with the embedded SIP registrar attached, as the emulator does it. */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { attachEmbeddedSip } from '../../../../src/emulator/sip/embedded';
import type { EmbeddedSip, EmbeddedSipOptions } from '../../../../src/emulator/sip/embedded';
import type { SipDirectory } from '../../../../src/emulator/sip-directory';
import { silentLogger } from '../../../../src/lib/ports';
import type { SipLineConfig } from '../../../../src/main/sip/types';
import type { SipAccount } from '../../../../src/emulator/sip-directory';

export const DOMAIN = 'sip.oneyun.com';

export interface EmbeddedServer {
  server: Server;
  sip: EmbeddedSip;
  port: number;
  wsUrl: string;
  /** Closes the registrar and the server (every connection dropped). */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (`port` 0 = any free one) and attaches the registrar. */
export async function startEmbeddedServer(
  directory: SipDirectory,
  port = 0,
  options: Partial<EmbeddedSipOptions> = {},
): Promise<EmbeddedServer> {
  const server = createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const sip = attachEmbeddedSip(server, directory, {
    domain: DOMAIN,
    logger: silentLogger,
    ...options,
  });
  return {
    server,
    sip,
    port: address.port,
    wsUrl: `ws://127.0.0.1:${address.port}${sip.wsPath}`,
    close: async () => {
      await sip.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A line config for `account` against `wsUrl`. */
export function lineConfig(
  wsUrl: string,
  account: SipAccount,
  overrides: Partial<SipLineConfig> = {},
): SipLineConfig {
  return {
    wsUrl,
    domain: DOMAIN,
    user: account.sipUser,
    password: account.password,
    expiresSec: 300,
    ...overrides,
  };
}
