/**
 * Request signing as the platform checks it (docs/platform-api/agent-api.md §1):
 * Signature = Base64(HMAC-SHA256(secretKey, METHOD\nMD5hex(body)\nContent-Type\nTimestamp\nAppID\npath)).
 * For GET and DELETE the body-MD5 and Content-Type lines are empty. The path has no query string.
 * Used by the client to sign and by the emulator to verify.
 */
import { createHash, createHmac } from 'node:crypto';

export interface Credentials {
  appId: string;
  certId: string;
  secretKey: string;
}

export interface SignInput {
  method: string;
  /** URI path only, without query string, e.g. `/v1/account/abc/callcenter/agent`. */
  path: string;
  /** The exact body bytes sent ('' for none). */
  body: string;
  contentType: string;
  timestamp: string;
  appId: string;
}

/** The string that is signed; exported so tests can compare with an independent signer. */
export function stringToSign(input: SignInput): string {
  const method = input.method.toUpperCase();
  const bodyless = method === 'GET' || method === 'DELETE';
  const bodyMd5 = bodyless ? '' : createHash('md5').update(input.body, 'utf8').digest('hex');
  const contentType = bodyless ? '' : input.contentType;
  return [method, bodyMd5, contentType, input.timestamp, input.appId, input.path].join('\n');
}

export function sign(secretKey: string, input: SignInput): string {
  return createHmac('sha256', secretKey).update(stringToSign(input), 'utf8').digest('base64');
}

/** `yyyyMMddHHmmss` in the caller's local time, as the platform expects. */
export function formatTimestamp(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}${p(date.getHours())}${p(
    date.getMinutes(),
  )}${p(date.getSeconds())}`;
}

/** Parses `yyyyMMddHHmmss` (local time) to epoch ms, or null when malformed. */
export function parseTimestamp(text: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(y, mo - 1, d, h, mi, s);
  if (date.getMonth() !== mo - 1 || date.getDate() !== d || date.getHours() !== h) return null;
  return date.getTime();
}

/** The headers a signed request carries. */
export function signedHeaders(
  credentials: Credentials,
  method: string,
  path: string,
  body: string,
  contentType: string,
  now: Date,
): Record<string, string> {
  const timestamp = formatTimestamp(now);
  return {
    AppID: credentials.appId,
    CertID: credentials.certId,
    Timestamp: timestamp,
    Signature: sign(credentials.secretKey, {
      method,
      path,
      body,
      contentType,
      timestamp,
      appId: credentials.appId,
    }),
  };
}
