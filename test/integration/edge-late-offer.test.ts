/**
 * A late offer through the shipped site edge (real Kamailio + real rtpengine): the platform
 * sends a re-INVITE with no SDP during a call (a Session-Timers refresh or a media resync, as
 * B2BUAs do). The desktop's 200 OK then carries a WebRTC offer and the platform's ACK the plain
 * RTP answer; each must reach the other leg rewritten by rtpengine, as the first INVITE's offer
 * and answer are. Untranslated, the platform is offered DTLS-SRTP with ICE and the call's audio
 * stops.
 *
 * The platform is a raw UDP socket and the desktop a raw WebSocket, so the SIP is exactly what
 * the test writes. Skips with the reason where Kamailio or rtpengine is not installed (fails in
 * CI).
 */
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startSiteEdge, type RunningSiteEdge } from '../../src/emulator/edge/site-edge';
import {
  formatSip,
  header,
  headerValues,
  methodOf,
  parseSip,
  statusOf,
  type SipMessage,
} from '../../src/emulator/edge/sip-message';
import { freeUdpPort } from '../../src/emulator/sip/free-port';
import { silentLogger } from '../../src/lib/ports';
import { missingSystem } from '../support/system';
import { waitFor } from '../support/wait';
// The platform's offer, and what a browser's SDP looks like to the edge (ICE, DTLS, rtcp-mux).
import { DOMAIN, PLATFORM_OFFER, desktopSdp } from './support/edge-bed';

const skip = missingSystem('kamailio', 'rtpengine');
const DESK_CONTACT = '<sip:desk@d.invalid;transport=ws>';

const sdp = (lines: string[]) => [...lines, ''].join('\r\n');
const PLATFORM_ANSWER = sdp([
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 40002 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
  'a=sendrecv',
]);
const WEBRTC_ONLY = /SAVPF|ice-ufrag|fingerprint|candidate/;

describe.skipIf(skip)(skip ?? 'a late offer through the edge (Kamailio + rtpengine)', () => {
  let edge: RunningSiteEdge;
  const platform = createSocket('udp4');
  let desk: WebSocket;
  const atPlatform: SipMessage[] = [];
  const atDesk: SipMessage[] = [];
  let platformPort = 0;

  const toEdge = (text: string) => {
    const [host, port] = edge.udpAddress.split(':') as [string, string];
    platform.send(text, Number(port), host);
  };
  const platformVia = (branch: string) =>
    `SIP/2.0/UDP 127.0.0.1:${platformPort};branch=z9hG4bK${branch};rport`;
  /** A reply echoing the request's dialog headers (and its Record-Route, as a UAS does). */
  const reply = (request: SipMessage, status: string, extra: [string, string][], body = '') => {
    const to = header(request, 'To') ?? '';
    return formatSip(
      `SIP/2.0 ${status}`,
      [
        ...headerValues(request, 'Via').map((v): [string, string] => ['Via', v]),
        ...headerValues(request, 'Record-Route').map((r): [string, string] => ['Record-Route', r]),
        ['From', header(request, 'From') ?? ''],
        ['To', to.includes('tag=') ? to : `${to};tag=desk1`],
        ['Call-ID', header(request, 'Call-ID') ?? ''],
        ['CSeq', header(request, 'CSeq') ?? ''],
        ...extra,
        ...(body ? [['Content-Type', 'application/sdp'] as [string, string]] : []),
      ],
      body,
    );
  };

  beforeAll(async () => {
    platformPort = await freeUdpPort();
    await new Promise<void>((done) => platform.bind(platformPort, '127.0.0.1', () => done()));
    edge = await startSiteEdge({
      platform: `127.0.0.1:${platformPort}`,
      domain: DOMAIN,
      logger: silentLogger,
    });
    // The platform's registrar: takes the desktop's REGISTER (with the edge's Path).
    platform.on('message', (data) => {
      const message = parseSip(data);
      atPlatform.push(message);
      if (methodOf(message) === 'REGISTER') {
        toEdge(reply(message, '200 OK', [['Contact', `${DESK_CONTACT};expires=300`]]));
      }
    });
    desk = new WebSocket(edge.wsUrl, 'sip');
    await new Promise<void>((done, fail) => {
      desk.once('open', () => done());
      desk.once('error', fail);
    });
    desk.on('message', (data) => atDesk.push(parseSip(String(data))));
    desk.send(
      formatSip('REGISTER sip:sip.oneyun.com SIP/2.0', [
        ['Via', 'SIP/2.0/WS d.invalid;branch=z9hG4bKreg1'],
        ['Max-Forwards', '70'],
        ['From', `<sip:8001@${DOMAIN}>;tag=r1`],
        ['To', `<sip:8001@${DOMAIN}>`],
        ['Call-ID', 'late-offer-reg'],
        ['CSeq', '1 REGISTER'],
        ['Contact', `${DESK_CONTACT};expires=300`],
      ]),
    );
    await waitFor(() => atDesk.find((m) => statusOf(m) === 200), 'the desktop registered');
  }, 30_000);

  afterAll(async () => {
    desk?.terminate();
    platform.close();
    await edge?.stop();
  });

  it("rewrites the desktop's offer in the 2xx and the platform's answer in the ACK", async () => {
    const path = header(
      atPlatform.find((m) => methodOf(m) === 'REGISTER')!,
      'Path',
    )!;
    const from = `<sip:13800000001@1.area.oneyun.com>;tag=plat1`;
    const callId = 'late-offer-call';
    const contact = `<sip:platform@127.0.0.1:${platformPort}>`;
    toEdge(
      formatSip(
        `INVITE sip:desk@d.invalid;transport=ws SIP/2.0`,
        [
          ['Via', platformVia('inv1')],
          ['Route', path],
          ['Max-Forwards', '70'],
          ['From', from],
          ['To', `<sip:8001@${DOMAIN}>`],
          ['Call-ID', callId],
          ['CSeq', '1 INVITE'],
          ['Contact', contact],
          ['Content-Type', 'application/sdp'],
        ],
        PLATFORM_OFFER,
      ),
    );
    const invites = () => atDesk.filter((m) => methodOf(m) === 'INVITE');
    const invite = await waitFor(() => invites()[0], 'the INVITE at the desktop');
    desk.send(reply(invite, '200 OK', [['Contact', DESK_CONTACT]], desktopSdp(1, 'active')));
    const okAt = (cseq: string) => () =>
      atPlatform.find((m) => statusOf(m) === 200 && header(m, 'CSeq') === cseq);
    const ok = await waitFor(okAt('1 INVITE'), "the desktop's 200 at the platform");
    expect(ok.body).not.toMatch(WEBRTC_ONLY);

    // The platform's side of the dialog: its route set is the 200's Record-Route, reversed.
    const routes = headerValues(ok, 'Record-Route')
      .flatMap((r) => r.split(/,\s*(?=<)/))
      .reverse();
    const target = /<([^>]+)>/.exec(header(ok, 'Contact')!)![1]!;
    const inDialog = (method: string, cseq: string, branch: string, body = '') =>
      formatSip(
        `${method} ${target} SIP/2.0`,
        [
          ['Via', platformVia(branch)],
          ...routes.map((r): [string, string] => ['Route', r]),
          ['Max-Forwards', '70'],
          ['From', from],
          ['To', header(ok, 'To')!],
          ['Call-ID', callId],
          ['CSeq', cseq],
          ['Contact', contact],
          ...(body ? [['Content-Type', 'application/sdp'] as [string, string]] : []),
        ],
        body,
      );
    toEdge(inDialog('ACK', '1 ACK', 'ack1'));
    await waitFor(() => atDesk.find((m) => methodOf(m) === 'ACK'), 'the ACK at the desktop');

    // The refresh: a re-INVITE with no SDP. The desktop offers in its 200…
    toEdge(inDialog('INVITE', '2 INVITE', 'inv2'));
    const refresh = await waitFor(() => invites()[1], 'the re-INVITE at the desktop');
    expect(refresh.body).toBe('');
    desk.send(reply(refresh, '200 OK', [['Contact', DESK_CONTACT]], desktopSdp(2, 'actpass')));
    const offer = await waitFor(okAt('2 INVITE'), 'the late offer at the platform');
    expect(offer.body).toMatch(/m=audio \d+ RTP\/AVP /);
    expect(offer.body).not.toMatch(WEBRTC_ONLY);
    expect(offer.body).not.toMatch(/c=IN IP4 0\.0\.0\.0/);

    // …and the platform answers in its ACK: the desktop must get it as WebRTC.
    toEdge(inDialog('ACK', '2 ACK', 'ack2', PLATFORM_ANSWER));
    const answer = await waitFor(
      () => atDesk.filter((m) => methodOf(m) === 'ACK')[1],
      'the late answer at the desktop',
    );
    // As the first INVITE reaches it: SRTP (DTLS) with ICE, rtcp-mux.
    expect(answer.body).toMatch(/m=audio \d+ RTP\/SAVPF /);
    expect(answer.body).toMatch(/a=rtcp-mux/);
    expect(answer.body).toMatch(/a=ice-ufrag:/);
    expect(answer.body).toMatch(/a=fingerprint:/);
  });
});
