/**
 * The first look at an INVITE (before sip.js parses it) must show exactly what sip.js's parse
 * shows — the caller text the window gets — or step aside (null) so the call rings the ordinary
 * way. Compared here against sip.js's own parser over the From forms callers really send.
 */
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
