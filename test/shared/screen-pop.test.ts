import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  buildScreenPopUrl,
  callerNumber,
  checkScreenPopTemplate,
  parseHostList,
} from '../../src/shared/screen-pop';

const TEMPLATE = 'https://crm.example.com/search?phone={caller}&agent={agent}&call={callId}';
const policy = { hosts: ['crm.example.com'], httpHosts: ['crm.intranet'] };
const values = (caller: string) => ({ caller, agent: 'agent_1', callId: 'c-7' });

/** The URL a hostile number builds, and proof that it stayed inside its placeholder. */
function popFor(caller: string) {
  const built = buildScreenPopUrl(TEMPLATE, values(caller), policy);
  expect(built.ok).toBe(true);
  const url = new URL(built.ok ? built.url : '');
  return url;
}

/** Numbers a caller (or a hostile trunk) can put in From. */
export const HOSTILE_CALLERS = [
  '138&agent=evil&call=x',
  '138#fragment',
  '138/../../admin',
  '..',
  'javascript:alert(1)',
  '138\r\nLocation: https://evil.example',
  '138\nx',
  '9'.repeat(200),
  '&'.repeat(200),
  '%41%2F..%2F',
  '138 ?x=1',
];

describe('screen-pop URL', () => {
  it('fills the template, URL-encoded', () => {
    const built = buildScreenPopUrl(TEMPLATE, values('13900001234'), policy);
    expect(built).toEqual({
      ok: true,
      url: 'https://crm.example.com/search?phone=13900001234&agent=agent_1&call=c-7',
    });
  });

  it.each(HOSTILE_CALLERS)('a caller %j never escapes its placeholder', (caller) => {
    const url = popFor(caller);
    expect(url.origin).toBe('https://crm.example.com');
    expect(url.pathname).toBe('/search');
    expect(url.hash).toBe('');
    expect([...url.searchParams.keys()]).toEqual(['phone', 'agent', 'call']);
    expect(url.searchParams.get('phone')).toBe(caller);
    expect(url.searchParams.get('agent')).toBe('agent_1');
    expect(url.searchParams.get('call')).toBe('c-7');
  });

  it('any caller at all stays in its placeholder (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (caller) => {
        const url = popFor(caller);
        return (
          url.origin === 'https://crm.example.com' &&
          url.pathname === '/search' &&
          url.searchParams.get('phone') ===
            caller.replace(
              /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
              '\uFFFD',
            ) &&
          url.searchParams.get('call') === 'c-7'
        );
      }),
    );
  });

  it('a caller that spells a stand-in stays literal: no agent name or call id pulled in', () => {
    // The template was filled one placeholder at a time, each pass over the last one's result.
    const built = buildScreenPopUrl(
      'https://crm.example.com/search?phone={caller}',
      { caller: 'zzscreenpopagentzz-zzscreenpopcallidzz', agent: 'alice', callId: 'c-42' },
      policy,
    );
    expect(built).toEqual({
      ok: true,
      url: 'https://crm.example.com/search?phone=zzscreenpopagentzz-zzscreenpopcallidzz',
    });
  });

  it('in a path segment, dot segments are refused rather than opened somewhere else', () => {
    const path = 'https://crm.example.com/customers/{caller}/card';
    expect(buildScreenPopUrl(path, values('..'), policy)).toEqual({
      ok: false,
      problem: 'escaped',
    });
    const slashDots = buildScreenPopUrl(path, values('/../admin'), policy);
    expect(slashDots.ok && new URL(slashDots.url).pathname).toBe(
      '/customers/%2F%2E%2E%2Fadmin/card',
    );
  });

  it('only https, http only for hosts the admin names, only allowlisted hosts', () => {
    expect(checkScreenPopTemplate('http://crm.example.com/?p={caller}', policy)).toBe('scheme');
    expect(checkScreenPopTemplate('http://crm.intranet/?p={caller}', policy)).toBeNull();
    expect(checkScreenPopTemplate('https://evil.example/?p={caller}', policy)).toBe(
      'host-not-allowed',
    );
    expect(checkScreenPopTemplate('javascript:alert({caller})', policy)).toBe('scheme');
    expect(checkScreenPopTemplate('file:///etc/passwd?{caller}', policy)).toBe('scheme');
    expect(checkScreenPopTemplate('https://{caller}.crm.example.com/', policy)).not.toBeNull();
    expect(checkScreenPopTemplate('https://crm.example.com@evil.example/', policy)).toBe(
      'host-not-allowed',
    );
    expect(checkScreenPopTemplate('https://crm.example.com/?p={number}', policy)).toBe(
      'unknown-placeholder',
    );
    expect(checkScreenPopTemplate('', policy)).toBe('empty');
    expect(checkScreenPopTemplate('https://CRM.example.com?x={caller}', policy)).toBeNull();
  });

  it('reads the number out of a caller as the INVITE names it', () => {
    expect(callerNumber('Alice <13900001234>')).toBe('13900001234');
    expect(callerNumber('13900001234')).toBe('13900001234');
    expect(parseHostList('crm.example.com, CRM2.example.com\nx')).toEqual([
      'crm.example.com',
      'crm2.example.com',
      'x',
    ]);
  });
});
