import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import {
  formatTimestamp,
  parseTimestamp,
  sign,
  signedHeaders,
  stringToSign,
} from '../../../src/lib/platform/signing';
import { expectedSignature, opensslMd5Hex } from './openssl-signer';

const SECRET = 'k3y-秘密-0123456789';
const APP_ID = '8a2bc67258d1c8720158d1f85aec0001';
const PATH = '/v1/account/acc42/callcenter/agent';
const JSON_TYPE = 'application/json;charset=utf-8';

describe('sign (checked against openssl)', () => {
  it('signs a POST with a JSON body containing Chinese characters', () => {
    const body = JSON.stringify({
      name: '1004',
      state: 'busy/维修单录入/加急',
      skills: [{ name: '投诉', score: 80, enabled: true }],
      extension: '40288aca587659820158765c305f0000',
    });
    const input = {
      method: 'POST',
      path: PATH,
      body,
      contentType: JSON_TYPE,
      timestamp: '20240102030405',
      appId: APP_ID,
    };
    expect(stringToSign(input)).toBe(
      ['POST', opensslMd5Hex(body), JSON_TYPE, '20240102030405', APP_ID, PATH].join('\n'),
    );
    expect(sign(SECRET, input)).toBe(expectedSignature(SECRET, input));
  });

  it.each(['GET', 'DELETE'])('leaves the MD5 and content-type lines empty for %s', (method) => {
    const input = {
      method,
      path: `${PATH}/1004`,
      // Even if a caller passes a body and type, a bodyless method signs empty lines.
      body: '{"ignored":true}',
      contentType: JSON_TYPE,
      timestamp: '20991231235959',
      appId: APP_ID,
    };
    expect(stringToSign(input)).toBe(
      [method, '', '', '20991231235959', APP_ID, `${PATH}/1004`].join('\n'),
    );
    expect(sign(SECRET, input)).toBe(expectedSignature(SECRET, { ...input, body: '' }));
  });

  it('upper-cases the method before signing', () => {
    const input = {
      method: 'post',
      path: PATH,
      body: '{}',
      contentType: JSON_TYPE,
      timestamp: '20240102030405',
      appId: APP_ID,
    };
    expect(sign(SECRET, input)).toBe(expectedSignature(SECRET, { ...input, method: 'POST' }));
  });

  it('changes when any signed part changes', () => {
    const base = {
      method: 'POST',
      path: PATH,
      body: '{"state":"idle"}',
      contentType: JSON_TYPE,
      timestamp: '20240102030405',
      appId: APP_ID,
    };
    const reference = sign(SECRET, base);
    expect(sign('other-secret', base)).not.toBe(reference);
    expect(sign(SECRET, { ...base, body: '{"state":"busy"}' })).not.toBe(reference);
    expect(sign(SECRET, { ...base, contentType: 'application/json' })).not.toBe(reference);
    expect(sign(SECRET, { ...base, timestamp: '20240102030406' })).not.toBe(reference);
    expect(sign(SECRET, { ...base, appId: 'other' })).not.toBe(reference);
    expect(sign(SECRET, { ...base, path: `${PATH}/x` })).not.toBe(reference);
  });

  it("signedHeaders carries AppID, CertID, the platform's wall-clock timestamp and the signature", () => {
    // 2024-01-02 03:04:05 in Asia/Shanghai (UTC+8), the default platform zone.
    const now = new Date(Date.UTC(2024, 0, 1, 19, 4, 5));
    const body = '{"id":"e1"}';
    const headers = signedHeaders(
      { appId: APP_ID, certId: 'cert-1', secretKey: SECRET },
      'POST',
      `${PATH}/1004/extension`,
      body,
      JSON_TYPE,
      now,
    );
    expect(headers).toEqual({
      AppID: APP_ID,
      CertID: 'cert-1',
      Timestamp: '20240102030405',
      Signature: expectedSignature(SECRET, {
        method: 'POST',
        path: `${PATH}/1004/extension`,
        body,
        contentType: JSON_TYPE,
        timestamp: '20240102030405',
        appId: APP_ID,
      }),
    });
  });
});

describe('timestamps', () => {
  // Zones with no DST, with DST, half-hour and 45-minute offsets, and a half-hour DST shift.
  const ZONES = [
    'Asia/Shanghai',
    'UTC',
    'America/New_York',
    'Europe/London',
    'Asia/Kolkata',
    'Asia/Kathmandu',
    'Australia/Lord_Howe',
  ];

  it("formats yyyyMMddHHmmss on the platform's clock (Asia/Shanghai by default), zero-padded", () => {
    expect(formatTimestamp(new Date(Date.UTC(2024, 0, 1, 19, 4, 5)))).toBe('20240102030405');
    expect(formatTimestamp(new Date(Date.UTC(1999, 11, 31, 15, 59, 59)))).toBe('19991231235959');
    // Midnight: hour 00, never 24.
    expect(formatTimestamp(new Date(Date.UTC(2024, 1, 28, 16, 0, 0)))).toBe('20240229000000');
  });

  it('formats one instant as each platform zone shows it, whatever this machine is set to', () => {
    const instant = new Date(Date.UTC(2026, 6, 1, 12, 0, 7)); // 12:00:07 UTC, July
    expect(formatTimestamp(instant, 'Asia/Shanghai')).toBe('20260701200007');
    expect(formatTimestamp(instant, 'UTC')).toBe('20260701120007');
    expect(formatTimestamp(instant, 'America/New_York')).toBe('20260701080007'); // EDT
    expect(formatTimestamp(instant, 'Asia/Kathmandu')).toBe('20260701174507');
    expect(() => formatTimestamp(instant, 'Mars/Olympus_Mons')).toThrow(RangeError);
  });

  it('reads a Timestamp in the zone it is given', () => {
    const shanghai = parseTimestamp('20260701200007');
    expect(shanghai).toBe(Date.UTC(2026, 6, 1, 12, 0, 7));
    expect(parseTimestamp('20260701200007', 'UTC')).toBe(Date.UTC(2026, 6, 1, 20, 0, 7));
    expect(parseTimestamp('20260701200007', 'America/New_York')).toBe(
      Date.UTC(2026, 6, 2, 0, 0, 7),
    );
    // A wall time New York's clocks skip (2026-03-08 02:30) is no time there.
    expect(parseTimestamp('20260308023000', 'America/New_York')).toBeNull();
  });

  it('checks a stream of Timestamps without reading the zone through Intl for each', () => {
    // As the emulator checks every request's Timestamp (and the client signs every request):
    // the zone's reading is kept for the hours asked about, not re-read per Timestamp. A zone
    // no other test here uses, so nothing is kept from before.
    const zone = 'Asia/Tokyo';
    const reads = vi.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
    try {
      const start = Date.UTC(2026, 5, 1, 3, 0, 0);
      for (let i = 0; i < 200; i++) {
        const at = new Date(start + i * 5_000);
        expect(parseTimestamp(formatTimestamp(at, zone), zone)).toBe(at.getTime());
      }
      // Two hours are involved (the instant's, and its wall time taken as UTC), each read at
      // both ends, once.
      expect(reads.mock.calls.length).toBeLessThanOrEqual(8);
    } finally {
      reads.mockRestore();
    }
  });

  it('round-trips any date to the second, in any zone', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date(1971, 0, 1), max: new Date(2199, 11, 31), noInvalidDate: true }),
        fc.constantFrom(...ZONES),
        (date, zone) => {
          const text = formatTimestamp(date, zone);
          const ms = parseTimestamp(text, zone);
          expect(ms).not.toBeNull();
          // Compare wall-clock text: in a DST fall-back hour two instants share one text.
          expect(formatTimestamp(new Date(ms!), zone)).toBe(text);
          expect(Math.abs(ms! - Math.floor(date.getTime() / 1000) * 1000)).toBeLessThanOrEqual(
            3_600_000,
          );
        },
      ),
    );
  });

  it('reads each instant as Intl reads it in that zone, across clock changes and in any order', () => {
    // Intl's own reading, one formatter call per instant: what the platform's clock shows.
    const intl = (ms: number, zone: string) => {
      const parts = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      }).formatToParts(ms);
      const part = (type: string) => parts.find((p) => p.type === type)!.value;
      return `${part('year').padStart(4, '0')}${part('month')}${part('day')}${part('hour')}${part('minute')}${part('second')}`;
    };
    // Clock changes: New York's, London's and Lord Howe's half-hour ones.
    const changes = [
      Date.UTC(2026, 2, 8, 7, 0, 0), // New York springs forward
      Date.UTC(2026, 10, 1, 6, 0, 0), // New York falls back
      Date.UTC(2026, 2, 29, 1, 0, 0), // London
      Date.UTC(2026, 3, 4, 15, 0, 0), // Lord Howe, 02:00 → 01:30
      Date.UTC(2026, 9, 3, 15, 30, 0), // Lord Howe, 02:00 → 02:30
    ];
    // Every 5 minutes through the two hours either side of each change, in order, in every
    // zone: a reading kept from one hour is asked about the next, and about the minutes after
    // a change inside an hour (Lord Howe's October one, at 15:30 UTC).
    for (const zone of ZONES) {
      for (const at of changes) {
        for (let ms = at - 7_200_000; ms <= at + 7_200_000; ms += 300_000) {
          expect(formatTimestamp(new Date(ms), zone), `${zone} ${new Date(ms).toISOString()}`).toBe(
            intl(ms, zone),
          );
        }
      }
    }
    // And any instant at all, asked in a random order.
    const anyInstant = fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2199, 11, 31) });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(anyInstant, fc.constantFrom(...ZONES)), { minLength: 1, maxLength: 30 }),
        (asked) => {
          for (const [ms, zone] of asked) {
            expect(formatTimestamp(new Date(ms), zone)).toBe(intl(ms, zone));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it.each([
    '',
    '2024010203040',
    '202401020304050',
    '2024-01-02 03:04:05',
    '20241301000000',
    '20240230000000',
    '20240102250000',
    '2024010203O405',
    '00990102030405',
  ])('refuses %j', (text) => {
    expect(parseTimestamp(text)).toBeNull();
  });
});
