/**
 * The edge mode's small parts without any daemon: rtpengine's bencode, the platform phone's SIP
 * text handling, the plain RTP endpoint (two of them talking on loopback: tone, hold, RFC 4733
 * digits), and the one rule that says which offers the window can take.
 */
import { createSocket } from 'node:dgram';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { bdecode, bencode, type Bencoded } from '../../../src/emulator/edge/ng-client';
import { describeAudio, RtpEndpoint } from '../../../src/emulator/edge/rtp-endpoint';
import { PlatformPhone } from '../../../src/emulator/edge/platform-phone';
import {
  formatSip,
  header,
  headerValues,
  methodOf,
  parseSip,
  statusOf,
  tagOf,
  uriOf,
} from '../../../src/emulator/edge/sip-message';
import { mediaRefusal } from '../../../src/shared/domain/media-offer';
import { startDemoPlatformFromEnv } from '../../../src/emulator/demo-platform';
import { silentLogger } from '../../../src/lib/ports';
import { waitFor } from '../../support/wait';

describe('bencode (rtpengine ng)', () => {
  it('round-trips what rtpengine sends and receives', () => {
    const value = { command: 'query', 'call-id': 'a@b', flags: ['x', 'y'], n: 42 };
    expect(bdecode(bencode(value))).toEqual(value);
    expect(bencode({ b: 1, a: 'z' }).toString()).toBe('d1:a1:z1:bi1ee');
  });

  it('round-trips any nesting of strings, integers, lists and dictionaries', () => {
    const leaf = fc.oneof(fc.string(), fc.integer());
    const value = fc.letrec<{ v: Bencoded }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie('v'), { maxKeys: 4 }),
      ),
    })).v;
    fc.assert(
      fc.property(value, (v) => {
        expect(bdecode(bencode(v))).toEqual(v);
      }),
    );
  });

  it('keeps a `__proto__` key from the wire as a key, not as the prototype', () => {
    const decoded = bdecode(Buffer.from('d9:__proto__d1:ai1eee')) as Record<string, unknown>;
    expect(Object.keys(decoded)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect((decoded as { a?: unknown }).a).toBeUndefined();
  });

  it('refuses malformed input with an error, not a crash', () => {
    expect(() => bdecode(Buffer.from('i12'))).toThrow(/unterminated/);
    expect(() => bdecode(Buffer.from('x:abc'))).toThrow(/bad string/);
  });
});

describe('SIP text', () => {
  const response = [
    'SIP/2.0 200 OK',
    'v: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1, SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK2',
    'Record-Route: <sip:127.0.0.1:5066;transport=ws;r2=on;lr>, <sip:127.0.0.1:5060;r2=on;lr>',
    'f: "13900001111" <sip:13900001111@1.area.oneyun.com>;tag=abc',
    'To: <sip:10001800001@sip.oneyun.com>;tag=xyz',
    'i: call-1@127.0.0.1',
    'CSeq: 1 INVITE',
    'm: <sip:ad09@x.invalid;transport=ws;alias=127.0.0.1~5~5>',
    'Content-Length: 4',
    '',
    'v=0\n',
  ].join('\r\n');

  it('reads compact headers, comma lists and tags', () => {
    const message = parseSip(response);
    expect(statusOf(message)).toBe(200);
    expect(methodOf(message)).toBe('INVITE');
    expect(headerValues(message, 'via')).toHaveLength(2);
    expect(headerValues(message, 'record-route')).toEqual([
      '<sip:127.0.0.1:5066;transport=ws;r2=on;lr>',
      '<sip:127.0.0.1:5060;r2=on;lr>',
    ]);
    expect(tagOf(header(message, 'from'))).toBe('abc');
    expect(tagOf(header(message, 'to'))).toBe('xyz');
    expect(header(message, 'call-id')).toBe('call-1@127.0.0.1');
    expect(uriOf(header(message, 'contact')!)).toBe(
      'sip:ad09@x.invalid;transport=ws;alias=127.0.0.1~5~5',
    );
  });

  it('formats with a correct Content-Length and refuses what is not SIP', () => {
    const text = formatSip('BYE sip:a@b SIP/2.0', [['CSeq', '2 BYE']], 'é');
    expect(text).toContain('Content-Length: 2\r\n\r\né');
    expect(methodOf(parseSip(text))).toBe('BYE');
    expect(() => parseSip('GET / HTTP/1.1\r\n\r\n')).toThrow(/not SIP/);
  });
});

describe('which offers the window can take', () => {
  const offer = (proto: string) => `v=0\r\nm=audio 4000 ${proto} 0 101\r\n`;
  it('takes WebRTC offers, refuses plain RTP and an edge without its relay', () => {
    expect(mediaRefusal(offer('UDP/TLS/RTP/SAVPF'), undefined)).toBeNull();
    expect(mediaRefusal(offer('RTP/AVP'), undefined)).toMatch(/plain RTP\/AVP/);
    expect(mediaRefusal(offer('UDP/TLS/RTP/SAVPF'), 'unavailable')).toMatch(/media relay/);
    expect(mediaRefusal('v=0\r\n', undefined)).toMatch(/no audio/);
  });
});

describe('the platform phone', () => {
  it('follows a re-INVITE’s new Contact: its BYE goes where the desktop is now', async () => {
    // A UDP socket stands in for the registrar and the desktop behind it.
    const registrar = createSocket('udp4');
    await new Promise<void>((resolve) => registrar.bind(0, '127.0.0.1', resolve));
    const seen: Array<{ message: ReturnType<typeof parseSip>; port: number }> = [];
    registrar.on('message', (data, remote) =>
      seen.push({ message: parseSip(data), port: remote.port }),
    );
    const phone = await PlatformPhone.open({
      registrar: `127.0.0.1:${registrar.address().port}`,
      domain: 'sip.oneyun.com',
      directory: { accounts: () => [{ extensionId: 'e1', sipUser: '1000100001' } as never] },
    });
    const send = (text: string) =>
      registrar.send(text, Number(phone.address.split(':')[1]), '127.0.0.1');
    const first = (what: (m: ReturnType<typeof parseSip>) => boolean) =>
      waitFor(() => seen.find((s) => what(s.message))?.message, 'a message from the phone');
    try {
      let answered = false;
      const leg = phone.place(
        {
          callId: 'c1',
          extensionId: 'e1',
          from: { user: '139', displayName: '139' },
          offerSdp: 'v=0\r\n',
        },
        {
          answered: () => void (answered = true),
          ended: () => undefined,
          reoffer: async () => 'v=0\r\n',
        },
      );
      const invite = await first((m) => m.startLine.startsWith('INVITE'));
      const to = `${header(invite, 'to')};tag=desk`;
      const dialog = (contact: string): Array<[string, string]> => [
        ['From', header(invite, 'from')!],
        ['To', to],
        ['Call-ID', header(invite, 'call-id')!],
        ['Contact', `<${contact}>`],
      ];
      send(
        formatSip('SIP/2.0 200 OK', [
          ['Via', header(invite, 'via')!],
          ...dialog('sip:desk@127.0.0.1:1111;transport=ws'),
          ['CSeq', '1 INVITE'],
        ]),
      );
      await waitFor(() => answered, 'answered');
      // The desktop's line came back on a new connection and re-INVITEs from there.
      send(
        formatSip(
          `INVITE sip:platform@${phone.address} SIP/2.0`,
          [
            ['Via', 'SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKrefresh'],
            ['From', to],
            ['To', header(invite, 'from')!],
            ['Call-ID', header(invite, 'call-id')!],
            ['Contact', '<sip:desk@127.0.0.1:2222;transport=ws>'],
            ['CSeq', '2 INVITE'],
          ],
          'v=0\r\n',
        ),
      );
      await first((m) => m.startLine === 'SIP/2.0 200 OK' && header(m, 'cseq') === '2 INVITE');
      leg.hangUp();
      const bye = await first((m) => m.startLine.startsWith('BYE'));
      expect(bye.startLine).toBe('BYE sip:desk@127.0.0.1:2222;transport=ws SIP/2.0');
    } finally {
      await phone.close();
      registrar.close();
    }
  });
});

describe('the plain RTP endpoint', () => {
  const endpoints: RtpEndpoint[] = [];
  afterEach(async () => {
    await Promise.all(endpoints.splice(0).map((e) => e.close()));
  });
  const endpoint = () => {
    const e = new RtpEndpoint();
    endpoints.push(e);
    return e;
  };

  it('offers plain RTP/AVP PCMU + telephone-event on loopback', async () => {
    const audio = describeAudio(await endpoint().createOffer());
    expect(audio).toMatchObject({
      address: '127.0.0.1',
      proto: 'RTP/AVP',
      payloadTypes: [0, 101],
      eventPayloadType: 101,
      direction: 'sendrecv',
    });
  });

  it('talks both ways, and a sendonly re-offer (hold) stops both directions', async () => {
    const platform = endpoint();
    const phone = endpoint();
    const offer = await platform.createOffer();
    // The "phone" answers by way of its own offer port: answerOffer needs an open socket.
    const phoneOffer = await phone.createOffer();
    await platform.applyAnswer(await phone.answerOffer(offer));
    await waitFor(
      () => platform.stats().packetsReceived > 5 && phone.stats().packetsReceived > 5,
      'tone both ways',
    );
    expect(platform.stats().receivedLevel).toBeGreaterThan(0.1);

    // The phone's re-offers, as the agent's hold and resume re-INVITEs bring them.
    const held = phoneOffer.replace('a=sendrecv', 'a=sendonly');
    const answer = await platform.answerOffer(held);
    expect(describeAudio(answer).direction).toBe('recvonly');
    await new Promise((r) => setTimeout(r, 100));
    const before = phone.stats().packetsReceived;
    await new Promise((r) => setTimeout(r, 200));
    expect(phone.stats().packetsReceived).toBe(before);

    expect(describeAudio(await platform.answerOffer(phoneOffer)).direction).toBe('sendrecv');
    await waitFor(() => phone.stats().packetsReceived > before + 3, 'tone again after resume');
  });

  it('decodes RFC 4733 events into digits, once per event despite repeated end packets', async () => {
    const platform = endpoint();
    const audio = describeAudio(await platform.createOffer());
    const socket = createSocket('udp4');
    const send = (event: number, end: boolean, timestamp: number) => {
      const packet = Buffer.alloc(16);
      packet[0] = 0x80;
      packet[1] = 101;
      packet.writeUInt32BE(timestamp, 4);
      packet[12] = event;
      packet[13] = end ? 0x8a : 0x0a;
      socket.send(packet, audio.port, '127.0.0.1');
    };
    for (const [event, timestamp] of [
      [1, 1000],
      [2, 2000],
      [11, 3000],
    ] as const) {
      send(event, false, timestamp);
      for (let i = 0; i < 3; i++) send(event, true, timestamp);
    }
    await waitFor(() => platform.stats().digits === '12#', 'digits 12#');
    socket.close();
  });

  it('drops datagrams whose lengths point past their end, and goes on', async () => {
    const platform = endpoint();
    const audio = describeAudio(await platform.createOffer());
    const socket = createSocket('udp4');
    const rtp = (first: number, pt: number, body: number[]) =>
      Buffer.from([first, pt, 0, 1, 0, 0, 0x03, 0xe8, 0, 0, 0, 7, ...body]);
    const bad = [
      rtp(0x90, 0, []), // header extension announced, none there
      rtp(0x90, 0, [0xbe, 0xde, 0xff, 0xff]), // an extension longer than the datagram
      rtp(0x8f, 0, [0, 0, 0, 0]), // 15 CSRCs announced, one there
      rtp(0xa0, 0, [0xff, 0xff, 0xff, 0xff, 200]), // more padding than packet
      rtp(0x80, 101, [1, 0x80]), // a truncated telephone-event
    ];
    for (const packet of bad) socket.send(packet, audio.port, '127.0.0.1');
    // Then a good event (digit 1, end) on the same socket: it still counts.
    socket.send(rtp(0x80, 101, [1, 0x8a, 3, 0x20]), audio.port, '127.0.0.1');
    await waitFor(() => platform.stats().digits === '1', 'digit 1 after the bad datagrams');
    // Only the truncated event (a well-formed RTP packet) and the good one were taken as RTP.
    expect(platform.stats().packetsReceived).toBe(2);
    socket.close();
  });

  it('refuses an answer without PCMU with an error', async () => {
    const platform = endpoint();
    await platform.createOffer();
    await expect(
      platform.applyAnswer('v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 4000 RTP/AVP 8\r\n'),
    ).rejects.toThrow(/no PCMU/);
  });
});

describe('AGENT_DESKTOP_EMULATOR', () => {
  it('refuses a mode it does not know, naming the two it does', async () => {
    await expect(
      startDemoPlatformFromEnv(silentLogger, { AGENT_DESKTOP_EMULATOR: 'kamailio' }),
    ).rejects.toThrow(/"embedded" or "edge", not "kamailio"/);
  });
});
