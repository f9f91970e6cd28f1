/**
 * An SDP the media relay refuses is the sender's fault, not a relay outage. Before, the edge
 * answered the platform's INVITE with an unusable offer as if rtpengine were down (the desktop
 * got it marked `X-Media-Relay: unavailable`, the platform `500 Media Relay Unavailable`), which
 * sends whoever reads the platform's logs after a healthy relay; a desktop's broken hold offer
 * got `503 Media Relay Unavailable` the same way. Now such an offer gets `488 Not Acceptable
 * Here` with a Warning naming it, nothing rings, and a real outage keeps its own answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatSip,
  header,
  headerValues,
  methodOf,
  statusOf,
  type SipMessage,
} from '../../src/emulator/edge/sip-message';
import { missingSystem } from '../support/system';
import { waitFor } from '../support/wait';
import {
  PLATFORM_OFFER,
  platformInvite,
  reply,
  ringAndAnswer,
  ringDesk,
  startBed,
  type Bed,
  type Desk,
} from './support/edge-bed';

const skip = missingSystem('kamailio', 'rtpengine');

const GARBAGE = 'this is not an SDP\r\n';
const NO_MEDIA = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', ''].join(
  '\r\n',
);
const NO_ADDRESS = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=audio 4000 RTP/AVP 0',
  '',
].join('\r\n');

/** As the desktop does: an INVITE marked relay-down is refused at once with 503, unrung. */
function actLikeTheDesktop(desk: Desk): void {
  desk.ws.on('message', () => {
    const invite = desk.invites().at(-1);
    if (!invite || header(invite, 'X-Media-Relay') !== 'unavailable') return;
    if ((invite as SipMessage & { refused?: boolean }).refused) return;
    (invite as SipMessage & { refused?: boolean }).refused = true;
    desk.ws.send(reply(invite, '503 Service Unavailable', []));
  });
}

describe.skipIf(skip)(skip ?? 'site edge: an SDP offer the relay refuses', () => {
  let bed: Bed;
  beforeAll(async () => {
    bed = await startBed();
  }, 30_000);
  afterAll(async () => {
    await bed?.stop();
  });
  /** The platform's final answer to a call: status, reason phrase and Warning. */
  const finalAtPlatform = (callId: string, cseq = '1 INVITE') =>
    waitFor(
      () =>
        bed.platform.seen.find(
          (m) =>
            header(m, 'Call-ID') === callId && header(m, 'CSeq') === cseq && statusOf(m) >= 200,
        ),
      `a final reply to ${callId}`,
      4_000,
    ).then((m) => ({
      status: m.startLine.replace(/^SIP\/2\.0 /, ''),
      warning: header(m, 'Warning') ?? null,
    }));

  for (const [what, body] of [
    ['not an SDP at all', GARBAGE],
    ['an SDP with no media line', NO_MEDIA],
    ['an SDP with no connection address', NO_ADDRESS],
  ] as const) {
    it(`the platform's INVITE with ${what}: 488 with the reason, the agent is not rung, no relay ports held`, async () => {
      const callId = `refused-${what.replace(/\W+/g, '-')}`;
      const desk = await bed.desk('8101', `desk${callId.length}${what.length}`);
      actLikeTheDesktop(desk);
      bed.toEdge(
        platformInvite({
          viaPort: bed.platform.port,
          branch: callId,
          callId,
          ruri: desk.contact.slice(1, -1),
          route: desk.path,
          body,
        }),
      );
      expect({
        ...(await finalAtPlatform(callId)),
        rung: desk.invites().length,
        held: (await bed.calls()).includes(callId),
      }).toEqual({
        status: '488 Not Acceptable Here',
        warning: '399 edge "media offer refused by the media relay (not a usable SDP)"',
        rung: 0,
        held: false,
      });
    });
  }

  it("a desktop's hold re-INVITE with a broken SDP gets 488 (not relay down) and the call keeps its media", async () => {
    const desk = await bed.desk('8102', 'deskHold');
    const callId = 'refused-hold';
    const { invite } = await ringAndAnswer(bed, desk, callId, 'hold1');
    // The desktop's route set: the INVITE's Record-Route as received; its target: the Contact.
    const routes = headerValues(invite, 'Record-Route').flatMap((r) => r.split(/,\s*(?=<)/));
    const target = /<([^>]+)>/.exec(header(invite, 'Contact')!)![1]!;
    const before = desk.seen.length;
    desk.ws.send(
      formatSip(
        `INVITE ${target} SIP/2.0`,
        [
          ['Via', 'SIP/2.0/WS d.invalid;branch=z9hG4bKholdbad1'],
          ...routes.map((r): [string, string] => ['Route', r]),
          ['Max-Forwards', '70'],
          ['From', `${header(invite, 'To')!};tag=desk1`],
          ['To', header(invite, 'From')!],
          ['Call-ID', callId],
          ['CSeq', '2 INVITE'],
          ['Contact', desk.contact],
          ['Content-Type', 'application/sdp'],
        ],
        GARBAGE,
      ),
    );
    const answer = await waitFor(
      () =>
        desk.seen.slice(before).find((m) => header(m, 'CSeq') === '2 INVITE' && statusOf(m) >= 200),
      'the answer to the hold re-INVITE',
    );
    expect({
      status: answer.startLine,
      warning: header(answer, 'Warning') ?? null,
      reachedPlatform: bed.platform.seen.some(
        (m) => methodOf(m) === 'INVITE' && header(m, 'CSeq') === '2 INVITE',
      ),
      mediaKept: (await bed.calls()).includes(callId),
    }).toEqual({
      status: 'SIP/2.0 488 Not Acceptable Here',
      warning: '399 edge "media offer refused by the media relay (not a usable SDP)"',
      reachedPlatform: false,
      mediaKept: true,
    });
  });

  it("a desktop's 200 OK with an SDP the relay refuses reaches the platform with a Warning naming the answer, not relay down", async () => {
    const desk = await bed.desk('8104', 'deskBadAnswer');
    const callId = 'refused-answer';
    const invite = await ringDesk(bed, desk, callId, 'badans1');
    desk.ws.send(reply(invite, '200 OK', [['Contact', desk.contact]], GARBAGE));
    expect(await finalAtPlatform(callId)).toEqual({
      status: '200 OK',
      warning: '399 edge "media answer refused by the media relay (not a usable SDP)"',
    });
  });

  it('with rtpengine down, a good offer is still reported as relay down (500 with its Warning)', async () => {
    const desk = await bed.desk('8103', 'deskDown');
    actLikeTheDesktop(desk);
    await bed.edge.rtpengine.stop();
    const callId = 'relay-really-down';
    bed.toEdge(
      platformInvite({
        viaPort: bed.platform.port,
        branch: 'down1',
        callId,
        ruri: desk.contact.slice(1, -1),
        route: desk.path,
        body: PLATFORM_OFFER,
      }),
    );
    expect({
      ...(await finalAtPlatform(callId)),
      marked: header(desk.invites()[0]!, 'X-Media-Relay'),
    }).toEqual({
      status: '500 Media Relay Unavailable',
      warning: '399 edge "media relay (rtpengine) unavailable"',
      marked: 'unavailable',
    });
  });
});

describe.skipIf(skip)(skip ?? 'site edge: a good offer the relay refuses', () => {
  let bed: Bed;
  beforeAll(async () => {
    // 8 relay ports: two calls' worth, above the 200-port blocks other tests' edges take.
    const portMin = 30_000 + 8 * Math.floor(Math.random() * 300);
    bed = await startBed({ portMin, portMax: portMin + 7 });
  }, 30_000);
  afterAll(async () => {
    await bed?.stop();
  });

  it('out of relay ports: the next call is answered as relay down (500), not as a bad offer', async () => {
    const desk = await bed.desk('8105', 'deskFull');
    actLikeTheDesktop(desk);
    let refused: string | null = null;
    for (let i = 0; i < 6 && !refused; i++) {
      const callId = `full-${i}`;
      bed.toEdge(
        platformInvite({
          viaPort: bed.platform.port,
          branch: callId,
          callId,
          ruri: desk.contact.slice(1, -1),
          route: desk.path,
        }),
      );
      const invite = await waitFor(
        () => desk.invites().find((m) => header(m, 'Call-ID') === callId),
        `the INVITE of ${callId}`,
      );
      if (header(invite, 'X-Media-Relay')) refused = callId;
    }
    expect(refused).not.toBeNull();
    const answer = await waitFor(
      () => bed.platform.seen.find((m) => header(m, 'Call-ID') === refused && statusOf(m) >= 200),
      'the answer to the call past the relay ports',
    );
    expect({ status: answer.startLine, warning: header(answer, 'Warning') }).toEqual({
      status: 'SIP/2.0 500 Media Relay Unavailable',
      warning: '399 edge "media relay (rtpengine) unavailable"',
    });
  });
});
