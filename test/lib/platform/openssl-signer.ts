/**
 * An independent signer for tests: the string to sign is built here from docs/platform-api/agent-api.md §1 and
 * hashed by the openssl binary, so a mistake in signing.ts cannot hide in its own expectations.
 */
import { execFileSync } from 'node:child_process';

export const OPENSSL = '/usr/bin/openssl';

function openssl(args: string[], input: Buffer): Buffer {
  return execFileSync(OPENSSL, args, { input, timeout: 10_000 });
}

/** Hex MD5 of the UTF-8 bytes of `text`, by `openssl md5`. */
export function opensslMd5Hex(text: string): string {
  const out = openssl(['md5'], Buffer.from(text, 'utf8')).toString('ascii').trim();
  // Output looks like `MD5(stdin)= 900150983cd24fb0d6963f7d28e17f72`.
  const hex = out.split(/\s+/).pop() ?? '';
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error(`unexpected openssl md5 output: ${out}`);
  return hex;
}

/** Base64 HMAC-SHA256 of the UTF-8 bytes of `text`, by `openssl dgst` and `openssl base64`. */
export function opensslHmacBase64(key: string, text: string): string {
  const mac = openssl(['dgst', '-sha256', '-hmac', key, '-binary'], Buffer.from(text, 'utf8'));
  return openssl(['base64', '-A'], mac).toString('ascii').trim();
}

export interface RequestToSign {
  method: string;
  path: string;
  body: string;
  contentType: string;
  timestamp: string;
  appId: string;
}

/** The expected `Signature` header, computed without signing.ts. */
export function expectedSignature(secretKey: string, req: RequestToSign): string {
  const bodyless = req.method === 'GET' || req.method === 'DELETE';
  const lines = [
    req.method,
    bodyless ? '' : opensslMd5Hex(req.body),
    bodyless ? '' : req.contentType,
    req.timestamp,
    req.appId,
    req.path,
  ];
  return opensslHmacBase64(secretKey, lines.join('\n'));
}
