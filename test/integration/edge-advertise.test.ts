/**
 * An edge behind 1:1 NAT (`--advertise`): the platform must see the edge's outside address in
 * every Via, Path and Record-Route and in the SDP it gets, or its calls and their audio go to a
 * private address it cannot reach. On loopback, 127.0.0.5 plays the outside address while the
 * edge listens on 127.0.0.1 (the test's platform sends to 127.0.0.1, as the NAT would forward).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatSip,
  header,
  headerValues,
  methodOf,
  statusOf,
} from '../../src/emulator/edge/sip-message';
import { missingSystem } from '../support/system';
import { waitFor } from '../support/wait';
import { ringAndAnswer, startBed, type Bed } from './support/edge-bed';

const skip = missingSystem('kamailio', 'rtpengine');
const OUTSIDE = '127.0.0.5';

describe.skipIf(skip)(skip ?? 'site edge behind NAT: the advertised address', () => {
  let bed: Bed;
  beforeAll(async () => {
    bed = await startBed({ advertise: OUTSIDE });
  }, 30_000);
  afterAll(async () => {
    await bed?.stop();
  });

  it('the platform sees only the advertised address in SIP and SDP; the desktop keeps the local one; the call works both ways', async () => {
    const desk = await bed.desk('8201', 'deskNat');
    const callId = 'nat-call';
    const { invite, ok } = await ringAndAnswer(bed, desk, callId, 'nat1');
    const register = bed.platform.seen.find((m) => methodOf(m) === 'REGISTER')!;
    const edgeHere = `127.0.0.1:${bed.udpPort}`;
    const edgeOutside = `${OUTSIDE}:${bed.udpPort}`;
    // The route set the platform keeps for the call: the Record-Route of the 200, reversed.
    const routes = headerValues(ok, 'Record-Route')
      .flatMap((r) => r.split(/,\s*(?=<)/))
      .reverse();
    const inDialog = (method: string, cseq: string, branch: string) =>
      formatSip(`${method} ${/<([^>]+)>/.exec(header(ok, 'Contact')!)![1]} SIP/2.0`, [
        ['Via', `SIP/2.0/UDP 127.0.0.1:${bed.platform.port};branch=z9hG4bK${branch};rport`],
        ...routes.map((r): [string, string] => ['Route', r]),
        ['Max-Forwards', '70'],
        ['From', '<sip:13800000001@1.area.oneyun.com>;tag=plat1'],
        ['To', header(ok, 'To')!],
        ['Call-ID', callId],
        ['CSeq', cseq],
      ]);
    bed.toEdge(inDialog('ACK', '1 ACK', 'natack'));
    bed.toEdge(inDialog('BYE', '2 BYE', 'natbye'));
    const bye = await waitFor(
      () => desk.seen.find((m) => methodOf(m) === 'BYE'),
      "the platform's BYE at the desktop (along the advertised route)",
    );
    desk.ws.send(
      formatSip('SIP/2.0 200 OK', [
        ...headerValues(bye, 'Via').map((v): [string, string] => ['Via', v]),
        ['From', header(bye, 'From')!],
        ['To', header(bye, 'To')!],
        ['Call-ID', callId],
        ['CSeq', '2 BYE'],
      ]),
    );
    await waitFor(
      () => bed.platform.seen.find((m) => header(m, 'CSeq') === '2 BYE' && statusOf(m) === 200),
      'the 200 to the BYE at the platform',
    );
    const sdpAddresses = (body: string) => [
      ...new Set([...body.matchAll(/^[oc]=.* IN IP4 (\S+)/gm)].map((m) => m[1])),
    ];
    const platformSip = bed.platform.seen
      .filter((m) => header(m, 'Call-ID') === callId || m === register)
      .flatMap((m) => [
        ...headerValues(m, 'Via'),
        ...headerValues(m, 'Record-Route'),
        ...headerValues(m, 'Path'),
      ])
      .join('\n');
    expect({
      registerVia: headerValues(register, 'Via')[0]!.includes(edgeOutside),
      path: header(register, 'Path')!.includes(edgeOutside),
      recordRoute: headerValues(ok, 'Record-Route').join(',').includes(edgeOutside),
      localAddressShownToPlatform: platformSip.includes(edgeHere),
      sdpToPlatform: sdpAddresses(ok.body),
      sdpToDesktop: sdpAddresses(invite.body),
    }).toEqual({
      registerVia: true,
      path: true,
      recordRoute: true,
      localAddressShownToPlatform: false,
      sdpToPlatform: [OUTSIDE],
      sdpToDesktop: ['127.0.0.1'],
    });
  });
});
