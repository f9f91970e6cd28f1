/**
 * The site edge is no open relay. Strangers on the platform side (SIP over UDP from an address
 * outside PLATFORM_NET) and WebSocket clients that never signed in try to ring agents, register,
 * or use the edge to reach other hosts (toll fraud, spoofed caller ids on the floor). Only the
 * platform's addresses may send over UDP, only along a desktop's Path or the edge's own
 * Record-Route; desktops reach only the platform.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  formatSip,
  header,
  headerValues,
  methodOf,
  parseSip,
  statusOf,
  type SipMessage,
} from '../../src/emulator/edge/sip-message';
import { missingSystem } from '../support/system';
import {
  DOMAIN,
  platformInvite,
  sleep,
  startBed,
  udpPeer,
  type Bed,
  type Desk,
  type UdpPeer,
} from './support/edge-bed';

const skip = missingSystem('kamailio', 'rtpengine');

/** A WebSocket client that never registered. */
async function anonymousWs(bed: Bed): Promise<{ ws: WebSocket; got: SipMessage[] }> {
  const ws = new WebSocket(bed.edge.wsUrl, 'sip');
  await new Promise<void>((done, fail) => {
    ws.once('open', () => done());
    ws.once('error', fail);
  });
  const got: SipMessage[] = [];
  ws.on('message', (d) => got.push(parseSip(String(d))));
  return { ws, got };
}

describe.skipIf(skip)(skip ?? 'site edge: no open relay', () => {
  let bed: Bed;
  let desk: Desk;
  /** Someone on the network who is not the platform (127.0.0.2; the platform is 127.0.0.1). */
  let stranger: UdpPeer;
  /** A host outside the site the stranger wants to reach (e.g. a premium-rate gateway). */
  let victim: UdpPeer;

  beforeAll(async () => {
    bed = await startBed();
    desk = await bed.desk('8001', 'deskA');
    stranger = await udpPeer(undefined, '127.0.0.2');
    victim = await udpPeer(undefined, '127.0.0.3');
  }, 30_000);
  afterAll(async () => {
    stranger?.close();
    victim?.close();
    await bed?.stop();
  });

  const victimInvites = (callId: string) =>
    victim.seen.filter((m) => methodOf(m) === 'INVITE' && header(m, 'Call-ID') === callId);
  const registersAtPlatform = () =>
    bed.platform.seen.filter((m) => statusOf(m) === 0 && methodOf(m) === 'REGISTER');
  const answersTo = (peer: UdpPeer, callId: string) =>
    peer.seen.filter((m) => header(m, 'Call-ID') === callId).map(statusOf);

  it('a stranger cannot place calls through the edge with a pre-loaded Route (refused, 403)', async () => {
    stranger.send(
      platformInvite({
        viaPort: stranger.port,
        branch: 'pre1',
        callId: 'relay-preloaded',
        ruri: `sip:0019005551234@127.0.0.3:${victim.port}`,
        route: `<sip:127.0.0.3:${victim.port};lr>`,
      }),
      bed.udpPort,
    );
    await sleep(1500);
    expect({
      reached: victimInvites('relay-preloaded').length,
      answer: answersTo(stranger, 'relay-preloaded'),
    }).toEqual({
      reached: 0,
      answer: [403],
    });
  });

  it('a stranger cannot place calls through the edge with ;alias= in the Request-URI', async () => {
    stranger.send(
      platformInvite({
        viaPort: stranger.port,
        branch: 'alias1',
        callId: 'relay-alias',
        ruri: `sip:0019005551234@127.0.0.1:${bed.udpPort};alias=127.0.0.3~${victim.port}~1`,
      }),
      bed.udpPort,
    );
    await sleep(1500);
    expect(victimInvites('relay-alias').length).toBe(0);
  });

  it('a stranger cannot pass a call off as part of an existing one (To tag) to reach other hosts', async () => {
    stranger.send(
      platformInvite({
        viaPort: stranger.port,
        branch: 'dlg1',
        callId: 'relay-indialog',
        ruri: `sip:0019005551234@127.0.0.3:${victim.port}`,
        route: `<sip:127.0.0.3:${victim.port};lr>`,
        toTag: 'faketag',
      }),
      bed.udpPort,
    );
    await sleep(1500);
    expect(victimInvites('relay-indialog').length).toBe(0);
  });

  it("a stranger cannot ring an agent with a fake caller id, even knowing the agent's Path", async () => {
    const before = desk.invites().length;
    stranger.send(
      platformInvite({
        viaPort: stranger.port,
        branch: 'path1',
        callId: 'relay-path',
        ruri: 'sip:deskA@d.invalid;transport=ws',
        route: desk.path,
      }),
      bed.udpPort,
    );
    await sleep(1500);
    expect({
      rang: desk.invites().length - before,
      answer: answersTo(stranger, 'relay-path'),
    }).toEqual({
      rang: 0,
      answer: [403],
    });
  });

  it("a stranger cannot register an agent's extension through the edge (and so steal its calls)", async () => {
    const before = registersAtPlatform().length;
    stranger.send(
      formatSip(`REGISTER sip:${DOMAIN} SIP/2.0`, [
        ['Via', `SIP/2.0/UDP 127.0.0.2:${stranger.port};branch=z9hG4bKsreg1;rport`],
        ['Max-Forwards', '70'],
        ['From', `<sip:8001@${DOMAIN}>;tag=s1`],
        ['To', `<sip:8001@${DOMAIN}>`],
        ['Call-ID', 'stranger-reg'],
        ['CSeq', '1 REGISTER'],
        ['Contact', `<sip:evil@127.0.0.2:${stranger.port}>;expires=300`],
      ]),
      bed.udpPort,
    );
    await sleep(1500);
    const forwarded = registersAtPlatform().slice(before);
    expect(forwarded.map((m) => header(m, 'Path'))).toEqual([]);
  });

  it('the platform itself cannot bounce calls off the edge to other hosts (pre-loaded Route, REGISTER)', async () => {
    bed.toEdge(
      platformInvite({
        viaPort: bed.platform.port,
        branch: 'platpre1',
        callId: 'platform-preloaded',
        ruri: `sip:0019005551234@127.0.0.3:${victim.port}`,
        route: `<sip:127.0.0.3:${victim.port};lr>`,
      }),
    );
    const registersBefore = registersAtPlatform().length;
    bed.toEdge(
      formatSip(`REGISTER sip:${DOMAIN} SIP/2.0`, [
        ['Via', `SIP/2.0/UDP 127.0.0.1:${bed.platform.port};branch=z9hG4bKpreg1;rport`],
        ['Max-Forwards', '70'],
        ['From', `<sip:8001@${DOMAIN}>;tag=p1`],
        ['To', `<sip:8001@${DOMAIN}>`],
        ['Call-ID', 'platform-reg'],
        ['CSeq', '1 REGISTER'],
        ['Contact', `<sip:x@127.0.0.1:${bed.platform.port}>;expires=300`],
      ]),
    );
    await sleep(1500);
    expect({
      reached: victimInvites('platform-preloaded').length,
      answer: answersTo(bed.platform, 'platform-preloaded'),
      registerBack: registersAtPlatform().length - registersBefore,
      registerAnswer: answersTo(bed.platform, 'platform-reg'),
    }).toEqual({ reached: 0, answer: [404], registerBack: 0, registerAnswer: [403] });
  });

  it('an INVITE that would loop back into the edge is refused at the first hop, holding no media', async () => {
    const rtpBefore = (await bed.calls()).length;
    stranger.send(
      platformInvite({
        viaPort: stranger.port,
        branch: 'loop1',
        callId: 'relay-loop',
        ruri: `sip:loop@127.0.0.1:${bed.udpPort};alias=127.0.0.1~${bed.udpPort}~1`,
      }),
      bed.udpPort,
    );
    await sleep(1500);
    expect(answersTo(stranger, 'relay-loop')).toEqual([403]);
    expect((await bed.calls()).length).toBe(rtpBefore);
  });

  it('a WebSocket client that never signed in cannot route a call to another host', async () => {
    const { ws } = await anonymousWs(bed);
    ws.send(
      formatSip(`INVITE sip:0019005551234@127.0.0.3:${victim.port} SIP/2.0`, [
        ['Via', 'SIP/2.0/WS x.invalid;branch=z9hG4bKwsrelay1'],
        ['Route', `<sip:127.0.0.3:${victim.port};lr>`],
        ['Max-Forwards', '70'],
        ['From', `<sip:anyone@${DOMAIN}>;tag=a1`],
        ['To', '<sip:0019005551234@pstn.example>;tag=b1'],
        ['Call-ID', 'relay-ws-indialog'],
        ['CSeq', '1 INVITE'],
        ['Contact', '<sip:x@x.invalid;transport=ws>'],
      ]),
    );
    await sleep(1500);
    ws.terminate();
    expect(victimInvites('relay-ws-indialog').length).toBe(0);
  });

  it("a WebSocket client that copies the edge's own route cannot continue it to another host", async () => {
    const { ws, got } = await anonymousWs(bed);
    ws.send(
      formatSip(`INVITE sip:0019005551234@127.0.0.3:${victim.port} SIP/2.0`, [
        ['Via', 'SIP/2.0/WS x.invalid;branch=z9hG4bKwsforged1'],
        ['Route', `<sip:127.0.0.1:${bed.wsPort};transport=ws;r2=on;lr>`],
        ['Route', `<sip:127.0.0.1:${bed.udpPort};r2=on;lr>`],
        ['Route', `<sip:127.0.0.3:${victim.port};lr>`],
        ['Max-Forwards', '70'],
        ['From', `<sip:anyone@${DOMAIN}>;tag=a3`],
        ['To', '<sip:0019005551234@pstn.example>;tag=b3'],
        ['Call-ID', 'relay-ws-forged'],
        ['CSeq', '1 INVITE'],
        ['Contact', '<sip:x@x.invalid;transport=ws>'],
      ]),
    );
    await sleep(1500);
    ws.terminate();
    expect({ reached: victimInvites('relay-ws-forged').length, answer: got.map(statusOf) }).toEqual(
      {
        reached: 0,
        answer: [403],
      },
    );
  });

  it("a WebSocket client that never signed in cannot ring an agent (a fake supervisor's call)", async () => {
    const { ws } = await anonymousWs(bed);
    const before = desk.invites().length;
    ws.send(
      formatSip('INVITE sip:deskA@d.invalid;transport=ws SIP/2.0', [
        ['Via', 'SIP/2.0/WS y.invalid;branch=z9hG4bKwsring1'],
        ['Route', desk.path],
        ['Max-Forwards', '70'],
        ['From', '"Supervisor" <sip:13800000001@1.area.oneyun.com>;tag=a2'],
        ['To', `<sip:8001@${DOMAIN}>;tag=b2`],
        ['Call-ID', 'ws-ring-agent'],
        ['CSeq', '1 INVITE'],
        ['Contact', '<sip:y@y.invalid;transport=ws>'],
      ]),
    );
    await sleep(1500);
    ws.terminate();
    expect(
      desk
        .invites()
        .slice(before)
        .filter((m) => header(m, 'Call-ID') === 'ws-ring-agent').length,
    ).toBe(0);
  });

  it('a desktop cannot start calls through the edge (agents only take calls); nothing reaches the platform', async () => {
    const { ws, got } = await anonymousWs(bed);
    ws.send(
      formatSip(`INVITE sip:0019005551234@${DOMAIN} SIP/2.0`, [
        ['Via', 'SIP/2.0/WS z.invalid;branch=z9hG4bKwsout1'],
        ['Max-Forwards', '70'],
        ['From', `<sip:8001@${DOMAIN}>;tag=a4`],
        ['To', '<sip:0019005551234@sip.oneyun.com>'],
        ['Call-ID', 'ws-outbound'],
        ['CSeq', '1 INVITE'],
        ['Contact', '<sip:z@z.invalid;transport=ws>'],
      ]),
    );
    await sleep(1000);
    ws.terminate();
    expect({
      answer: got.map(statusOf),
      atPlatform: bed.platform.seen.filter((m) => header(m, 'Call-ID') === 'ws-outbound').length,
    }).toEqual({ answer: [403], atPlatform: 0 });
  });

  it("the platform's own calls still ring the agent (from PLATFORM_NET, along the Path)", async () => {
    const before = desk.invites().length;
    bed.toEdge(
      platformInvite({
        viaPort: bed.platform.port,
        branch: 'ok1',
        callId: 'platform-call',
        ruri: desk.contact.slice(1, -1),
        route: desk.path,
      }),
    );
    await sleep(1000);
    const invite = desk
      .invites()
      .slice(before)
      .find((m) => header(m, 'Call-ID') === 'platform-call');
    expect(invite).toBeDefined();
    expect(header(invite!, 'X-Media-Relay')).toBeUndefined();
    // The route the desktop keeps for BYE and hold names the WebSocket listener (not the
    // loopback RPC one): its in-dialog requests come back through the edge.
    const wsSide = headerValues(invite!, 'Record-Route')
      .flatMap((r) => r.split(/,\s*(?=<)/))
      .find((r) => r.includes('transport=ws'));
    expect(wsSide).toContain(`127.0.0.1:${bed.wsPort};transport=ws`);
  });
});

describe.skipIf(skip)(skip ?? 'site edge: PLATFORM_NET set to other addresses', () => {
  let bed: Bed;
  beforeAll(async () => {
    // The platform really sends from 127.0.0.1; the edge is told it is 127.0.0.2 only.
    bed = await startBed({ platformNet: '127.0.0.2/32' });
  }, 30_000);
  afterAll(async () => {
    await bed?.stop();
  });

  it('calls from an address outside it are refused with 403 (what an admin sees after a typo)', async () => {
    bed.toEdge(
      platformInvite({
        viaPort: bed.platform.port,
        branch: 'net1',
        callId: 'wrong-net',
        ruri: 'sip:deskX@d.invalid;transport=ws',
        route: `<sip:127.0.0.1:${bed.udpPort};lr>`,
      }),
    );
    await sleep(1000);
    expect(
      bed.platform.seen.filter((m) => header(m, 'Call-ID') === 'wrong-net').map(statusOf),
    ).toEqual([403]);
  });
});
