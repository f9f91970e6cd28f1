/**
 * Tiny raw node:http servers on 127.0.0.1 for client tests: each records what it received and
 * answers whatever the test says, including garbage, stalls and resets.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  /** Raw request target as sent: encoded path plus query. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RawServer {
  /** e.g. `http://127.0.0.1:PORT/v1/account/ACC`. */
  baseUrl: string;
  received: Received[];
  close(): Promise<void>;
}

export type Answer = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

/** Starts a server whose every request is recorded and then answered by `answer`. */
export async function startRawServer(answer: Answer, account = 'ACC'): Promise<RawServer> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      answer(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1/account/${account}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        // Stalled answers keep sockets open; drop them so close() returns promptly.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers with a fixed status, content type and body. */
export function answerWith(
  status: number,
  body: string | Buffer,
  contentType = 'application/json',
): Answer {
  return (_req, res) => {
    res.writeHead(status, { 'Content-Type': contentType });
    res.end(body);
  };
}

/** Answers with the platform's JSON envelope. */
export function answerEnvelope(code: string, msg: string | null, data: unknown = null): Answer {
  return answerWith(200, JSON.stringify({ code, msg, data }));
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
