/**
 * Incoming calls on the SIP line against the embedded registrar on loopback: a test caller
 * INVITEs the registered extension; the line hands the call over, 180 goes out only when the app
 * rings, the answer SDP comes from a media double (the window's stand-in), and every way a call
 * ends is reported once with its reason — including the line's UserAgent going away.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger, systemClock } from '../../../src/lib/ports';
import { createSipLine } from '../../../src/main/sip/index';
import type { CallEnd, CallMedia, IncomingCall } from '../../../src/main/sip/call-types';
import type { SipLine } from '../../../src/main/sip/types';
import { waitFor } from '../../support/wait';
import { lineConfig } from './support/embedded-server';
import type { EmbeddedServer } from './support/embedded-server';
import { FAST_TIMING, registeredLine, untilState } from './support/line';
import { MemoryDirectory, demoAccounts } from './support/memory-directory';
import { TEST_OFFER, callExtension } from './support/test-caller';

const [alice] = demoAccounts(1) as [ReturnType<typeof demoAccounts>[0]];
const ANSWER =
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n';

let directory: MemoryDirectory;
let embedded: EmbeddedServer;
let line: SipLine;
let calls: IncomingCall[];

/** A media double: answers with a canned SDP (optionally late or failing), counts closes. */
function media(options: { delayMs?: number; fail?: string } = {}) {
  const seen = { offers: [] as string[], closes: 0 };
  const port: CallMedia = {
    answer: async (offer) => {
      seen.offers.push(offer);
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      if (options.fail) throw new Error(options.fail);
      return ANSWER;
    },
    close: () => void seen.closes++,
  };
  return { port, seen };
}

const ended = (call: IncomingCall) => new Promise<CallEnd>((resolve) => call.onEnded(resolve));
const nextCall = () => waitFor(() => calls[calls.length - 1], 'an incoming call');

beforeEach(async () => {
  directory = new MemoryDirectory();
  ({ embedded, line, calls } = await registeredLine(alice, directory));
});
afterEach(async () => {
  await line.stop();
  await embedded.close();
});

describe('incoming calls on the SIP line', () => {
  it('hands the INVITE over ringing; 180 only when the app rings; answer → talking → caller BYE', async () => {
    const caller = callExtension(embedded.sip, alice.extensionId, {
      fromUser: '13800000001',
      displayName: '张三',
    });
    const call = await nextCall();
    expect(call).toMatchObject({ state: 'ringing', caller: '张三 <13800000001>' });
    expect(call.id).toMatch(/^c[0-9a-f]{12}$/);
    expect(caller.provisional).toEqual([]);
    await call.ring();
    await waitFor(() => caller.provisional.includes(180), '180 at the caller');

    const { port, seen } = media();
    const end = ended(call);
    await call.accept(port);
    expect(call.state).toBe('talking');
    expect(seen.offers).toEqual([TEST_OFFER]);
    expect(await caller.answered).toBe(ANSWER);

    await caller.bye();
    expect(await end).toEqual({ reason: 'remote-hangup', detail: 'BYE', answered: true });
    expect(call.state).toBe('ended');
    expect(seen.closes).toBe(1);
  });

  it('a re-INVITE during the call is answered by the same media', async () => {
    const caller = callExtension(embedded.sip, alice.extensionId);
    const call = await nextCall();
    const { port, seen } = media();
    await call.accept(port);
    await caller.answered;
    // The caller's ACK follows its Established event; a re-INVITE ahead of it gets 500 (RFC 3261
    // §14.2), and a caller tries again, as here.
    const code = await waitFor(async () => {
      const answer = await caller.reinvite();
      return answer !== 500 && answer;
    }, 're-INVITE answered');
    expect(code).toBe(200);
    expect(seen.offers).toEqual([TEST_OFFER, TEST_OFFER]);
    expect(call.state).toBe('talking');
    await call.hangUp();
  });

  it('agent hang-up sends BYE', async () => {
    const caller = callExtension(embedded.sip, alice.extensionId);
    const call = await nextCall();
    await call.accept(media().port);
    await caller.answered;
    const end = ended(call);
    await call.hangUp();
    expect((await end).reason).toBe('local-hangup');
    expect((await caller.ended).by).toBe('bye-received');
  });

  it.each([
    ['decline', 603],
    ['busy', 486],
    ['unavailable', 480],
  ] as const)('reject(%s) answers %i', async (kind, code) => {
    const caller = callExtension(embedded.sip, alice.extensionId);
    const call = await nextCall();
    await call.ring();
    const end = ended(call);
    await call.reject(kind);
    expect(await end).toMatchObject({ reason: 'rejected', answered: false });
    expect(await caller.ended).toEqual({ code, by: 'final' });
  });

  it('CANCEL tells a ring timeout (Reason cause 408) from a caller who gave up', async () => {
    const timedOut = callExtension(embedded.sip, alice.extensionId);
    const first = await nextCall();
    await first.ring();
    const firstEnd = ended(first);
    await timedOut.cancel({ statusCode: 408, reasonPhrase: 'ring timeout' });
    expect(await firstEnd).toMatchObject({ reason: 'ring-timeout', answered: false });
    expect((await firstEnd).detail).toContain('cause=408');

    const gaveUp = callExtension(embedded.sip, alice.extensionId);
    await waitFor(() => calls.length === 2, 'second call');
    const second = calls[1]!;
    const secondEnd = ended(second);
    await gaveUp.cancel();
    expect(await secondEnd).toMatchObject({ reason: 'caller-gave-up', detail: 'CANCEL' });
    expect((await gaveUp.ended).code).toBe(487);
  });

  it('a CANCEL crossing a slow answer ends the call; accept rejects and media is closed', async () => {
    const caller = callExtension(embedded.sip, alice.extensionId);
    const call = await nextCall();
    const { port, seen } = media({ delayMs: 300 });
    const end = ended(call);
    const answering = call.accept(port);
    expect(call.state).toBe('answering');
    await waitFor(() => seen.offers.length === 1, 'offer at the media');
    await caller.cancel();
    await expect(answering).rejects.toThrow();
    expect((await end).reason).toBe('caller-gave-up');
    await waitFor(() => seen.closes === 1, 'media closed');
  });

  it('media failure: the INVITE is refused, the call fails, accept rejects', async () => {
    const caller = callExtension(embedded.sip, alice.extensionId);
    const call = await nextCall();
    const end = ended(call);
    await expect(call.accept(media({ fail: 'no microphone' }).port)).rejects.toThrow(
      /no microphone/,
    );
    expect(await end).toEqual({
      reason: 'failed',
      detail: 'media: no microphone',
      answered: false,
    });
    expect((await caller.ended).code).toBeGreaterThanOrEqual(400);
  });

  it('an INVITE without SDP reaches the app marked unanswerable, and its refusal is 488', async () => {
    const caller = callExtension(embedded.sip, alice.extensionId, { offer: null });
    const call = await nextCall();
    // The app refuses it without ringing and lists it as missed for want of media (calls.ts).
    expect(call.refusal).toMatch(/no SDP offer/);
    const end = new Promise<CallEnd>((resolve) => call.onEnded(resolve));
    await call.reject('no-media');
    expect(await caller.ended).toEqual({ code: 488, by: 'final' });
    expect(await end).toMatchObject({
      reason: 'no-media',
      detail: expect.stringMatching(/late offer/),
    });
  });

  it('with nobody listening the INVITE is refused with 480', async () => {
    const deaf = createSipLine({ clock: systemClock, logger: silentLogger, timing: FAST_TIMING });
    await line.stop();
    deaf.start(lineConfig(embedded.wsUrl, alice));
    await untilState(deaf, 'registered');
    const caller = callExtension(embedded.sip, alice.extensionId);
    expect(await caller.ended).toEqual({ code: 480, by: 'final' });
    await deaf.stop();
  });

  // This media double cannot make offers, so the call cannot re-INVITE from a new connection and
  // is not kept (kept calls: call-over-reconnect.test.ts).
  it('a lost connection ends a call that cannot be kept (line-lost); the line registers again', async () => {
    callExtension(embedded.sip, alice.extensionId);
    const call = await nextCall();
    await call.accept(media().port);
    const end = ended(call);
    embedded.sip.bindingFor(alice.extensionId)!.connection.drop();
    expect(await end).toMatchObject({ reason: 'line-lost', answered: true });
    await untilState(line, 'backing-off');
    await untilState(line, 'registered');
  });

  it('stopping the line sends BYE for the call in progress', async () => {
    const caller = callExtension(embedded.sip, alice.extensionId);
    const call = await nextCall();
    await call.accept(media().port);
    await caller.answered;
    const end = ended(call);
    await line.stop();
    expect(await end).toMatchObject({ reason: 'line-lost', answered: true });
    expect((await caller.ended).by).toBe('bye-received');
  });

  it('a kick during a call keeps the connection (and the call)', async () => {
    const caller = callExtension(embedded.sip, alice.extensionId);
    const call = await nextCall();
    await call.accept(media().port);
    await caller.answered;
    const since = line.status().since;
    line.kick('unlock');
    expect(line.status()).toMatchObject({ state: 'registered', since });
    expect(call.state).toBe('talking');
    await caller.bye();
    await ended(call);
    line.kick('unlock');
    expect(line.status().state).toBe('connecting');
  });
});
