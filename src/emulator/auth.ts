/**
 * Checks a request's signature headers as the platform does (docs/platform-api/agent-api.md §1), using the same
 * signing code the client uses. Each refusal names what was wrong: the emulator is a
 * development tool, and "401" alone sends people hunting.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import {
  DEFAULT_PLATFORM_TIME_ZONE,
  parseTimestamp,
  sign,
  type Credentials,
} from '../lib/platform/signing';

/** The challenge the platform's server sends with every 401 (agent-api.md §1). */
export const AUTH_CHALLENGE = 'Basic realm="Secure realm"';

export interface AuthRequest {
  method: string;
  /** Path as received, without the query string. */
  path: string;
  body: string;
  headers: IncomingHttpHeaders;
}

/**
 * Returns null when the request is correctly signed, else the reason to refuse it. The Timestamp
 * is read in the platform's time zone (`timeZone`, an IANA name) and, as the platform's
 * RestAuthenticationProvider does, refused only when older than the window: one from the future
 * passes.
 */
export function checkSignature(
  req: AuthRequest,
  credentials: Credentials,
  windowSec: number,
  now: number,
  timeZone: string = DEFAULT_PLATFORM_TIME_ZONE,
): string | null {
  const appId = header(req.headers, 'appid');
  const certId = header(req.headers, 'certid');
  const timestamp = header(req.headers, 'timestamp');
  const signature = header(req.headers, 'signature');
  const missing = [
    ['AppID', appId],
    ['CertID', certId],
    ['Timestamp', timestamp],
    ['Signature', signature],
  ]
    .filter(([, value]) => value === undefined)
    .map(([name]) => name);
  if (missing.length > 0) return `missing header ${missing.join(', ')}`;
  if (appId !== credentials.appId) return 'unknown AppID';
  if (certId !== credentials.certId) return 'unknown CertID for this AppID';
  const at = parseTimestamp(timestamp!, timeZone);
  if (at === null) {
    return `malformed Timestamp (expected yyyyMMddHHmmss, the platform's time in ${timeZone})`;
  }
  // The platform's rule, whole seconds as Java's long division: (now - ts) / 1000 > window.
  if (Math.trunc((now - at) / 1000) > windowSec) {
    return `Timestamp ${timestamp} is more than ${windowSec} s old, read as the platform's time in ${timeZone}: check the signer's clock and that it signs in ${timeZone}`;
  }
  const expected = sign(credentials.secretKey, {
    method: req.method,
    path: req.path,
    body: req.body,
    contentType: header(req.headers, 'content-type') ?? '',
    timestamp: timestamp!,
    appId: appId,
  });
  if (!sameText(expected, signature!)) return 'signature mismatch';
  return null;
}

/** One header's value. Node joins a repeated header with ", ", which then fails every check. */
function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
