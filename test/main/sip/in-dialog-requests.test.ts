/**
 * What the far end sends inside a call, and a hang-up before its ACK, as raw SIP from a bare
 * server: a re-INVITE the window cannot take leaves the call as it was (and its later end as
 * what it is), a hang-up ends the agent's side at once, a CANCEL crossing the answer, an UPDATE,
 * and a late-offer re-INVITE while the agent holds.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger, systemClock } from '../../../src/lib/ports';
import { createSipLine } from '../../../src/main/sip/index';
import type { CallEnd, CallMedia, IncomingCall } from '../../../src/main/sip/call-types';
import type { SipLine } from '../../../src/main/sip/types';
import { waitFor } from '../../support/wait';
import { bareLineConfig, bareServer, invite } from './support/bare-server';
import { FAST_TIMING, untilState } from './support/line';
import { TEST_OFFER } from './support/test-caller';

let server: Awaited<ReturnType<typeof bareServer>>;
let line: SipLine;
const incoming = new Map<string, IncomingCall>();
let unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeEach(async () => {
  unhandled = [];
  process.on('unhandledRejection', onUnhandled);
  server = await bareServer();
  line = createSipLine({ clock: systemClock, logger: silentLogger, timing: FAST_TIMING });
  line.onIncomingCall((call) => incoming.set(call.sipCallId, call));
  line.start(bareLineConfig(server));
  await untilState(line, 'registered');
});
afterEach(async () => {
  await line.stop();
  await server.close();
  process.off('unhandledRejection', onUnhandled);
});

const ANSWER =
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=sendrecv\r\n';

type Dialog = { callId: string; from: string; to: string; target: string };

function request(d: Dialog, method: string, cseq: number, body = '', extra: string[] = []): string {
  return [
    `${method} ${d.target} SIP/2.0`,
    `Via: SIP/2.0/WS 127.0.0.1:5066;branch=z9hG4bK-${d.callId}-${method}-${cseq}-${Math.random()}`,
    'Max-Forwards: 70',
    `From: ${d.from}`,
    `To: ${d.to}`,
    `Call-ID: ${d.callId}`,
    `CSeq: ${cseq} ${method}`,
    'Contact: <sip:13800000001@127.0.0.1:5060;transport=ws>',
    ...extra,
    ...(body ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

let n = 0;
/** A call answered and ACKed; `media` is the window's stand-in. */
async function talkingCall(media: CallMedia) {
  const callId = `dialog-${++n}-${Date.now()}`;
  server.send(invite(callId));
  const call = await waitFor(() => incoming.get(callId), `the call ${callId}`);
  const ends: CallEnd[] = [];
  call.onEnded((end) => ends.push(end));
  await call.accept(media);
  const ok = await waitFor(
    () =>
      server.received.find((m) => m.startsWith('SIP/2.0 200') && m.includes(`Call-ID: ${callId}`)),
    'the 200 OK',
  );
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(ok)![1]!.trim();
  const dialog: Dialog = {
    callId,
    from: header('From'),
    to: header('To'),
    target: /<([^>]+)>/.exec(header('Contact'))![1]!,
  };
  server.send(request(dialog, 'ACK', 1));
  await new Promise((r) => setTimeout(r, 50));
  return { call, ends, dialog };
}

const responsesTo = (callId: string, method: string) =>
  server.received.filter(
    (m) =>
      m.startsWith('SIP/2.0 ') && m.includes(`Call-ID: ${callId}`) && m.includes(` ${method}\r\n`),
  );

describe('the far end re-offers in an answered call', () => {
  it('a re-INVITE whose SDP the window refuses (488, call goes on) does not make the customer’s later BYE a "dropped" call', async () => {
    let answers = 0;
    const media: CallMedia = {
      answer: async () => {
        answers++;
        if (answers > 1) throw new Error('InvalidAccessError: no codec in common');
        return ANSWER;
      },
      close: () => undefined,
      offer: async () => ANSWER,
      applyAnswer: async () => undefined,
      rollback: async () => undefined,
    };
    const { call, ends, dialog } = await talkingCall(media);
    // The far end changes codec to something the window cannot take.
    const bad = TEST_OFFER.replace('RTP/SAVPF 0', 'RTP/SAVPF 96').replace(
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:96 AMR-WB/16000',
    );
    server.send(request(dialog, 'INVITE', 2, bad));
    const refused = await waitFor(
      () => responsesTo(dialog.callId, 'INVITE').find((m) => m.startsWith('SIP/2.0 488')),
      'the 488 to the re-INVITE',
    );
    expect(refused).toBeTruthy();
    // sip.js kept the call: it is still talking.
    expect(call.state).toBe('talking');
    expect(ends).toEqual([]);
    // Minutes later the customer hangs up normally.
    server.send(request(dialog, 'BYE', 3));
    await waitFor(() => ends.length > 0, 'the end');
    expect(ends[0]).toMatchObject({ reason: 'remote-hangup', answered: true });
  });
});

/** How a promise settled within `ms`, or 'pending'. */
function within(ms: number, promise: Promise<unknown>) {
  return Promise.race([
    promise.then(
      () => 'resolved' as const,
      () => 'rejected' as const,
    ),
    new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms)),
  ]);
}

describe('the agent hangs up before the far end’s ACK arrived', () => {
  it('hang-up ends the call for the agent at once (media closed), not after sip.js’s 32 s ACK wait', async () => {
    const callId = `ack-${Date.now()}`;
    server.send(invite(callId));
    const call = await waitFor(() => incoming.get(callId), 'the call');
    let closed = 0;
    const ends: CallEnd[] = [];
    call.onEnded((end) => ends.push(end));
    await call.accept({
      answer: async () => ANSWER,
      close: () => void closed++,
      offer: async () => ANSWER,
      applyAnswer: async () => undefined,
    });
    expect(call.state).toBe('talking');
    // The ACK is lost on the way (no ACK is sent); the agent presses hang up.
    const outcome = await within(3_000, call.hangUp());
    expect(outcome, 'hangUp() still waiting after 3 s').toBe('resolved');
    expect(call.state).toBe('ended');
    expect(closed).toBe(1);
  }, 10_000);
});

describe('CANCEL while the window is still making its answer', () => {
  it('accept rejects, the media is closed once, and nothing rejects unhandled', async () => {
    const callId = `cancel-${Date.now()}`;
    server.send(invite(callId));
    const call = await waitFor(() => incoming.get(callId), 'the call');
    let closed = 0;
    let release!: (sdp: string) => void;
    const answered = new Promise<string>((r) => (release = r));
    const accepting = call.accept({
      answer: () => answered,
      close: () => void closed++,
    });
    await new Promise((r) => setTimeout(r, 50));
    server.send(
      invite(callId)
        .replace(/^INVITE/, 'CANCEL')
        .replace('CSeq: 1 INVITE', 'CSeq: 1 CANCEL')
        .replace(/Content-Type[^]*$/, 'Content-Length: 0\r\n\r\n'),
    );
    await waitFor(
      () => responsesTo(callId, 'INVITE').find((m) => m.startsWith('SIP/2.0 487')),
      '487',
    );
    release(ANSWER);
    const outcome = await within(3_000, accepting);
    expect(outcome).toBe('rejected');
    await new Promise((r) => setTimeout(r, 100));
    expect(closed).toBe(1);
    expect(
      server.received.some(
        (m) =>
          m.startsWith('SIP/2.0 200') &&
          m.includes(`Call-ID: ${callId}`) &&
          m.includes('INVITE\r\n'),
      ),
    ).toBe(false);
    expect(unhandled).toEqual([]);
  });
});

describe('UPDATE from the far end during a call', () => {
  it('is answered and the call goes on', async () => {
    const media: CallMedia = {
      answer: async () => ANSWER,
      close: () => undefined,
      offer: async () => ANSWER,
      applyAnswer: async () => undefined,
      rollback: async () => undefined,
    };
    const { call, ends, dialog } = await talkingCall(media);
    server.send(request(dialog, 'UPDATE', 2, TEST_OFFER.replace('a=sendrecv', 'a=sendonly')));
    const answer = await waitFor(
      () => responsesTo(dialog.callId, 'UPDATE')[0],
      'an answer to the UPDATE',
      2_000,
    ).catch(() => 'none');
    expect(answer).not.toBe('none');
    expect(call.state).toBe('talking');
    expect(unhandled).toEqual([]);
    server.send(request(dialog, 'BYE', 3));
    await waitFor(() => ends.length > 0, 'the end');
    expect(ends[0]?.reason).toBe('remote-hangup');
  });
});

describe('a late-offer re-INVITE (no SDP) from the far end while the agent holds', () => {
  it('the offer we make keeps the hold', async () => {
    const offers: boolean[] = [];
    const media: CallMedia = {
      answer: async () => ANSWER,
      close: () => undefined,
      offer: async (hold) => {
        offers.push(hold);
        return ANSWER.replace('a=sendrecv', hold ? 'a=sendonly' : 'a=sendrecv');
      },
      applyAnswer: async () => undefined,
      rollback: async () => undefined,
    };
    const { call, dialog } = await talkingCall(media);
    const before = server.received.length;
    const holding = call.hold(true);
    const ours = await waitFor(
      () => server.received.slice(before).find((m) => m.startsWith('INVITE ')),
      'our hold re-INVITE',
    );
    const h = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(ours)![1]!.trim();
    const body = ANSWER.replace('a=sendrecv', 'a=recvonly');
    server.send(
      [
        'SIP/2.0 200 OK',
        `Via: ${h('Via')}`,
        `From: ${h('From')}`,
        `To: ${h('To')}`,
        `Call-ID: ${h('Call-ID')}`,
        `CSeq: ${h('CSeq')}`,
        'Contact: <sip:13800000001@127.0.0.1:5060;transport=ws>',
        'Content-Type: application/sdp',
        `Content-Length: ${Buffer.byteLength(body)}`,
        '',
        body,
      ].join('\r\n'),
    );
    await holding;
    expect(offers).toEqual([true]);
    // A B2BUA refreshes the session with an empty re-INVITE.
    server.send(request(dialog, 'INVITE', 5));
    await waitFor(() => offers.length === 2, 'our offer in the 200 OK');
    expect(offers[1], 'the offer answering the refresh must stay on hold').toBe(true);
  });
});
