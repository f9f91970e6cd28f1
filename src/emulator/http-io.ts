/**
 * Small HTTP helpers: a size-limited body reader and the three kinds of reply the emulator sends
 * (the platform's JSON envelope, plain text for transport-level refusals, JSON for controls).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PLATFORM_MESSAGES, PLATFORM_CODES } from '../shared/domain/errors';
import type { Result } from './results';

/** Largest request body accepted; larger → HTTP 413. */
export const MAX_BODY_BYTES = 64 * 1024;

const JSON_TYPE = 'application/json;charset=UTF-8';
const TEXT_TYPE = 'text/plain;charset=UTF-8';

/** The hot path's reply (keepalive, logout, state…), serialized once. */
const OK_NULL = JSON.stringify({
  code: PLATFORM_CODES.OK,
  msg: PLATFORM_MESSAGES[PLATFORM_CODES.OK],
  data: null,
});

/**
 * Reads the body as UTF-8 text, or returns null once it exceeds `limit` bytes (declared or
 * actual) without buffering the rest. A request without Content-Length or chunked encoding has no
 * body by HTTP/1.1 rules, so the common GET costs nothing here.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string | null> {
  const declared = req.headers['content-length'];
  const chunked = req.headers['transfer-encoding'] !== undefined;
  if (!chunked && (declared === undefined || declared === '0')) return Promise.resolve('');
  if (declared !== undefined && Number(declared) > limit) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.off('end', onEnd);
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve(Buffer.concat(chunks, size).toString('utf8'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
  });
}

/** The platform's envelope: HTTP 200, `{code, msg, data}`, data null on errors. */
export function sendEnvelope(res: ServerResponse, result: Result<unknown>): void {
  const text =
    result.code === PLATFORM_CODES.OK && result.data === null
      ? OK_NULL
      : JSON.stringify({
          code: result.code,
          msg: PLATFORM_MESSAGES[result.code],
          data: result.data,
        });
  send(res, 200, JSON_TYPE, text);
}

/** A plain-text reply (401, 404, 405, 413…); `close` ends the connection after it. */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
  close = false,
): void {
  if (close) res.setHeader('Connection', 'close');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  send(res, status, TEXT_TYPE, text.endsWith('\n') ? text : `${text}\n`);
}

/** A JSON reply for the emulator's own controls. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON_TYPE, JSON.stringify(value));
}

function send(res: ServerResponse, status: number, type: string, text: string): void {
  const body = Buffer.from(text, 'utf8');
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': body.length });
  res.end(body);
}

/** Percent-decodes a path segment; a malformed one stays raw (and so names nothing that exists). */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
