/**
 * rtpengine sessions through the site edge: every media session (and its relay ports) goes when
 * its call does, and no sooner. A leak shows on the floor as calls that stop ringing ("media
 * relay down") after a run of calls to agents whose PCs dropped off; a delete too early as an
 * answered call with no audio.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { header, methodOf, statusOf } from '../../src/emulator/edge/sip-message';
import { missingSystem } from '../support/system';
import { waitFor } from '../support/wait';
import {
  platformInvite,
  reply,
  ringAndAnswer,
  ringDesk,
  sleep,
  startBed,
  type Bed,
} from './support/edge-bed';

const skip = missingSystem('kamailio', 'rtpengine');

describe.skipIf(skip)(skip ?? 'site edge: media sessions', () => {
  let bed: Bed;
  beforeAll(async () => {
    bed = await startBed();
  }, 30_000);
  afterAll(async () => {
    await bed?.stop();
  });
  /** Final replies the platform got for a call (each code once: tm repeats a final until ACKed). */
  const finals = (callId: string) => [
    ...new Set(
      bed.platform.seen
        .filter((m) => header(m, 'Call-ID') === callId && statusOf(m) >= 200)
        .map(statusOf),
    ),
  ];
  const cancelFor = (callId: string, branch: string, ruri: string, path: string) =>
    [
      `CANCEL ${ruri} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${bed.platform.port};branch=z9hG4bK${branch};rport`,
      `Route: ${path}`,
      'Max-Forwards: 70',
      'From: <sip:13800000001@1.area.oneyun.com>;tag=plat1',
      'To: <sip:8001@sip.oneyun.com>',
      `Call-ID: ${callId}`,
      'CSeq: 1 CANCEL',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');

  it('a call for an agent whose PC dropped off is answered 480 at once and holds no relay ports', async () => {
    const desk = await bed.desk('8002', 'deskGone');
    desk.ws.terminate();
    await sleep(500);
    const callId = 'gone-ws-call';
    bed.toEdge(
      platformInvite({
        viaPort: bed.platform.port,
        branch: 'gone1',
        callId,
        ruri: 'sip:deskGone@d.invalid;transport=ws',
        route: desk.path,
      }),
    );
    await waitFor(() => finals(callId).length > 0, 'a final reply at the platform', 8_000);
    await sleep(500);
    expect({ finals: finals(callId), leaked: (await bed.calls()).includes(callId) }).toEqual({
      finals: [480],
      leaked: false,
    });
  });

  it('20 calls in a row for a dropped-off agent: every media session is released within a second', async () => {
    const desk = await bed.desk('8003', 'deskGone20');
    desk.ws.terminate();
    await sleep(500);
    for (let i = 0; i < 20; i++) {
      const callId = `gone20-${i}`;
      bed.toEdge(
        platformInvite({
          viaPort: bed.platform.port,
          branch: `gone20x${i}`,
          callId,
          ruri: 'sip:deskGone20@d.invalid;transport=ws',
          route: desk.path,
        }),
      );
      await waitFor(() => finals(callId).length > 0, 'a final reply');
    }
    await sleep(1000);
    expect((await bed.calls()).filter((c) => c.startsWith('gone20-'))).toEqual([]);
  }, 20_000);

  it("a CANCEL that crosses the agent's answer leaves the answered call its audio", async () => {
    const desk = await bed.desk('8401', 'deskRace');
    const callId = 'cancel-race';
    await ringAndAnswer(bed, desk, callId, 'race1');
    expect((await bed.calls()).includes(callId)).toBe(true);
    // The platform's CANCEL was already on the wire when the 200 arrived.
    bed.toEdge(cancelFor(callId, 'race1', 'sip:deskRace@d.invalid;transport=ws', desk.path));
    await sleep(1000);
    expect((await bed.calls()).includes(callId)).toBe(true);
  });

  it('a call cancelled while ringing: 487 to the platform and no session left', async () => {
    const desk = await bed.desk('8501', 'deskCancel');
    const callId = 'cancel-ringing';
    const invite = await ringDesk(bed, desk, callId, 'canc1');
    desk.ws.send(reply(invite, '180 Ringing', []));
    bed.toEdge(cancelFor(callId, 'canc1', desk.contact.slice(1, -1), desk.path));
    const cancel = await waitFor(
      () => desk.seen.find((m) => methodOf(m) === 'CANCEL'),
      'the CANCEL at the desk',
    );
    desk.ws.send(reply(cancel, '200 OK', []));
    desk.ws.send(reply(invite, '487 Request Terminated', []));
    await waitFor(() => finals(callId).includes(487), 'the 487');
    await sleep(500);
    expect((await bed.calls()).includes(callId)).toBe(false);
  });

  it('an agent whose PC drops off while a call rings: 480 to the platform at once, no session left', async () => {
    const desk = await bed.desk('8701', 'deskDrop');
    const callId = 'drop-while-ringing';
    const invite = await ringDesk(bed, desk, callId, 'drop1');
    desk.ws.send(reply(invite, '180 Ringing', []));
    await waitFor(
      () => bed.platform.seen.find((m) => header(m, 'Call-ID') === callId && statusOf(m) === 180),
      'the ringing at the platform',
    );
    const dropped = Date.now();
    desk.ws.terminate();
    await waitFor(() => finals(callId).length > 0, 'a final reply at the platform', 8_000);
    const after = Date.now() - dropped;
    await sleep(500);
    expect({
      finals: finals(callId),
      within2s: after < 2_000,
      leaked: (await bed.calls()).includes(callId),
    }).toEqual({ finals: [480], within2s: true, leaked: false });
  });

  it('a desktop that drops off after answering keeps the caller (no 480 for an answered call)', async () => {
    const desk = await bed.desk('8702', 'deskDropAnswered');
    const callId = 'drop-after-answer';
    await ringAndAnswer(bed, desk, callId, 'drop2');
    desk.ws.terminate();
    await sleep(1500);
    expect({
      finals: finals(callId),
      media: (await bed.calls()).includes(callId),
    }).toEqual({ finals: [200], media: true });
  });

  it("an agent's connection lost mid-call: the call keeps its audio until the BYE, then it goes", async () => {
    const desk = await bed.desk('8601', 'deskMid');
    const callId = 'ws-lost-midcall';
    const { ok } = await ringAndAnswer(bed, desk, callId, 'mid1');
    desk.ws.terminate();
    await sleep(1500);
    expect((await bed.calls()).includes(callId)).toBe(true);
    const routes = header(ok, 'Record-Route')!
      .split(/,\s*(?=<)/)
      .reverse();
    const target = /<([^>]+)>/.exec(header(ok, 'Contact')!)![1]!;
    bed.toEdge(
      [
        `BYE ${target} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${bed.platform.port};branch=z9hG4bKmidbye;rport`,
        ...routes.map((r) => `Route: ${r}`),
        'Max-Forwards: 70',
        'From: <sip:13800000001@1.area.oneyun.com>;tag=plat1',
        `To: ${header(ok, 'To')}`,
        `Call-ID: ${callId}`,
        'CSeq: 2 BYE',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
    await waitFor(
      () =>
        bed.platform.seen.find(
          (m) => header(m, 'Call-ID') === callId && header(m, 'CSeq') === '2 BYE',
        ),
      'a reply to the BYE',
    );
    await sleep(500);
    expect((await bed.calls()).includes(callId)).toBe(false);
  });
});

describe.skipIf(skip)(skip ?? 'site edge: relay ports after calls to dropped-off agents', () => {
  let bed: Bed;
  beforeAll(async () => {
    // 40 relay ports: about ten calls' worth, so a leak shows within seconds.
    const portMin = 30_000 + 40 * Math.floor(Math.random() * 200);
    bed = await startBed({ portMin, portMax: portMin + 39 });
  }, 30_000);
  afterAll(async () => {
    await bed?.stop();
  });

  it('after 20 calls to agents whose PCs dropped off, the next agent still rings with audio', async () => {
    const gone = await bed.desk('8003', 'deskGone2');
    gone.ws.terminate();
    await sleep(500);
    const live = await bed.desk('8004', 'deskLive');
    for (let i = 0; i < 20; i++) {
      const callId = `exhaust-${i}`;
      bed.toEdge(
        platformInvite({
          viaPort: bed.platform.port,
          branch: `ex${i}`,
          callId,
          ruri: 'sip:deskGone2@d.invalid;transport=ws',
          route: gone.path,
        }),
      );
      await waitFor(
        () => bed.platform.seen.find((m) => header(m, 'Call-ID') === callId && statusOf(m) >= 200),
        'a final reply',
      );
    }
    bed.toEdge(
      platformInvite({
        viaPort: bed.platform.port,
        branch: 'exlive',
        callId: 'exhaust-live',
        ruri: live.contact.slice(1, -1),
        route: live.path,
      }),
    );
    const invite = await waitFor(() => live.invites()[0], 'the INVITE at the live desktop');
    live.ws.send(reply(invite, '486 Busy Here', []));
    expect({
      relayDown: header(invite, 'X-Media-Relay') ?? null,
      webRtcOffer: /RTP\/SAVPF/.test(invite.body),
    }).toEqual({
      relayDown: null,
      webRtcOffer: true,
    });
  }, 20_000);
});
