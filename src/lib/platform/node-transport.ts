/**
 * The platform client's transport (`transport.ts`) for plain Node hosts, over node:http(s) with
 * keep-alive pools. Node's global fetch (undici) costs several times the CPU per request (its
 * HTTP parser in WebAssembly, its fetch controller), and a fetch `Response` with its web stream
 * costs more again; the browser host reads the agent back from the platform around every call,
 * so that cost is paid on every ring. The Electron shell keeps `net.fetch` (system proxy, PAC).
 *
 * It fails as `fetchTransport` over global fetch does, so the agent sees the same errors: no
 * reply rejects with `TypeError('fetch failed')` carrying the socket error as `cause`, or with
 * the signal's reason; a body past the cap, cut off (`terminated`), not UTF-8 or aborted comes
 * back `unreadable`. A request on a pooled connection the server had closed is sent once more
 * when it is idempotent. Other schemes than http(s) go to global fetch.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { isUtf8 } from 'node:buffer';
import { fetchTransport, notUtf8, tooLarge } from './transport';
import type { PlatformTransport, TransportReply } from './transport';

export interface NodeTransport extends PlatformTransport {
  /** Closes the pooled connections. */
  close(): void;
}

export interface NodeTransportOptions {
  /**
   * How long an idle connection is kept for reuse (default 4 s, as undici). A shorter
   * `Keep-Alive: timeout=…` from the server wins.
   */
  idleMs?: number;
}

const DEFAULT_IDLE_MS = 4_000;
/** Requests that may be sent again when a pooled connection turns out to be closed. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
/** What a server's close of an idle pooled connection looks like to the next request on it. */
const STALE = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** Creates the transport with its own connection pools (one for http, one for https). */
export function createNodeTransport(options: NodeTransportOptions = {}): NodeTransport {
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  // `timeout` here is the idle time of a pooled socket; requests time out by their signal.
  const http = new HttpAgent({ keepAlive: true, timeout: idleMs });
  const https = new HttpsAgent({ keepAlive: true, timeout: idleMs });
  const elsewhere = fetchTransport();

  const transport: PlatformTransport = (url, request) => {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return elsewhere(url, request);
    const method = request.method.toUpperCase();
    const headers = plainHeaders(request.headers);
    const body = request.body === undefined ? null : Buffer.from(request.body, 'utf8');
    if (body !== null) headers['content-length'] = body.byteLength;
    const { signal } = request;
    if (signal.aborted) return Promise.reject(signal.reason);
    const agent = url.protocol === 'https:' ? https : http;
    const send = () => exchange(agent, url, method, headers, body, signal, request.maxBytes);
    const unwrap = (error: unknown) => {
      throw error instanceof StaleConnection ? error.failure : error;
    };
    return send().catch((error: unknown) =>
      // A pooled connection the server had already closed: once more, on a new one.
      error instanceof StaleConnection && IDEMPOTENT.has(method)
        ? send().catch(unwrap)
        : unwrap(error),
    );
  };
  return Object.assign(transport, {
    close() {
      http.destroy();
      https.destroy();
    },
  });
}

/** A reused connection failed before any reply: the request may never have been read. */
class StaleConnection extends Error {
  constructor(readonly failure: TypeError) {
    super(failure.message);
  }
}

/** The request's headers, names in lower case (as node:http sends them). */
function plainHeaders(init: Record<string, string>): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(init)) out[name.toLowerCase()] = value;
  return out;
}

/** One request on `agent`'s pool: its reply, or the failure before there was one. */
function exchange(
  agent: HttpAgent | HttpsAgent,
  url: URL,
  method: string,
  headers: OutgoingHttpHeaders,
  body: Buffer | null,
  signal: AbortSignal,
  maxBytes: number,
): Promise<TransportReply> {
  return new Promise<TransportReply>((resolve, reject) => {
    let replied = false;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method, headers, agent });
    const onAbort = () => {
      if (!replied) reject(signal.reason);
      req.destroy(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error) => {
      if (replied) return; // the body's reader reports it
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) return reject(signal.reason);
      const failure = new TypeError('fetch failed', { cause: error });
      const code = (error as NodeJS.ErrnoException).code ?? '';
      reject(req.reusedSocket && STALE.has(code) ? new StaleConnection(failure) : failure);
    });
    req.on('response', (res) => {
      replied = true;
      signal.removeEventListener('abort', onAbort);
      resolve(readText(res, signal, req.destroy.bind(req), maxBytes));
    });
    req.end(body ?? undefined);
  });
}

/**
 * The reply's body as strict UTF-8 text (a leading BOM dropped, as TextDecoder does), or why it
 * could not be read: past `maxBytes`, cut off (`terminated`), or the signal's reason.
 */
function readText(
  res: IncomingMessage,
  signal: AbortSignal,
  destroy: (error?: Error) => void,
  maxBytes: number,
): Promise<TransportReply> {
  const status = res.statusCode ?? 0;
  if (Number(res.headers['content-length'] ?? NaN) > maxBytes) {
    destroy();
    return Promise.resolve({ status, unreadable: tooLarge(maxBytes) });
  }
  return new Promise<TransportReply>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (reply: TransportReply) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      resolve(reply);
    };
    const onAbort = () => {
      settle({ status, unreadable: signal.reason });
      destroy(signal.reason as Error);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    res.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= maxBytes) return void chunks.push(chunk);
      settle({ status, unreadable: tooLarge(maxBytes) });
      destroy();
    });
    res.on('end', () => {
      const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      if (!isUtf8(all)) return settle({ status, unreadable: notUtf8() });
      const text = all.toString('utf8');
      settle({ status, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text });
    });
    // A connection cut before the end errors the reply (ECONNRESET, "aborted").
    res.on('error', (error) => settle({ status, unreadable: terminated(error) }));
  });
}

function terminated(cause: Error): TypeError {
  return new TypeError('terminated', { cause });
}
