/**
 * Hold and resume on the SIP line against the embedded registrar: the desktop's re-INVITE goes to
 * a test caller, and whatever the far end does with it — answer, sit on it, answer with nothing —
 * the hold settles, and a call that ends over it says why (never "no ACK" once the ACK came).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallEnd, CallMedia, IncomingCall } from '../../../src/main/sip/call-types';
import type { SipLine } from '../../../src/main/sip/types';
import { waitFor } from '../../support/wait';
import type { EmbeddedServer } from './support/embedded-server';
import { registeredLine } from './support/line';
import { demoAccounts } from './support/memory-directory';
import { callExtension } from './support/test-caller';

const [alice] = demoAccounts(1) as [ReturnType<typeof demoAccounts>[0]];
const sdp = (direction: string) =>
  `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=${direction}\r\n`;

let embedded: EmbeddedServer;
let line: SipLine;
let calls: IncomingCall[];

/** The window's stand-in: answers, makes hold offers, applies (or refuses) the far end's answer. */
function media(options: { refuseAnswer?: string } = {}) {
  const applied: string[] = [];
  const port: CallMedia = {
    answer: async () => sdp('sendrecv'),
    close: () => undefined,
    offer: async (hold) => sdp(hold ? 'sendonly' : 'sendrecv'),
    applyAnswer: async (answer) => {
      if (options.refuseAnswer) throw new Error(options.refuseAnswer);
      applied.push(answer);
    },
  };
  return { port, applied };
}

/** Calls alice; the caller answers re-INVITEs with `answerOffer`. Resolves once talking. */
async function talkingCall(answerOffer: (offer: string) => Promise<string>, port: CallMedia) {
  const caller = callExtension(embedded.sip, alice.extensionId, { answerOffer });
  const call = await waitFor(() => calls[calls.length - 1], 'an incoming call');
  const ended = new Promise<CallEnd>((resolve) => call.onEnded(resolve));
  await call.accept(port);
  await caller.answered;
  // The caller's ACK crosses the loopback (a hold before it is refused: see below).
  await new Promise((r) => setTimeout(r, 100));
  return { caller, call, ended };
}

/** How a promise settled, or 'pending' after `ms`. */
function within(ms: number, promise: Promise<unknown>) {
  return Promise.race([
    promise.then(
      () => ({ settled: 'resolved' as const, error: '' }),
      (error: Error) => ({ settled: 'rejected' as const, error: error.message }),
    ),
    new Promise<{ settled: 'pending'; error: string }>((r) =>
      setTimeout(() => r({ settled: 'pending', error: '' }), ms),
    ),
  ]);
}

beforeEach(async () => {
  ({ embedded, line, calls } = await registeredLine(alice));
});
afterEach(async () => {
  await line.stop();
  await embedded.close();
});

describe('hold and resume on the SIP line', () => {
  it('the far end answers held, then resumed: the call stays up', async () => {
    const offers: string[] = [];
    const answerOffer = async (offer: string) => {
      offers.push(offer);
      return sdp(offer.includes('a=sendonly') ? 'recvonly' : 'sendrecv');
    };
    const { port, applied } = media();
    const { caller, call } = await talkingCall(answerOffer, port);

    await call.hold(true);
    // A re-INVITE right behind the last ACK meets "500, retry after" (RFC 6337 4.3): a person
    // presses Resume later than that.
    await new Promise((r) => setTimeout(r, 100));
    await call.hold(false);
    expect(offers.map((o) => /a=(\w+)\r\n$/.exec(o)?.[1])).toEqual(['sendonly', 'sendrecv']);
    expect(applied.map((a) => /a=(\w+)\r\n$/.exec(a)?.[1])).toEqual(['recvonly', 'sendrecv']);
    expect(call.state).toBe('talking');
    expect(caller.state()).toBe('Established');
  });

  it('a hold before the ACK came is refused, and the call stays up', async () => {
    const caller = callExtension(embedded.sip, alice.extensionId, {
      answerOffer: async () => sdp('recvonly'),
    });
    const call = await waitFor(() => calls[calls.length - 1], 'an incoming call');
    await call.accept(media().port);
    // Nothing but microtasks since the 200 OK left: the ACK cannot have been read yet.
    await expect(call.hold(true)).rejects.toThrow('the call is still being connected; try again');
    await caller.answered;
    await new Promise((r) => setTimeout(r, 300));
    expect(call.state).toBe('talking');
    expect(caller.state()).toBe('Established');
    await call.hold(true);
  });

  it('a hold the far end sits on settles when the caller hangs up', async () => {
    const { port } = media();
    const { caller, call, ended } = await talkingCall(() => new Promise(() => {}), port);

    const hold = within(2_000, call.hold(true));
    await new Promise((r) => setTimeout(r, 200));
    await caller.bye();
    expect(await hold).toEqual({
      settled: 'rejected',
      error: 'the call ended during the hold: BYE',
    });
    expect(await ended).toMatchObject({ reason: 'remote-hangup', answered: true });
  });

  it('a hold outstanding when the line goes settles too', async () => {
    const { port } = media();
    const { call, ended } = await talkingCall(() => new Promise(() => {}), port);

    const hold = within(2_000, call.hold(true));
    await new Promise((r) => setTimeout(r, 200));
    await line.stop();
    expect(await hold).toEqual({
      settled: 'rejected',
      error: 'the call ended during the hold: the line stopped',
    });
    expect(await ended).toMatchObject({ reason: 'line-lost', answered: true });
  });

  it('an answer the window refuses ends the call saying so, and the hold rejects', async () => {
    const { port } = media({ refuseAnswer: 'Incompatible receive direction' });
    const { caller, call, ended } = await talkingCall(async () => sdp('sendrecv'), port);

    const hold = within(2_000, call.hold(true));
    const end = await ended;
    expect(end).toEqual({
      reason: 'failed',
      answered: true,
      detail:
        "media: the far end's answer to our offer was refused: Incompatible receive direction",
    });
    expect(await hold).toMatchObject({
      settled: 'rejected',
      error: expect.stringMatching(/^the call ended during the hold: media: /),
    });
    expect(await caller.ended).toMatchObject({ by: 'bye-received' });
  });

  it('a 200 without an answer ends the call: the detail blames the re-INVITE, not the ACK', async () => {
    const { port } = media();
    const { call, ended } = await talkingCall(async () => '', port);

    const hold = within(2_000, call.hold(true));
    expect(await ended).toEqual({
      reason: 'failed',
      answered: true,
      detail: 'sip.js ended the session during our hold/resume re-INVITE',
    });
    expect(await hold).toMatchObject({ settled: 'rejected' });
  });
});
