/**
 * A `fetch` for the platform client in plain Node hosts, over node:http(s) with a keep-alive
 * pool. Node's global fetch (undici) costs several times more CPU per request (its HTTP parser
 * in WebAssembly, its fetch controller); the browser host reads the agent back after every call,
 * so that cost is paid on every ring. The Electron shell keeps `net.fetch` (system proxy, PAC).
 *
 * It answers as fetch does for what the client sends (string or bytes body, `redirect:
 * 'manual'`, an abort signal): the Response comes when the headers do and its body streams, a
 * network failure rejects with `TypeError('fetch failed')` carrying the socket error as `cause`,
 * and an abort rejects, or errors the body, with the signal's reason (a timeout's `TimeoutError`).
 * Anything else (a Request object, a stream body, redirects to follow) goes to global fetch.
 *
 * Its `transport` is the platform client's own port (`transport.ts`) on the same pools, with the
 * same failures, and without a Response: the body is read into a Buffer and decoded once.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { isUtf8 } from 'node:buffer';
import { fetchTransport, notUtf8, tooLarge } from './transport';
import type { PlatformTransport, TransportReply } from './transport';

export interface NodeFetch {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /**
   * The platform client's port on the same pools, with no `Response` and no web stream: the
   * body is gathered as a Buffer and decoded once (about half the CPU of a cold read-back).
   */
  transport: PlatformTransport;
  /** Closes the pooled connections. */
  close(): void;
}

export interface NodeFetchOptions {
  /**
   * How long an idle connection is kept for reuse (default 4 s, as undici). A shorter
   * `Keep-Alive: timeout=…` from the server wins.
   */
  idleMs?: number;
  /** Used for whatever this adapter does not handle itself (default: global fetch). */
  fallback?: typeof fetch;
}

const DEFAULT_IDLE_MS = 4_000;
/** Statuses whose Response must have a null body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
/** Requests that may be sent again when a pooled connection turns out to be closed. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
/** What a server's close of an idle pooled connection looks like to the next request on it. */
const STALE = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** Creates the adapter with its own connection pools (one for http, one for https). */
export function createNodeFetch(options: NodeFetchOptions = {}): NodeFetch {
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  // `timeout` here is the idle time of a pooled socket; requests time out by their signal.
  const http = new HttpAgent({ keepAlive: true, timeout: idleMs });
  const https = new HttpsAgent({ keepAlive: true, timeout: idleMs });
  const pool = (url: URL): Pool => (url.protocol === 'https:' ? https : http);
  const fallback = options.fallback ?? ((input, init) => globalThis.fetch(input, init));

  const nodeFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const body = bodyBytes(init.body);
    const plainUrl = typeof input === 'string' || input instanceof URL;
    if (!plainUrl || body === undefined || init.redirect !== 'manual') return fallback(input, init);
    let url: URL;
    try {
      url = typeof input === 'string' ? new URL(input) : input;
    } catch (error) {
      return Promise.reject(new TypeError('Invalid URL', { cause: error }));
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return fallback(input, init);
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = plainHeaders(init.headers);
    if (body !== null) headers['content-length'] = body.byteLength;
    const signal = init.signal ?? null;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return retried(method, () =>
      exchange(pool(url), url, method, headers, body, signal, (res, destroy) =>
        toResponse(res, method, signal, destroy),
      ),
    );
  };

  const transport: PlatformTransport = (url, request) => {
    const method = request.method.toUpperCase();
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return fetchTransport(fallback)(url, request);
    }
    const headers = plainHeaders(request.headers);
    const body = request.body === undefined ? null : Buffer.from(request.body, 'utf8');
    if (body !== null) headers['content-length'] = body.byteLength;
    const { signal } = request;
    if (signal.aborted) return Promise.reject(signal.reason);
    return retried(method, () =>
      exchange(pool(url), url, method, headers, body, signal, (res, destroy) =>
        readText(res, method, signal, destroy, request.maxBytes),
      ),
    );
  };

  /** Sends once; when a pooled connection turns out closed, once more on a new one. */
  function retried<T>(method: string, send: () => Promise<T>): Promise<T> {
    const unwrap = (error: unknown) => {
      throw error instanceof StaleConnection ? error.failure : error;
    };
    return send().catch((error: unknown) =>
      error instanceof StaleConnection && IDEMPOTENT.has(method)
        ? send().catch(unwrap)
        : unwrap(error),
    );
  }

  return Object.assign(nodeFetch, {
    transport,
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

type Body = Uint8Array | null | undefined;

/** The body as bytes, null for none, undefined for a kind only global fetch handles. */
function bodyBytes(body: RequestInit['body']): Body {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return body;
  return undefined;
}

function plainHeaders(init: RequestInit['headers']): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  if (!init) return out;
  if (init instanceof Headers || Array.isArray(init)) {
    new Headers(init).forEach((value, name) => (out[name] = value));
    return out;
  }
  for (const [name, value] of Object.entries(init)) {
    out[name.toLowerCase()] = typeof value === 'string' ? value : [...value];
  }
  return out;
}

type Pool = HttpAgent | HttpsAgent;

/** One request on `agent`'s pool; `onReply` makes the result of the reply once it comes. */
function exchange<T>(
  agent: Pool,
  url: URL,
  method: string,
  headers: OutgoingHttpHeaders,
  body: Uint8Array | null,
  signal: AbortSignal | null,
  onReply: (res: IncomingMessage, destroy: (error?: Error) => void) => T,
): Promise<Awaited<T>> {
  return new Promise<Awaited<T>>((resolve, reject) => {
    let replied = false;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method, headers, agent });
    const onAbort = () => {
      if (!replied) reject(signal!.reason);
      req.destroy(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error) => {
      if (replied) return; // the body's reader reports it
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) return reject(signal.reason);
      const failure = new TypeError('fetch failed', { cause: error });
      const code = (error as NodeJS.ErrnoException).code ?? '';
      reject(req.reusedSocket && STALE.has(code) ? new StaleConnection(failure) : failure);
    });
    req.on('response', (res) => {
      replied = true;
      signal?.removeEventListener('abort', onAbort);
      try {
        resolve(onReply(res, req.destroy.bind(req)) as Awaited<T>);
      } catch (error) {
        req.destroy();
        reject(new TypeError('fetch failed', { cause: error }));
      }
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
  method: string,
  signal: AbortSignal,
  destroy: (error?: Error) => void,
  maxBytes: number,
): Promise<TransportReply> {
  const status = res.statusCode ?? 0;
  if (NULL_BODY.has(status) || method === 'HEAD') {
    res.resume();
    return Promise.resolve({ status, text: '' });
  }
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

/** The reply as a fetch Response whose body streams from the socket. */
function toResponse(
  res: IncomingMessage,
  method: string,
  signal: AbortSignal | null,
  destroy: (error?: Error) => void,
): Response {
  const status = res.statusCode ?? 0;
  const headers = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  const init = { status, statusText: res.statusMessage ?? '', headers };
  if (NULL_BODY.has(status) || method === 'HEAD') {
    res.resume();
    return new Response(null, init);
  }
  return new Response(bodyStream(res, signal, destroy), init);
}

/** The reply's body; the signal errors it with its reason, a cut connection with `terminated`. */
function bodyStream(
  res: IncomingMessage,
  signal: AbortSignal | null,
  destroy: (error?: Error) => void,
): ReadableStream<Uint8Array> {
  let finished = false;
  const finish = () => {
    finished = true;
    signal?.removeEventListener('abort', onAbort);
  };
  let fail: (reason: unknown) => void = () => undefined;
  const onAbort = () => {
    fail(signal!.reason);
    destroy(signal!.reason as Error);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      fail = (reason) => {
        if (finished) return;
        finish();
        controller.error(reason);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      res.on('data', (chunk: Buffer) => {
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) res.pause();
      });
      res.on('end', () => {
        if (finished) return;
        finish();
        controller.close();
      });
      res.on('error', (error) => fail(terminated(error)));
      res.on('close', () => {
        if (!res.complete) fail(terminated(new Error('other side closed')));
      });
    },
    pull() {
      res.resume();
    },
    cancel() {
      finish();
      destroy();
    },
  });
}
