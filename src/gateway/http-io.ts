/** Reading bodies with a cap and answering in the platform's envelope. */
import { PLATFORM_CODES } from '../shared/domain/errors';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GATEWAY_CODES, type GatewayCode } from '../shared/gateway/wire';

/** Bodies larger than this are refused with 413: no agent request is anywhere near it. */
export const MAX_BODY_BYTES = 64 * 1024;

export class BodyTooLarge extends Error {}

/** Reads the whole body as UTF-8, refusing more than {@link MAX_BODY_BYTES}. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > MAX_BODY_BYTES) return reject(new BodyTooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('aborted')));
  });
}

const JSON_TYPE = 'application/json;charset=utf-8';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'Content-Type': JSON_TYPE,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(body);
}

/** The gateway's own refusal: the envelope with a GW code and its HTTP status. */
export function sendRefusal(
  res: ServerResponse,
  code: GatewayCode,
  msg: string,
  headers: Record<string, string> = {},
): number {
  const status = GATEWAY_CODES[code];
  sendJson(res, status, JSON.stringify({ code, msg, data: null }), headers);
  return status;
}

export function sendOk(res: ServerResponse, data: unknown): void {
  sendJson(res, 200, JSON.stringify({ code: PLATFORM_CODES.OK, msg: '请求成功', data }));
}

/**
 * The envelope code in a platform reply ('' when it has none). The whole reply is read: JSON
 * keeps no key order, so `code` may come after `data`, and a field of `data` may be named
 * `code` too (a pattern over the reply's first bytes once took either for the envelope's).
 */
export function envelopeCode(body: string): string {
  return parseEnvelope(body).code;
}

/** A platform reply's envelope code ('' when it has none) and its `data`, read once. */
export function parseEnvelope(body: string): { code: string; data: unknown } {
  let envelope: { code?: unknown; data?: unknown } | null;
  try {
    envelope = JSON.parse(body) as { code?: unknown; data?: unknown } | null;
  } catch {
    return { code: '', data: undefined };
  }
  const code = envelope?.code;
  return { code: typeof code === 'string' ? code.slice(0, 16) : '', data: envelope?.data };
}
