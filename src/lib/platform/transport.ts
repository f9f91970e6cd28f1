/**
 * The port the platform client sends its requests through: a request goes out, a status and the
 * body's text come back. The client needs nothing more of HTTP, and a host can answer it without
 * building a fetch `Response` and a web stream for every reply (`node-transport.ts` answers
 * it from node:http). Any `fetch` becomes one with {@link fetchTransport}.
 */

/** One request as the platform client sends it. */
export interface TransportRequest {
  method: string;
  headers: Record<string, string>;
  /** The text sent as the body; absent for none. */
  body?: string;
  /** Aborts the exchange, reading the body included; a timeout's reason is a `TimeoutError`. */
  signal: AbortSignal;
  /** A body larger than this is not read. */
  maxBytes: number;
}

/** The status with the body as text, or with why the body could not be read. */
export type TransportReply =
  { status: number; text: string } | { status: number; unreadable: unknown };

/**
 * Sends one request and never follows a redirect (it would replay a signed request elsewhere).
 * Rejects only when no reply came: with an Error whose `cause` is the socket's error (as fetch's
 * `TypeError('fetch failed')`), or with the signal's reason.
 */
export type PlatformTransport = (url: URL, request: TransportRequest) => Promise<TransportReply>;

/** A transport over a fetch; none given: the global fetch at the time of each request. */
export function fetchTransport(fetchFn?: typeof fetch): PlatformTransport {
  return async (url, request) => {
    const response = await (fetchFn ?? globalThis.fetch)(url, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      signal: request.signal,
      redirect: 'manual',
    });
    const read = await readCapped(response, request.maxBytes);
    return read.ok
      ? { status: response.status, text: read.text }
      : { status: response.status, unreadable: read.error };
  };
}

/** The error for a body past `maxBytes`. */
export function tooLarge(maxBytes: number): Error {
  return new Error(`reply larger than ${maxBytes} bytes`);
}

/** The error for a body that is not strict UTF-8. */
export function notUtf8(): Error {
  return new Error('reply is not valid UTF-8');
}

type ReadResult = { ok: true; text: string } | { ok: false; error: unknown };

/** Reads the body as strict UTF-8, giving up past `cap` bytes. */
async function readCapped(response: Response, cap: number): Promise<ReadResult> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > cap) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: false, error: tooLarge(cap) };
  }
  if (!response.body) return { ok: true, text: '' };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > cap) {
        await reader.cancel().catch(() => undefined);
        return { ok: false, error: tooLarge(cap) };
      }
      chunks.push(value);
    }
  } catch (error) {
    return { ok: false, error };
  }
  try {
    return {
      ok: true,
      text: new TextDecoder('utf-8', { fatal: true }).decode(concat(chunks, size)),
    };
  } catch {
    return { ok: false, error: notUtf8() };
  }
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return all;
}
