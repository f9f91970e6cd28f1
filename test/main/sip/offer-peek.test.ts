/**
 * The first look at an INVITE (before sip.js parses it) must show exactly what sip.js's parse
 * shows — the caller text the window gets — or step aside (null) so the call rings the ordinary
 * way. Compared here against sip.js's own parser over the From forms callers really send.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Parser } from 'sip.js/lib/core/messages/parser.js';
import type { IncomingRequestMessage } from 'sip.js/lib/core/messages/incoming-request-message.js';
import { callerLabel, peekOffer } from '../../../src/main/sip/offer-peek';

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n';
const quiet = { debug() {}, log() {}, warn() {}, error() {} } as never;

function invite(overrides: Record<string, string | null> = {}, startLine?: string): string {
  const headers: Record<string, string | null> = {
    Via: 'SIP/2.0/WSS 127.0.0.1:5066;branch=z9hG4bK776asdhds',
    'Max-Forwards': '70',
    From: '"张三" <sip:13800000001@12.area.oneyun.com>;tag=1928301774',
    To: '<sip:8001@sip.oneyun.com>',
    'Call-ID': 'a84b4c76e66710@pc33.example.com',
    CSeq: '314159 INVITE',
    Contact: '<sip:13800000001@127.0.0.1:5060>',
    'Content-Type': 'application/sdp',
    'Content-Length': String(Buffer.byteLength(SDP)),
    ...overrides,
  };
  const lines = Object.entries(headers)
    .filter(([, value]) => value !== null)
    .map(([name, value]) => `${name}: ${value}`);
  return [
    startLine ?? 'INVITE sip:8001@127.0.0.1:5066;transport=ws SIP/2.0',
    ...lines,
    '',
    SDP,
  ].join('\r\n');
}

/** What the window shows for `message` when sip.js parses it (as SipIncomingCall does). */
function bySipJs(message: string): string {
  const parsed = Parser.parseMessage(message, quiet) as IncomingRequestMessage;
  const from = parsed.from;
  return callerLabel(from.displayName, from.uri.user ?? from.uri.host);
}

describe('the first look at an INVITE', () => {
  const FROMS = [
    '"张三" <sip:13800000001@12.area.oneyun.com>;tag=1',
    '"13800000001" <sip:13800000001@pstn.example>;tag=2',
    '<sip:13800000001@pstn.example>;tag=3',
    'sip:13800000001@pstn.example;tag=4',
    'Bob <sip:bob@biloxi.example.com>;tag=5',
    'Bob Smith <sip:bob@biloxi.example.com>;tag=6',
    '"" <sip:anonymous@anonymous.invalid>;tag=7',
    '"  spaced  " <sip:1001@host>;tag=8',
    '<sip:host.only.example>;tag=9',
    '"Ann" <sips:ann@secure.example:5061>;tag=10',
    '"Queue 3" <sip:4000@12.area.oneyun.com;user=phone>;tag=11',
  ];
  for (const from of FROMS) {
    it(`shows what sip.js shows for From: ${from}`, () => {
      const message = invite({ From: from });
      const peeked = peekOffer(message);
      expect(peeked).not.toBeNull();
      expect(peeked!.caller).toBe(bySipJs(message));
    });
  }

  it('reads the Call-ID, the Request-URI user, the SDP and other headers, long or compact', () => {
    const message = invite({ 'Call-ID': null, i: 'compact-id@host', 'X-Media-Relay': 'edge-1' });
    const peeked = peekOffer(message)!;
    expect(peeked.sipCallId).toBe('compact-id@host');
    expect(peeked.toUser).toBe('8001');
    expect(peeked.body).toBe(SDP);
    expect(peeked.header('x-media-relay')).toBe('edge-1');
    expect(peeked.header('X-Nothing')).toBeUndefined();
  });

  const STEP_ASIDE: [string, string][] = [
    ['a response', 'SIP/2.0 200 OK'],
    ['another method', 'OPTIONS sip:8001@127.0.0.1 SIP/2.0'],
    ['a tel: Request-URI', 'INVITE tel:+8613800000001 SIP/2.0'],
    // sip.js decodes it (801): the line would compare the wrong user with its own.
    ['an escaped Request-URI user', 'INVITE sip:8%301@127.0.0.1 SIP/2.0'],
  ];
  for (const [what, startLine] of STEP_ASIDE) {
    it(`steps aside for ${what}`, () => {
      expect(peekOffer(invite({}, startLine))).toBeNull();
    });
  }

  const REFUSED: [string, Record<string, string | null>][] = [
    ['a To tag (a re-INVITE in a dialog)', { To: '<sip:8001@sip.oneyun.com>;tag=abc' }],
    ['no SDP offer', { 'Content-Type': 'text/plain' }],
    ['no Content-Type', { 'Content-Type': null }],
    ['no Contact', { Contact: null }],
    ['no Call-ID', { 'Call-ID': null }],
    ['two From headers', { From: '<sip:a@b>;tag=1\r\nFrom: <sip:c@d>;tag=2' }],
    ['an escaped user', { From: '<sip:%31380@pstn.example>;tag=1' }],
    ['an escaped display name', { From: '"a\\"b" <sip:1@pstn.example>;tag=1' }],
    ['a folded header', { Subject: 'one\r\n two' }],
    ['a URI scheme it does not know', { From: '<tel:+8613800000001>;tag=1' }],
    // sip.js cannot parse these, drops the INVITE, and a call shown early would flash and go.
    ['a host name sip.js refuses', { From: '<sip:138@b..example>;tag=1' }],
    ['a Call-ID sip.js refuses', { 'Call-ID': '@a' }],
    ['a From parameter sip.js refuses', { From: 'sip:138@b.example;=;tag=1' }],
  ];
  for (const [what, overrides] of REFUSED) {
    it(`leaves ${what} to sip.js`, () => {
      expect(peekOffer(invite(overrides))).toBeNull();
    });
  }

  it('leaves an INVITE without a body or without the blank line to sip.js', () => {
    expect(peekOffer(invite().replace(SDP, ''))).toBeNull();
    expect(peekOffer(invite().replace('\r\n\r\n', '\r\n'))).toBeNull();
  });

  it('never throws on bytes that are not SIP', () => {
    for (const junk of [
      '',
      'INVITE ',
      'INVITE \r\n\r\n',
      'INVITE sip:@ SIP/2.0\r\n\r\nx',
      '\u0000',
    ])
      expect(peekOffer(junk)).toBeNull();
  });
});

describe('the first look against sip.js, over generated INVITEs', () => {
  const pick = (chars: string, max: number) =>
    fc
      .array(fc.constantFrom(...chars.split('')), { minLength: 1, maxLength: max })
      .map((cs) => cs.join(''));
  /** Mostly what callers really send, now and then something odd. */
  const usually = <T>(plain: fc.Arbitrary<T>, odd: fc.Arbitrary<T>) =>
    fc.oneof({ arbitrary: plain, weight: 5 }, { arbitrary: odd, weight: 1 });
  const host = usually(
    fc.oneof(
      fc.array(pick('abz', 4), { minLength: 1, maxLength: 3 }).map((ls) => `${ls.join('.')}.com`),
      fc.array(fc.nat(255), { minLength: 4, maxLength: 4 }).map((ns) => ns.join('.')),
    ),
    fc.oneof(
      fc.array(pick('ab9-_', 4), { minLength: 1, maxLength: 3 }).map((ls) => ls.join('.')),
      fc.array(pick('ab9', 3), { minLength: 1, maxLength: 3 }).map((ls) => `${ls.join('..')}.`),
      fc.array(fc.nat(300), { minLength: 3, maxLength: 5 }).map((ns) => ns.join('.')),
      fc.constant('[::1]'),
    ),
  );
  const user = usually(pick('0123456789+', 12), pick("0123456789+-.abc_!~*'()&=$,%3A;:", 8));
  const params = usually(
    fc.constantFrom('', ';user=phone', ';lr', ';transport=ws', ':5060'),
    fc.constantFrom('?x=1', ':70000', ';a=b=c', ';=', '?', ';x="y"'),
  );
  const uri = fc
    .tuple(
      usually(fc.constantFrom('sip', 'sips'), fc.constantFrom('SIP', 'tel', 'http')),
      fc.option(user, { nil: undefined, freq: 8 }),
      host,
      params,
    )
    .map(([scheme, u, h, rest]) => `${scheme}:${u === undefined ? '' : `${u}@`}${h}${rest}`);
  const name = fc.oneof(
    fc.constant(undefined),
    fc
      .string({ unit: 'grapheme', maxLength: 6 })
      .filter((s) => !/["\\\r\n]/.test(s))
      .map((s) => `"${s}"`),
    fc
      .array(pick("Ab9.!%*_+`'~-", 5), { minLength: 1, maxLength: 3 })
      .chain((words) => fc.constantFrom(' ', '  ', '\t').map((gap) => words.join(gap))),
  );
  const from = fc
    .tuple(name, uri, fc.constantFrom(' ', '', '  '), fc.boolean())
    .map(([n, u, gap, bracket]) =>
      n === undefined && !bracket ? `${u};tag=1` : `${n ?? ''}${gap}<${u}>;tag=1`,
    );
  const target = fc
    .tuple(usually(pick('0123456789', 6), pick('0123456789abc%3-;:', 6)), host, params)
    .map(([u, h, rest]) => `sip:${u}@${h}${rest}`);
  const callId = usually(
    fc.tuple(pick('ab9.-', 10), fc.option(pick('ab.', 6))).map(([a, b]) => (b ? `${a}@${b}` : a)),
    pick('ab9@.-_"<>%!', 10),
  );

  it('shows exactly what sip.js shows, or steps aside', () => {
    let shown = 0;
    fc.assert(
      fc.property(from, target, callId, (f, t, c) => {
        const message = invite({ From: f, 'Call-ID': c }, `INVITE ${t} SIP/2.0`);
        const peeked = peekOffer(message);
        if (peeked === null) return;
        shown++;
        const parsed = Parser.parseMessage(message, quiet) as IncomingRequestMessage | undefined;
        expect(parsed, 'sip.js parses what the first look shows').toBeDefined();
        expect(peeked.caller).toBe(bySipJs(message));
        expect(peeked.sipCallId).toBe(parsed!.callId);
        expect(peeked.toUser).toBe(parsed!.ruri!.user);
      }),
      { numRuns: 3000 },
    );
    // The property says something only if the first look often shows the call.
    expect(shown).toBeGreaterThan(300);
  });
});
