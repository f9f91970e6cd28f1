/**
 * An answered call when the SIP line's connection is lost, against the embedded registrar. The
 * line keeps the call (its media is the window's) and connects again on the same UserAgent; the
 * call then re-INVITEs from the new connection. The embedded registrar ends its side of a call
 * with the connection, so the re-INVITE is answered 481 and the call ends as lost, shortly after
 * the line is back — never left talking to nobody. What cannot be kept ends at once: a ringing
 * call, and a call whose media cannot make the re-INVITE's offer. (The call that does survive,
 * through a real Kamailio restart, is test/integration/kamailio-call-outage.test.ts.)
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger, systemClock } from '../../../src/lib/ports';
import { createSipLine } from '../../../src/main/sip/index';
import type { CallEnd, CallMedia, IncomingCall } from '../../../src/main/sip/call-types';
import type { SipLine } from '../../../src/main/sip/types';
import { waitFor } from '../../support/wait';
import { lineConfig } from './support/embedded-server';
import type { EmbeddedServer } from './support/embedded-server';
import { FAST_TIMING, recordStates, registeredLine, untilState } from './support/line';
import { demoAccounts, MemoryDirectory } from './support/memory-directory';
import { callExtension } from './support/test-caller';

const [alice] = demoAccounts(1) as [ReturnType<typeof demoAccounts>[0]];
const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n';

let embedded: EmbeddedServer;
let line: SipLine;
let calls: IncomingCall[];
let directory: MemoryDirectory;

/** The window's part: answers, and (`offers`) makes the offers of a hold or a refresh. */
function media(offers = true) {
  const seen = { offers: 0, closes: 0 };
  const port: CallMedia = {
    answer: async () => SDP,
    close: () => void seen.closes++,
    ...(offers
      ? {
          offer: async () => {
            seen.offers++;
            return SDP;
          },
          applyAnswer: async () => undefined,
          rollback: async () => undefined,
        }
      : {}),
  };
  return { port, seen };
}

const ended = (call: IncomingCall) => new Promise<CallEnd>((resolve) => call.onEnded(resolve));
const dropConnection = () => embedded.sip.bindingFor(alice.extensionId)!.connection.drop();

/** An answered call whose ACK has arrived (a re-INVITE may go). */
async function talking(offers = true) {
  const caller = callExtension(embedded.sip, alice.extensionId, { answerOffer: async () => SDP });
  const call = await waitFor(() => calls[0], 'an incoming call');
  const m = media(offers);
  await call.accept(m.port);
  await caller.answered;
  // The ACK follows the caller's 200 handling at once; a hold before it is refused (by design).
  // Media that cannot offer is never kept, ACK or not.
  if (offers)
    await waitFor(async () => {
      try {
        await call.hold(false);
        return true;
      } catch {
        return false;
      }
    }, 'the ACK');
  return { call, media: m, caller };
}

/** The registered line replaced by one made with `options` (a trace, other timing). */
async function replaceLine(options: Partial<Parameters<typeof createSipLine>[0]>) {
  await line.stop();
  line = createSipLine({
    clock: systemClock,
    logger: silentLogger,
    timing: FAST_TIMING,
    ...options,
  });
  line.onIncomingCall((c) => calls.push(c));
  line.start(lineConfig(embedded.wsUrl, alice));
  await untilState(line, 'registered');
}

beforeEach(async () => {
  directory = new MemoryDirectory();
  ({ embedded, line, calls } = await registeredLine(alice, directory));
});
afterEach(async () => {
  await line.stop();
  await embedded.close();
});

describe('an answered call over a lost SIP connection', () => {
  it('stays talking while the line is down, then ends as lost when the far end no longer has it', async () => {
    const { call, media: m } = await talking();
    const offersBefore = m.seen.offers;
    const end = ended(call);
    const states = recordStates(line);
    dropConnection();
    await untilState(line, 'backing-off');
    expect(call.state).toBe('talking');
    expect(m.seen.closes).toBe(0);
    await untilState(line, 'registered');
    const over = await end;
    expect(over).toMatchObject({ reason: 'line-lost', answered: true });
    // The embedded registrar answers the re-INVITE 404: the dialog is gone.
    expect(over.detail).toContain('404');
    // One re-INVITE from the new connection, and the media closed once at the end.
    expect(m.seen.offers).toBe(offersBefore + 1);
    expect(m.seen.closes).toBe(1);
    expect(states).toEqual([
      'registered',
      'backing-off',
      'connecting',
      'registering',
      'registered',
    ]);
  });

  it('credentials refused on the way back: the call is kept, and the line stops only after it', async () => {
    const { call, media: m } = await talking();
    const end = ended(call);
    // The extension's password changed meanwhile (or the registrar's database had a moment).
    directory.setAccounts(
      directory
        .accounts()
        .map((a) => (a.extensionId === alice.extensionId ? { ...a, password: 'rotated9' } : a)),
    );
    dropConnection();
    await waitFor(() => line.status().lastError?.code === 'sip-auth-failed', 'the refusal');
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Hanging up on the customer would be worse than a line that cannot register yet.
    expect(call.state).toBe('talking');
    expect(m.seen.closes).toBe(0);
    await call.hangUp();
    expect(await end).toMatchObject({ reason: 'local-hangup', answered: true });
    // With no call left, refused credentials are not tried again.
    await untilState(line, 'failed-auth');
  });

  it('a hold while the line is down is refused, and the call stays talking', async () => {
    const { call, media: m } = await talking();
    dropConnection();
    await untilState(line, 'backing-off');
    await expect(call.hold(true)).rejects.toThrow('503');
    expect(call.state).toBe('talking');
    expect(m.seen.closes).toBe(0);
  });

  it('the agent hangs up while the line is down: the call ends at once, its BYE goes once the line is back', async () => {
    const sent: string[] = [];
    await replaceLine({
      trace: (direction, message) => {
        if (direction === 'sent') sent.push(message.split('\r\n', 1)[0]!);
      },
    });
    const { call, media: m } = await talking();
    const offersBefore = m.seen.offers;
    const end = ended(call);
    dropConnection();
    await untilState(line, 'backing-off');
    await call.hangUp();
    expect(await end).toMatchObject({ reason: 'local-hangup', answered: true });
    expect(m.seen.closes).toBe(1);
    expect(sent.filter((first) => first.startsWith('BYE '))).toHaveLength(0);
    await untilState(line, 'registered');
    // The far end is told on the new connection: a BYE, not the re-INVITE a kept call sends.
    await waitFor(() => sent.some((first) => first.startsWith('BYE ')), 'the owed BYE');
    expect(sent.filter((first) => first.startsWith('BYE '))).toHaveLength(1);
    expect(m.seen.offers).toBe(offersBefore);
  });

  it('a kick while the line is down reconnects at once, keeping the call', async () => {
    const slow = {
      ...FAST_TIMING,
      backoffBaseMs: 5_000,
      backoffCapMs: 5_000,
      unreachableCapMs: 5_000,
    };
    await replaceLine({ timing: slow });
    const { call } = await talking();
    const end = ended(call);
    dropConnection();
    await untilState(line, 'backing-off');
    expect(call.state).toBe('talking');
    const kickedAt = Date.now();
    line.kick('online');
    await untilState(line, 'registered');
    expect(Date.now() - kickedAt).toBeLessThan(2_000);
    expect(await end).toMatchObject({ reason: 'line-lost', answered: true });
  });

  it('a kick while the kept call’s connection is being made again changes nothing', async () => {
    const { call } = await talking();
    const states = recordStates(line);
    dropConnection();
    // Between the new connection and its REGISTER's answer.
    await untilState(line, 'registering');
    line.kick('resume');
    await untilState(line, 'registered');
    expect(states.at(-1)).toBe('registered');
    expect(states.filter((s) => s === 'registered')).toHaveLength(2);
    expect(await ended(call)).toMatchObject({ reason: 'line-lost', answered: true });
  });

  it('what cannot be kept ends with the connection: a ringing call, and media that cannot offer', async () => {
    callExtension(embedded.sip, alice.extensionId);
    const ringing = await waitFor(() => calls[0], 'a ringing call');
    const ringEnd = ended(ringing);
    dropConnection();
    expect(await ringEnd).toMatchObject({ reason: 'line-lost', answered: false });
    await untilState(line, 'registered');

    calls.length = 0;
    const { call } = await talking(false);
    const end = ended(call);
    dropConnection();
    expect(await end).toMatchObject({ reason: 'line-lost', answered: true });
    await untilState(line, 'registered');
  });
});
