/**
 * SIP over WebSocket through an HTTP proxy (HTTP CONNECT), as corporate networks require: the
 * WebSocket's TCP connection is a tunnel the proxy opens to the SIP edge; for wss:// the TLS
 * session runs end to end inside it (the proxy sees only the host name).
 */
import { Agent } from 'node:http';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { WebSocket } from 'ws';
import type { ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketConstructor } from './ws-transport';

/** How long the proxy may take to open the tunnel. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * An http.Agent whose every connection is a CONNECT tunnel through `proxy` (http://host:port, or
 * http://user@host:port with `password`, kept apart from the URL as a secret).
 */
export class ConnectTunnelAgent extends Agent {
  constructor(
    private readonly proxy: URL,
    private readonly secure: boolean,
    private readonly password: string | null = null,
  ) {
    super({ keepAlive: false });
    // https.request refuses an agent whose protocol is not https:.
    (this as unknown as { protocol: string }).protocol = secure ? 'https:' : 'http:';
  }

  override createConnection(
    options: ClientRequestArgs & { servername?: string },
    callback?: (error: Error | null, socket: Duplex) => void,
  ): Duplex | undefined {
    const host = options.hostname ?? options.host ?? 'localhost';
    const port = Number(options.port) || (this.secure ? 443 : 80);
    const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const socket = netConnect(Number(this.proxy.port) || 80, this.proxy.hostname);
    const fail = (error: Error) => {
      socket.destroy();
      callback?.(error, socket);
    };
    const timer = setTimeout(
      () => fail(new Error(`proxy ${this.proxy.host} timed out`)),
      CONNECT_TIMEOUT_MS,
    );
    const auth = this.proxy.username
      ? `Proxy-Authorization: Basic ${Buffer.from(
          `${decodeURIComponent(this.proxy.username)}:${this.password ?? ''}`,
        ).toString('base64')}\r\n`
      : '';
    socket.once('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    socket.once('connect', () =>
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth}\r\n`),
    );
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      clearTimeout(timer);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head.subarray(0, end).toString('latin1'));
      if (status?.[1] !== '200') {
        return fail(
          new Error(`proxy ${this.proxy.host} refused the tunnel (${status?.[1] ?? '?'})`),
        );
      }
      // Anything after the proxy's answer already belongs to the tunnel.
      const rest = head.subarray(end + 4);
      if (rest.length) socket.unshift(rest);
      socket.removeAllListeners('error');
      if (!this.secure) return callback?.(null, socket);
      const tls = tlsConnect({
        socket,
        servername: options.servername ?? host,
        rejectUnauthorized:
          (options as { rejectUnauthorized?: boolean }).rejectUnauthorized ?? true,
      });
      tls.once('secureConnect', () => callback?.(null, tls));
      tls.once('error', fail);
    };
    socket.on('data', onData);
    return undefined;
  }
}

/**
 * The WebSocket class the SIP line uses: through the proxy `proxy()` names at the moment a
 * connection opens (null or '' = direct), authenticating as the URL's user with `password()`.
 */
export function proxiedWebSocket(
  proxy: () => string | null,
  password: () => string | null = () => null,
): WebSocketConstructor {
  return class ProxiedWebSocket extends WebSocket {
    constructor(url: string, protocols: string) {
      const through = proxy();
      if (!through) {
        super(url, protocols);
        return;
      }
      const secure = new URL(url).protocol === 'wss:';
      const agent = new ConnectTunnelAgent(new URL(through), secure, password());
      super(url, protocols, { agent });
    }
  };
}
