/**
 * HTTP Digest (RFC 2617/3261 §22, MD5, qop=auth) for the embedded registrar. Nonces carry their
 * issue time and an HMAC of it, so any nonce can be checked without storing it and one from a
 * previous emulator run is answered with a fresh challenge (stale=true), not a refusal.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../lib/ports';

export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm?: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
}

export type DigestVerdict = 'ok' | 'stale' | 'wrong';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** The Authorization header's digest parameters, or null when it is not a usable Digest header. */
export function parseDigestCredentials(header: string): DigestCredentials | null {
  const body = /^\s*Digest\s+([\s\S]*)$/i.exec(header)?.[1];
  if (body === undefined) return null;
  const params: Record<string, string> = {};
  for (const match of body.matchAll(/([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) {
    params[match[1]!.toLowerCase()] =
      match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]!;
  }
  const { username, realm, nonce, uri, response } = params;
  if (!username || realm === undefined || !nonce || !uri || !response) return null;
  return { ...params, username, realm, nonce, uri, response };
}

/** The digest `response` a client with `password` computes for these credentials. */
export function digestResponse(
  credentials: DigestCredentials,
  method: string,
  password: string,
): string {
  const ha1 = md5(`${credentials.username}:${credentials.realm}:${password}`);
  const ha2 = md5(`${method}:${credentials.uri}`);
  return credentials.qop
    ? md5(
        `${ha1}:${credentials.nonce}:${credentials.nc ?? ''}:${credentials.cnonce ?? ''}:${credentials.qop}:${ha2}`,
      )
    : md5(`${ha1}:${credentials.nonce}:${ha2}`);
}

/** Issues challenges for one realm and checks the answers. */
export class DigestAuthority {
  private readonly secret = randomBytes(16);

  constructor(
    readonly realm: string,
    private readonly clock: Clock,
    private readonly nonceTtlMs = 300_000,
  ) {}

  /** A WWW-Authenticate header line (for a 401). */
  challenge(stale = false): string {
    const issued = this.clock.now().toString(36);
    const nonce = `${issued}.${this.sign(issued)}`;
    return `WWW-Authenticate: Digest realm="${this.realm}", nonce="${nonce}", algorithm=MD5, qop="auth"${stale ? ', stale=true' : ''}`;
  }

  /** `wrong` when the password (or realm/algorithm) does not match; `stale` for a right answer to an old nonce. */
  verify(credentials: DigestCredentials, method: string, password: string): DigestVerdict {
    if (credentials.realm !== this.realm) return 'wrong';
    if (credentials.algorithm && credentials.algorithm.toUpperCase() !== 'MD5') return 'wrong';
    if (
      !sameText(digestResponse(credentials, method, password), credentials.response.toLowerCase())
    )
      return 'wrong';
    const [issued = '', signature = ''] = credentials.nonce.split('.');
    const fresh =
      sameText(this.sign(issued), signature) &&
      this.clock.now() - parseInt(issued, 36) <= this.nonceTtlMs;
    return fresh ? 'ok' : 'stale';
  }

  private sign(text: string): string {
    return createHmac('sha256', this.secret).update(text).digest('hex').slice(0, 24);
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
