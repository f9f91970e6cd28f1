/**
 * The emulator's default SIP side, npm packages only: a SIP-over-WebSocket endpoint on the
 * emulator's own HTTP server. Each accepted connection gets a server-side sip.js UserAgent (our
 * transport around the socket), so SIP parsing and transactions are sip.js's; REGISTERs go to
 * the embedded registrar. The connection an extension registered over is kept for calls.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { UserAgent } from 'sip.js';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { systemClock } from '../../lib/ports';
import type { Clock, Logger } from '../../lib/ports';
import { sipLogConnector } from '../../lib/sip-ws/sip-log';
import { WsTransport } from '../../lib/sip-ws/ws-transport';
import type { WsTransportOptions } from '../../lib/sip-ws/ws-transport';
import type { SipDirectory } from '../sip-directory';
import { EmbeddedRegistrar } from './registrar';
import type { Binding, EmbeddedSipConnection } from './registrar';

export type { Binding, EmbeddedSipConnection } from './registrar';

export interface EmbeddedSipOptions {
  /** SIP domain and digest realm, e.g. sip.oneyun.com. */
  domain: string;
  logger: Logger;
  clock?: Clock;
  /** WebSocket path on the server (default `/sip`). */
  path?: string;
  minExpiresSec?: number;
  maxExpiresSec?: number;
  /** Ping period towards clients, to drop the dead ones (default 30 s). */
  keepaliveIntervalMs?: number;
}

export interface EmbeddedSip {
  wsPath: string;
  /** The binding (contact and live connection) an extension holds, to send it requests later. */
  bindingFor(extensionId: string): Binding | null;
  /** The connections open now. */
  connections(): EmbeddedSipConnection[];
  /** Stops accepting, drops every connection and registration. */
  close(): Promise<void>;
}

/** Serves SIP over WebSocket at `path` on `server` (subprotocol `sip`, RFC 7118). */
export function attachEmbeddedSip(
  server: Server,
  directory: SipDirectory,
  options: EmbeddedSipOptions,
): EmbeddedSip {
  const wsPath = options.path ?? '/sip';
  const clock = options.clock ?? systemClock;
  const { logger, domain } = options;
  const registrar = new EmbeddedRegistrar(directory, {
    domain,
    clock,
    logger,
    minExpiresSec: options.minExpiresSec ?? 1,
    maxExpiresSec: options.maxExpiresSec ?? 3600,
  });
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => (offered.has('sip') ? 'sip' : false),
  });
  const live = new Set<EmbeddedSipConnection>();
  let nextId = 1;

  const accept = (ws: WebSocket, request: IncomingMessage) => {
    if (ws.protocol !== 'sip') return ws.close(1002, 'subprotocol sip required');
    const transportOptions: WsTransportOptions = {
      socket: ws,
      clock,
      logger,
      connectTimeoutMs: 0,
      keepaliveIntervalMs: options.keepaliveIntervalMs ?? 30_000,
      keepaliveTimeoutMs: 10_000,
    };
    const userAgent = new UserAgent({
      uri: UserAgent.makeURI(`sip:${domain}`),
      transportConstructor: WsTransport,
      transportOptions,
      gracefulShutdown: false,
      userAgentString: 'agent-desktop-emulator',
      logLevel: 'warn',
      logBuiltinEnabled: false,
      logConfiguration: false,
      logConnector: sipLogConnector(logger),
      delegate: { onRegisterRequest: (register) => registrar.handle(register, connection) },
    });
    const remoteAddress = `${request.socket.remoteAddress}:${request.socket.remotePort}`;
    const connection: EmbeddedSipConnection = {
      id: nextId++,
      userAgent,
      remoteAddress,
      drop: () => ws.terminate(),
    };
    live.add(connection);
    ws.once('close', () => {
      live.delete(connection);
      registrar.connectionClosed(connection);
      void userAgent.stop();
    });
    void userAgent.start();
  };

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? '/', 'http://emulator').pathname !== wsPath) return;
    wss.handleUpgrade(request, socket, head, (ws) => accept(ws, request));
  };
  server.on('upgrade', onUpgrade);

  return {
    wsPath,
    bindingFor: (extensionId) => registrar.binding(extensionId),
    connections: () => [...live],
    close: async () => {
      server.off('upgrade', onUpgrade);
      for (const connection of live) connection.drop();
      registrar.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
