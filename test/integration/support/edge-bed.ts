/**
 * The shipped site edge (real Kamailio + rtpengine) with a raw UDP socket as the platform, raw
 * WebSockets as desktops, and extra UDP sockets as strangers on other loopback addresses
 * (127.0.0.2, 127.0.0.3: all of 127/8 reaches lo), for tests of what the edge lets through.
 */
import { createSocket, type Socket } from 'node:dgram';
import WebSocket from 'ws';
import {
  startSiteEdge,
  type RunningSiteEdge,
  type SiteEdgeOptions,
} from '../../../src/emulator/edge/site-edge';
import {
  formatSip,
  header,
  headerValues,
  methodOf,
  parseSip,
  statusOf,
  type SipMessage,
} from '../../../src/emulator/edge/sip-message';
import { freeUdpPort } from '../../../src/emulator/sip/free-port';
import { silentLogger } from '../../../src/lib/ports';
import { waitFor } from '../../support/wait';

export const DOMAIN = 'sip.oneyun.com';
const sdp = (lines: string[]) => [...lines, ''].join('\r\n');
export const PLATFORM_OFFER = sdp([
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 40000 RTP/AVP 0 8 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=sendrecv',
]);
export const desktopSdp = (version: number, setup: string) =>
  sdp([
    'v=0',
    `o=- 2 ${version} IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    'm=audio 50000 UDP/TLS/RTP/SAVPF 0 8',
    'c=IN IP4 127.0.0.1',
    'a=rtcp:50000 IN IP4 127.0.0.1',
    'a=ice-ufrag:abcd',
    'a=ice-pwd:abcdefghijklmnopqrstuvwx',
    `a=fingerprint:sha-256 ${Array(32).fill('AB').join(':')}`,
    `a=setup:${setup}`,
    'a=mid:0',
    'a=sendrecv',
    'a=rtcp-mux',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    'a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host',
  ]);

export interface UdpPeer {
  socket: Socket;
  port: number;
  seen: SipMessage[];
  send(text: string, port: number, host?: string): void;
  close(): void;
}

/** A UDP socket on `host` that parses what it receives; `send` goes to 127.0.0.1 unless told. */
export async function udpPeer(
  onMessage?: (m: SipMessage, peer: UdpPeer) => void,
  host = '127.0.0.1',
): Promise<UdpPeer> {
  const socket = createSocket('udp4');
  const port = await freeUdpPort();
  await new Promise<void>((done) => socket.bind(port, host, () => done()));
  const peer: UdpPeer = {
    socket,
    port,
    seen: [],
    send: (text, to, toHost = '127.0.0.1') => socket.send(text, to, toHost),
    close: () => {
      try {
        socket.close();
      } catch {
        /* closed */
      }
    },
  };
  socket.on('message', (data) => {
    let m: SipMessage;
    try {
      m = parseSip(data);
    } catch {
      return;
    }
    peer.seen.push(m);
    onMessage?.(m, peer);
  });
  return peer;
}

/** A reply echoing the request's dialog headers (and its Record-Route, as a UAS does). */
export const reply = (
  request: SipMessage,
  status: string,
  extra: [string, string][],
  body = '',
  toTag = 'desk1',
) => {
  const to = header(request, 'To') ?? '';
  return formatSip(
    `SIP/2.0 ${status}`,
    [
      ...headerValues(request, 'Via').map((v): [string, string] => ['Via', v]),
      ...headerValues(request, 'Record-Route').map((r): [string, string] => ['Record-Route', r]),
      ['From', header(request, 'From') ?? ''],
      ['To', to.includes('tag=') ? to : `${to};tag=${toTag}`],
      ['Call-ID', header(request, 'Call-ID') ?? ''],
      ['CSeq', header(request, 'CSeq') ?? ''],
      ...extra,
      ...(body ? [['Content-Type', 'application/sdp'] as [string, string]] : []),
    ],
    body,
  );
};

export interface Desk {
  ws: WebSocket;
  seen: SipMessage[];
  contact: string;
  /** The Path the platform got with this desk's REGISTER. */
  path: string;
  invites(): SipMessage[];
}

export interface Bed {
  edge: RunningSiteEdge;
  platform: UdpPeer;
  udpPort: number;
  wsPort: number;
  /** Sends from the platform's socket to the edge's UDP port. */
  toEdge(text: string): void;
  /** A desktop registered through the edge (the platform answers every REGISTER 200). */
  desk(user: string, contactUser: string): Promise<Desk>;
  /** The Call-IDs rtpengine holds a media session for. */
  calls(): Promise<string[]>;
  stop(): Promise<void>;
}

/** The edge in front of a UDP socket standing in for the platform's registrar (127.0.0.1). */
export async function startBed(edgeOptions: Partial<SiteEdgeOptions> = {}): Promise<Bed> {
  const platform = await udpPeer((m, peer) => {
    if (methodOf(m) === 'REGISTER') {
      const contact = header(m, 'Contact') ?? '';
      peer.send(reply(m, '200 OK', [['Contact', contact]]), udpPort, udpHost);
    }
  });
  const edge = await startSiteEdge({
    platform: `127.0.0.1:${platform.port}`,
    domain: DOMAIN,
    logger: silentLogger,
    ...edgeOptions,
  });
  const [udpHost = '127.0.0.1', udpText] = edge.udpAddress.split(':');
  const udpPort = Number(udpText);
  const wsPort = Number(new URL(edge.wsUrl).port);
  const desks: WebSocket[] = [];
  let n = 0;
  return {
    edge,
    platform,
    udpPort,
    wsPort,
    toEdge: (text) => platform.send(text, udpPort, udpHost),
    async desk(user, contactUser) {
      const ws = new WebSocket(edge.wsUrl, 'sip');
      desks.push(ws);
      await new Promise<void>((done, fail) => {
        ws.once('open', () => done());
        ws.once('error', fail);
      });
      const seen: SipMessage[] = [];
      ws.on('message', (data) => seen.push(parseSip(String(data))));
      const contact = `<sip:${contactUser}@d.invalid;transport=ws>`;
      const callId = `reg-${user}-${++n}-${Date.now()}`;
      ws.send(
        formatSip(`REGISTER sip:${DOMAIN} SIP/2.0`, [
          ['Via', `SIP/2.0/WS d.invalid;branch=z9hG4bKreg${n}${Date.now()}`],
          ['Max-Forwards', '70'],
          ['From', `<sip:${user}@${DOMAIN}>;tag=r${n}`],
          ['To', `<sip:${user}@${DOMAIN}>`],
          ['Call-ID', callId],
          ['CSeq', '1 REGISTER'],
          ['Contact', `${contact};expires=300`],
        ]),
      );
      await waitFor(() => seen.find((m) => statusOf(m) === 200), 'the desktop registered');
      const reg = platform.seen.filter(
        (m) => methodOf(m) === 'REGISTER' && header(m, 'Call-ID') === callId,
      )[0]!;
      return {
        ws,
        seen,
        contact,
        path: header(reg, 'Path')!,
        invites: () => seen.filter((m) => methodOf(m) === 'INVITE'),
      };
    },
    calls: () => edge.rtpengine.calls(),
    async stop() {
      for (const ws of desks) ws.terminate();
      platform.close();
      await edge.stop();
    },
  };
}

/** An initial INVITE as the platform sends it (R-URI = the desk's Contact, Route = its Path). */
export function platformInvite(opts: {
  viaPort: number;
  branch: string;
  callId: string;
  ruri: string;
  route?: string;
  body?: string;
  extra?: [string, string][];
  toTag?: string;
}): string {
  const body = opts.body ?? PLATFORM_OFFER;
  return formatSip(
    `INVITE ${opts.ruri} SIP/2.0`,
    [
      ['Via', `SIP/2.0/UDP 127.0.0.1:${opts.viaPort};branch=z9hG4bK${opts.branch};rport`],
      ...(opts.route ? [['Route', opts.route] as [string, string]] : []),
      ['Max-Forwards', '70'],
      ['From', '<sip:13800000001@1.area.oneyun.com>;tag=plat1'],
      ['To', `<sip:8001@${DOMAIN}>${opts.toTag ? `;tag=${opts.toTag}` : ''}`],
      ['Call-ID', opts.callId],
      ['CSeq', '1 INVITE'],
      ['Contact', `<sip:platform@127.0.0.1:${opts.viaPort}>`],
      ...(opts.extra ?? []),
      ...(body ? [['Content-Type', 'application/sdp'] as [string, string]] : []),
    ],
    body,
  );
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The platform rings `desk` with a new call (`branch` names its transaction) and the desk
 * answers with its WebRTC SDP; resolves with the desk's INVITE and the 200 OK as the platform
 * received it.
 */
/** The platform's INVITE for `desk`, sent along its Path; resolves with it as the desk got it. */
export async function ringDesk(
  bed: Bed,
  desk: Desk,
  callId: string,
  branch: string,
): Promise<SipMessage> {
  bed.toEdge(
    platformInvite({
      viaPort: bed.platform.port,
      branch,
      callId,
      ruri: desk.contact.slice(1, -1),
      route: desk.path,
    }),
  );
  return waitFor(() => desk.invites()[0], 'the INVITE');
}

export async function ringAndAnswer(
  bed: Bed,
  desk: Desk,
  callId: string,
  branch: string,
): Promise<{ invite: SipMessage; ok: SipMessage }> {
  const invite = await ringDesk(bed, desk, callId, branch);
  desk.ws.send(reply(invite, '200 OK', [['Contact', desk.contact]], desktopSdp(1, 'active')));
  const ok = await waitFor(
    () => bed.platform.seen.find((m) => header(m, 'Call-ID') === callId && statusOf(m) === 200),
    'the 200 at the platform',
  );
  return { invite, ok };
}
