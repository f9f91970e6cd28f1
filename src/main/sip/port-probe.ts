/**
 * Whether anything accepts a TCP connection at a SIP server's WebSocket address now: the SIP
 * line asks while it waits out a long backoff, to tell a server that went away and came back (a
 * restart) from one that stayed up and keeps dropping it (see SupervisedSipLine's restart watch).
 * Only a TCP handshake, closed at once: no WebSocket, no TLS, nothing the server must answer.
 */
import { connect } from 'node:net';

/** 'open': something accepted the connection; 'down': refused, unreachable or no answer. */
export type PortProbe = (wsUrl: string, timeoutMs: number) => Promise<'open' | 'down'>;

export const probeTcpPort: PortProbe = (wsUrl, timeoutMs) =>
  new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(wsUrl);
    } catch {
      resolve('down');
      return;
    }
    const port = Number(url.port) || (url.protocol === 'wss:' ? 443 : 80);
    // IPv6 literals come bracketed in a URL; net.connect wants them bare.
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    let socket: ReturnType<typeof connect>;
    try {
      socket = connect({ host, port });
    } catch {
      resolve('down');
      return;
    }
    const done = (answer: 'open' | 'down') => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done('down'));
    socket.once('connect', () => done('open'));
    socket.once('error', () => done('down'));
  });
