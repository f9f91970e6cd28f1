/**
 * Outages during a call, through the core against the demo platform: the SIP connection drops
 * while a call rings or talks, the platform forgets the agent (a restart) while they talk, the
 * system says the network went and came back. What the agent must not lose: the customer's call,
 * a ringing call that ended (listed as missed and in History), and a true picture afterwards.
 *
 * A call dialled straight to the extension stands for a call that outlives a platform restart:
 * the platform never routed it, so forgetting the agent does not end it (the demo platform ends
 * its own routed calls with the agent). The SIP line keeping an answered call over a lost
 * connection is tested against a real Kamailio in test/integration/kamailio-call-outage.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS } from '../../../src/emulator/index';
import { fetchTransport } from '../../../src/lib/platform/transport';
import type { PlatformTransport } from '../../../src/lib/platform/transport';
import { waitFor } from '../../support/wait';
import { AGENT, startCallCore } from './support/call-core';
import type { CallCore } from './support/call-core';
import type { HistoryPage } from '../../../src/shared/history';

const EXT = DEMO_EXTENSIONS[0]!.id;
let app: CallCore | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function history(of: CallCore): Promise<HistoryPage> {
  const page = await of.core.dispatch('history:page', { pageNo: 1, pageSize: 10 });
  if (!page.ok) throw new Error(page.error.message);
  return page.value as HistoryPage;
}

const dropSipConnection = (of: CallCore) =>
  of.demo.emulator.sip!.bindingFor(EXT)!.connection.drop();

describe('the SIP connection drops during a call', () => {
  it('while ringing: the panel goes, the call is missed and in History, the line is back', async () => {
    app = await startCallCore();
    await app.ring();
    dropSipConnection(app);
    await app.until('ringing panel gone', (s) => s.call === null);
    await app.until('missed, with the state after', (s) => s.missed[0]?.stateAfter === 'idle');
    expect(app.snap().missed[0]).toMatchObject({ reason: 'failed', caller: '13900001234' });
    expect((await history(app)).rows[0]).toMatchObject({ outcome: 'failed', talkMs: 0 });
    await app.until('registered again', (s) => s.sip.state === 'registered');
    expect(app.snap().state).toBe('idle');
  });

  it('while talking on the demo platform (which ends its side with the connection): shown dropped once the line is back, never left talking', async () => {
    app = await startCallCore();
    const { callId } = await app.ring();
    expect((await app.core.dispatch('call:answer', { callId })).ok).toBe(true);
    await app.until('talking', (s) => s.call?.phase === 'talking');
    dropSipConnection(app);
    await app.until('shown dropped', (s) => s.call === null && s.droppedCall?.id === callId);
    await app.until('registered again', (s) => s.sip.state === 'registered');
    await app.until('idle again', (s) => s.state === 'idle');
    expect((await history(app)).rows[0]).toMatchObject({ outcome: 'answered' });
  });
});

describe('the platform lets go of the agent only once the line is back', () => {
  it('a call state shown with no call on the line is read back as soon as the line registers again', async () => {
    // The keepalive is far away: only the line's return can read the agent back in time.
    app = await startCallCore({ keepaliveMs: 60_000 });
    const of = app;
    // As after a hang-up while the line was down: the call is over here, and the platform, which
    // has not had the BYE yet, still shows the agent talking.
    expect(of.demo.emulator.store.forceState(AGENT, 'talking').code).toBe('000000');
    expect((await of.core.dispatch('session:refresh', {})).ok).toBe(true);
    expect(of.snap()).toMatchObject({ state: 'talking', call: null });

    dropSipConnection(of);
    await of.until('line lost', (s) => s.sip.state !== 'registered');
    await pause(300); // the read-back a lost line asks for (the platform's light) sees talking
    // The owed BYE goes once the line is registered again, and the platform lets go.
    expect(of.demo.emulator.store.forceState(AGENT, 'idle').code).toBe('000000');
    await of.until('registered again', (s) => s.sip.state === 'registered');
    await of.until(
      'idle within seconds, not at the next keepalive',
      (s) => s.state === 'idle',
      6_000,
    );
  });
});

describe('the system says the network went and came back during a call', () => {
  it('keeps the call: nothing hangs up on the customer', async () => {
    app = await startCallCore();
    const direct = await app.talkingDirect();
    app.core.system('offline');
    await pause(200);
    app.core.system('online');
    await pause(1_000);
    expect(app.snap().call).toMatchObject({ id: direct.callId, phase: 'talking' });
    expect(app.snap().sip.state).toBe('registered');
    expect(direct.ended()).toBeNull();
  });
});

/**
 * Platform requests that go through while `slow` is off; while on, each one's reply is held back
 * `slow` ms (a platform path that stalls: a restart, a congested or lost network).
 */
function stallingTransport() {
  const inner = fetchTransport();
  const state = { slowMs: 0 };
  const transport: PlatformTransport = async (url, request) => {
    const delay = url.pathname.startsWith('/emulator') ? 0 : state.slowMs;
    const reply = await inner(url, request);
    if (delay > 0) await pause(delay);
    return reply;
  };
  return { transport, state };
}

describe('the platform stalls while a call rings', () => {
  it('answering shows the call talking at once, and the late read-back does not undo it', async () => {
    const stalling = stallingTransport();
    app = await startCallCore({ transport: stalling.transport });
    stalling.state.slowMs = 2_500;
    const { callId } = await app.ring();
    const clicked = Date.now();
    expect((await app.core.dispatch('call:answer', { callId })).ok).toBe(true);
    // The 200 OK is out: the customer is connected, and the window says so.
    expect(Date.now() - clicked).toBeLessThan(1_500);
    expect(app.snap().call).toMatchObject({ id: callId, phase: 'talking' });
    expect(app.snap().call!.talkingSince! - clicked).toBeLessThan(1_500);
    expect(app.snap().state).toBe('talking');
    // The ring's read-back (it says fetching) lands after that: the state stays talking.
    await pause(2_500);
    expect(app.snap().state).toBe('talking');
    expect(app.snap().call?.phase).toBe('talking');
    stalling.state.slowMs = 0;
  }, 15_000);
});

describe('the platform forgets the agent during a call', () => {
  it('heals, and the call stays up', async () => {
    app = await startCallCore();
    const direct = await app.talkingDirect();
    app.demo.emulator.store.reset();
    app.core.system('online');
    await waitFor(() => app!.demo.emulator.store.agentStatus(AGENT), 'logged in again');
    await app.until('signed in', (s) => s.phase === 'signed-in' && s.platform.health === 'ok');
    expect(app.snap().call).toMatchObject({ id: direct.callId, phase: 'talking' });
    expect(direct.ended()).toBeNull();
  });

  it('refuses the heal again and again: the session does not give up, and so hang up, until the call is over', async () => {
    app = await startCallCore({ keepaliveMs: 1_000 });
    const direct = await app.talkingDirect();
    app.demo.emulator.store.reset();
    // The restarted platform has the extension bound to someone else: every heal is refused.
    const other = await app.demo.emulator.store.login({ name: 'other_agent', extension: EXT });
    expect(other.code).toBe('000000');
    app.core.system('online');
    await app.until('heal refused', (s) => s.lastError?.code === '040102');
    // Well past three refusals (retries are at most a keepalive period apart).
    await pause(4_000);
    expect(app.snap().phase).toBe('restoring');
    expect(app.snap().call).toMatchObject({ id: direct.callId, phase: 'talking' });
    expect(direct.ended()).toBeNull();
    // The customer hangs up: now the session gives up and says why.
    direct.leg.hangUp('caller');
    await app.until('call over', (s) => s.call === null);
    await app.until('signed out', (s) => s.phase === 'signed-out', 5_000);
    expect(app.snap().lastError?.code).toBe('040102');
  }, 20_000);
});
