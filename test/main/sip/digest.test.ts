/** The embedded registrar's digest: challenge, right and wrong answers, stale nonces. */
import { describe, expect, it } from 'vitest';
import {
  DigestAuthority,
  digestResponse,
  parseDigestCredentials,
} from '../../../src/emulator/sip/digest';
import type { DigestCredentials } from '../../../src/emulator/sip/digest';

let now = 1_000_000;
const clock = { now: () => now, setTimeout: () => 0 as never, clearTimeout: () => undefined };

function answer(
  authority: DigestAuthority,
  password: string,
  user = '10001800001',
): DigestCredentials {
  const nonce = /nonce="([^"]+)"/.exec(authority.challenge())![1]!;
  const partial = {
    username: user,
    realm: 'sip.oneyun.com',
    nonce,
    uri: 'sip:sip.oneyun.com',
    qop: 'auth',
    nc: '00000001',
    cnonce: 'abc',
  };
  return {
    ...partial,
    response: digestResponse({ ...partial, response: '' }, 'REGISTER', password),
  };
}

describe('digest', () => {
  it('parses an Authorization header as sip.js sends it', () => {
    const parsed = parseDigestCredentials(
      'Digest algorithm=MD5, username="10001800001", realm="sip.oneyun.com", nonce="n.1", uri="sip:sip.oneyun.com", response="0123", opaque="", qop=auth, cnonce="c", nc=00000001',
    );
    expect(parsed).toMatchObject({
      username: '10001800001',
      realm: 'sip.oneyun.com',
      qop: 'auth',
      nc: '00000001',
    });
    expect(parseDigestCredentials('Basic abc')).toBeNull();
  });

  it('accepts the right password, refuses a wrong one', () => {
    const authority = new DigestAuthority('sip.oneyun.com', clock);
    expect(authority.verify(answer(authority, 'demo800001'), 'REGISTER', 'demo800001')).toBe('ok');
    expect(authority.verify(answer(authority, 'nope'), 'REGISTER', 'demo800001')).toBe('wrong');
  });

  it('calls a right answer to an old or foreign nonce stale', () => {
    const authority = new DigestAuthority('sip.oneyun.com', clock);
    const credentials = answer(authority, 'demo800001');
    now += 301_000;
    expect(authority.verify(credentials, 'REGISTER', 'demo800001')).toBe('stale');
    const other = new DigestAuthority('sip.oneyun.com', clock);
    expect(other.verify(answer(authority, 'demo800001'), 'REGISTER', 'demo800001')).toBe('stale');
  });
});
