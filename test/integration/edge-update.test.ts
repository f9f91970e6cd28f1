/**
 * A mid-call UPDATE with SDP (RFC 3311; B2BUAs use it for session refreshes and media changes)
 * through the site edge: without rtpengine rewriting it, the agent's browser gets a plain RTP
 * offer it cannot take and the platform a WebRTC answer, and the call goes silent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSip, header, headerValues, methodOf } from '../../src/emulator/edge/sip-message';
import { missingSystem } from '../support/system';
import { waitFor } from '../support/wait';
import {
  PLATFORM_OFFER,
  desktopSdp,
  ringAndAnswer,
  reply,
  startBed,
  type Bed,
} from './support/edge-bed';

const skip = missingSystem('kamailio', 'rtpengine');
const WEBRTC_ONLY = /SAVPF|ice-ufrag|fingerprint|candidate/;

describe.skipIf(skip)(skip ?? 'site edge: UPDATE mid-call', () => {
  let bed: Bed;
  beforeAll(async () => {
    bed = await startBed();
  }, 30_000);
  afterAll(async () => {
    await bed?.stop();
  });

  it("the platform moves a call's media with an UPDATE: the agent gets WebRTC, the platform plain RTP (the call keeps its audio)", async () => {
    const desk = await bed.desk('8801', 'deskUpd');
    const callId = 'update-call';
    const { ok } = await ringAndAnswer(bed, desk, callId, 'upd1');
    const routes = headerValues(ok, 'Record-Route')
      .flatMap((r) => r.split(/,\s*(?=<)/))
      .reverse();
    const target = /<([^>]+)>/.exec(header(ok, 'Contact')!)![1]!;
    const inDialog = (method: string, cseq: string, branch: string, body = '') =>
      formatSip(
        `${method} ${target} SIP/2.0`,
        [
          ['Via', `SIP/2.0/UDP 127.0.0.1:${bed.platform.port};branch=z9hG4bK${branch};rport`],
          ...routes.map((r): [string, string] => ['Route', r]),
          ['Max-Forwards', '70'],
          ['From', '<sip:13800000001@1.area.oneyun.com>;tag=plat1'],
          ['To', header(ok, 'To')!],
          ['Call-ID', callId],
          ['CSeq', cseq],
          ['Contact', `<sip:platform@127.0.0.1:${bed.platform.port}>`],
          ...(body ? [['Content-Type', 'application/sdp'] as [string, string]] : []),
        ],
        body,
      );
    bed.toEdge(inDialog('ACK', '1 ACK', 'updack'));
    await waitFor(() => desk.seen.find((m) => methodOf(m) === 'ACK'), 'the ACK');
    // The platform moves its media (e.g. a transfer inside the B2BUA) with an UPDATE.
    bed.toEdge(
      inDialog(
        'UPDATE',
        '2 UPDATE',
        'upd2',
        PLATFORM_OFFER.replace('40000', '41000').replace('o=- 1 1', 'o=- 1 2'),
      ),
    );
    const update = await waitFor(
      () => desk.seen.find((m) => methodOf(m) === 'UPDATE'),
      'the UPDATE at the desktop',
    );
    desk.ws.send(reply(update, '200 OK', [['Contact', desk.contact]], desktopSdp(2, 'active')));
    const updOk = await waitFor(
      () =>
        bed.platform.seen.find(
          (m) => header(m, 'Call-ID') === callId && header(m, 'CSeq') === '2 UPDATE',
        ),
      'the 200 to the UPDATE',
    );
    expect({
      toDesktop: /m=audio \d+ (\S+)/.exec(update.body)?.[1],
      toPlatformIsWebRtc: WEBRTC_ONLY.test(updOk.body),
    }).toEqual({ toDesktop: 'RTP/SAVPF', toPlatformIsWebRtc: false });
  });
});
