/**
 * Ringing ahead of sip.js: the line announces a new INVITE before sip.js parses it (so the
 * window can show it at once), then hands over the call with the same id — or withdraws the
 * announcement when sip.js makes no call of it. Driven by a bare SIP-over-WebSocket server on
 * loopback that writes the INVITEs byte for byte, including ones sip.js refuses.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger, systemClock } from '../../../src/lib/ports';
import { createSipLine } from '../../../src/main/sip/index';
import type { EarlyOfferEvent, IncomingCall } from '../../../src/main/sip/call-types';
import type { SipLine } from '../../../src/main/sip/types';
import { waitFor } from '../../support/wait';
import { bareLineConfig, bareServer, invite } from './support/bare-server';
import { FAST_TIMING, untilState } from './support/line';

let server: Awaited<ReturnType<typeof bareServer>>;
let line: SipLine;
/** Early offers and calls in the order the line told them. */
let told: (EarlyOfferEvent | { kind: 'call'; call: IncomingCall })[];

beforeEach(async () => {
  server = await bareServer();
  line = createSipLine({ clock: systemClock, logger: silentLogger, timing: FAST_TIMING });
  told = [];
  line.onEarlyOffer((event) => told.push(event));
  line.onIncomingCall((call) => told.push({ kind: 'call', call }));
  line.start(bareLineConfig(server));
  await untilState(line, 'registered');
});
afterEach(async () => {
  await line.stop();
  await server.close();
});

describe('ringing ahead of sip.js', () => {
  it('announces the INVITE first, then hands over the call with the same id and caller', async () => {
    server.send(invite('call-1'));
    await waitFor(() => told.length >= 2, 'the offer and the call');
    const [early, handed] = told;
    expect(early).toMatchObject({ kind: 'ringing', offer: { caller: '张三 <13800000001>' } });
    expect(handed?.kind).toBe('call');
    const call = (handed as { call: IncomingCall }).call;
    expect(call.id).toBe((early as Extract<EarlyOfferEvent, { kind: 'ringing' }>).offer.id);
    expect(call.caller).toBe('张三 <13800000001>');
    expect(told).toHaveLength(2);
  });

  it('withdraws the announcement when sip.js makes no call of the INVITE', async () => {
    // CSeq names another method: sip.js cannot parse it as a request and drops it.
    server.send(invite('call-2', { cseq: 'one INVITE' }));
    await waitFor(() => told.length >= 2, 'the offer and its withdrawal');
    const [early, after] = told;
    expect(early?.kind).toBe('ringing');
    expect(after).toEqual({
      kind: 'withdrawn',
      id: (early as Extract<EarlyOfferEvent, { kind: 'ringing' }>).offer.id,
    });
  });

  it('does not announce a retransmitted INVITE again', async () => {
    server.send(invite('call-3'));
    await waitFor(() => told.length >= 2, 'the first INVITE');
    server.send(invite('call-3'));
    server.send(invite('call-4'));
    await waitFor(() => told.length >= 4, 'the next call');
    expect(told.map((e) => e.kind)).toEqual(['ringing', 'call', 'ringing', 'call']);
  });

  it('leaves what it cannot read to sip.js: the call still rings, without an announcement', async () => {
    server.send(invite('call-5', { from: '"a\\"b" <sip:13800000002@pstn.example>' }));
    await waitFor(() => told.length >= 1, 'the call');
    expect(told.map((e) => e.kind)).toEqual(['call']);
  });
});
