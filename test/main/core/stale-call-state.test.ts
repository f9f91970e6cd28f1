/**
 * A call ends while the platform cannot be read back (its REST side is down; the SIP side and the
 * call carry on). The snapshot keeps the platform's last word, `talking`, with no call on the
 * line. That word is stale: the agent's next state choice must not be refused locally as "in a
 * call" and lost. It is kept while the platform is down and sent once it is back, or refused by
 * the platform itself (040203) when the agent really still is in a call there.
 *
 * Through the core against the demo platform, with a platform transport that can be cut. The
 * gateway variant (a lapsed token) is in gateway-calls.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fetchTransport } from '../../../src/lib/platform/transport';
import { isInCall } from '../../../src/shared/availability';
import { AGENT, startCallCore } from './support/call-core';
import type { CallCore } from './support/call-core';
import type { PlatformTransport } from '../../../src/lib/platform/transport';

let app: CallCore | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

/**
 * The platform's REST side, reachable until `down` is set (the emulator's own routes stay);
 * `readsDown` fails only reading an agent back (keepalives and state changes pass).
 */
function cuttableTransport() {
  const inner = fetchTransport();
  const state = { down: false, readsDown: false };
  const isRead = (url: URL, method: string) =>
    method === 'GET' &&
    url.pathname.includes('/callcenter/agent/') &&
    !url.pathname.endsWith('/keepalive');
  const transport: PlatformTransport = async (url, request) => {
    const cut = state.down || (state.readsDown && isRead(url, request.method));
    if (cut && !url.pathname.startsWith('/emulator')) {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    }
    return inner(url, request);
  };
  return { transport, state };
}

/**
 * Signed in idle, a routed call answered, the platform's REST side goes down, the customer hangs
 * up; resolves once the session has tried (and failed) to read the agent back after the call.
 */
async function callEndsWhilePlatformDown(keepaliveMs = 60_000) {
  const cut = cuttableTransport();
  app = await startCallCore({ transport: cut.transport, keepaliveMs });
  const of = app;
  const { id, callId } = await of.ring();
  expect((await of.core.dispatch('call:answer', { callId })).ok).toBe(true);
  await of.until('talking', (s) => s.call?.phase === 'talking' && s.state === 'talking');
  cut.state.down = true;
  expect(of.demo.emulator.calls.customerHangUp(id)).toBe('ok');
  await of.until('call over, platform unreachable', (s) => {
    return s.call === null && s.platform.health === 'unreachable';
  });
  // The platform's last word stays: it could not be read back since.
  expect(of.snap().state).toBe('talking');
  return { app: of, cut };
}

const codeOf = (result: { ok: boolean; error?: { code: string } }) =>
  result.ok ? 'ok' : result.error?.code;

describe('a call ends while the platform is down', () => {
  it('the agent picks busy; the platform comes back: the agent is busy there and in the window', async () => {
    const { app, cut } = await callEndsWhilePlatformDown(1_000);
    // The window offers the state choices again (no call on the line).
    expect(isInCall(app.snap())).toBe(false);
    const picked = await app.core.dispatch('agent:set-state', { state: 'busy/小休' });
    // Not refused as "in a call": kept, and said so.
    expect(codeOf(picked)).toBe('transport');
    expect(app.snap()).toMatchObject({ chosenState: 'busy/小休', pendingState: 'busy/小休' });
    // The platform ended the call on its side and put the agent back to idle.
    expect(app.platformState()).toBe('idle');

    cut.state.down = false;
    await app.until(
      'busy, sent and read back',
      (s) => s.state === 'busy/小休' && s.pendingState === null && s.platform.health === 'ok',
    );
    expect(app.platformState()).toBe('busy/小休');
    expect(app.snap().call).toBeNull();
  }, 20_000);

  it('the platform answers keepalives again before read-backs: the choice waits, then is sent', async () => {
    const { app, cut } = await callEndsWhilePlatformDown(1_000);
    const picked = await app.core.dispatch('agent:set-state', { state: 'busy/小休' });
    expect(codeOf(picked)).toBe('transport');
    // A keepalive succeeds, the read-back right after it fails: the stale `talking` is still
    // all the session knows, which says nothing about whether the choice still stands.
    cut.state.readsDown = true;
    cut.state.down = false;
    const keptAlive = app.snap().lastKeepaliveAckAt;
    await app.until('a keepalive answered', (s) => s.lastKeepaliveAckAt !== keptAlive);
    await app.until('its read-back failed', (s) => s.platform.health !== 'ok');
    expect(app.snap()).toMatchObject({ chosenState: 'busy/小休', pendingState: 'busy/小休' });

    cut.state.readsDown = false;
    await app.until(
      'busy, sent and read back',
      (s) => s.state === 'busy/小休' && s.pendingState === null && s.platform.health === 'ok',
    );
    expect(app.platformState()).toBe('busy/小休');
  }, 20_000);

  it('the platform is back but still has the agent in a call: its refusal is shown and the choices lock', async () => {
    const { app, cut } = await callEndsWhilePlatformDown();
    // The platform never saw this call end (or routed the next one already): still talking.
    expect(app.demo.emulator.store.forceState(AGENT, 'talking').code).toBe('000000');
    cut.state.down = false;
    const picked = await app.core.dispatch('agent:set-state', { state: 'busy/小休' });
    expect(codeOf(picked)).toBe('in-call');
    expect(app.snap().lastError?.code).toBe('in-call');
    // Read back: the platform's word, confirmed now, locks the choices; nothing is kept to send.
    expect(app.snap()).toMatchObject({ state: 'talking', pendingState: null });
    expect(app.snap().platform.health).toBe('ok');
    expect(isInCall(app.snap())).toBe(true);
    expect(app.platformState()).toBe('talking');
  }, 20_000);

  it('signing out does not ask to hang up a call the line no longer has; the platform decides', async () => {
    const { app, cut } = await callEndsWhilePlatformDown();
    const down = await app.core.dispatch('session:sign-out', { force: false });
    // Nothing to hang up here: the sign-out is tried, and fails for the reason that is true.
    expect(codeOf(down)).toBe('transport');
    expect(app.snap().question).toBeNull();
    expect(app.snap().phase).toBe('signed-in');

    // The platform still has the agent in a call: then it is the platform that asks.
    expect(app.demo.emulator.store.forceState(AGENT, 'talking').code).toBe('000000');
    cut.state.down = false;
    const refused = await app.core.dispatch('session:sign-out', { force: false });
    expect(codeOf(refused)).toBe('in-call');
    expect(app.snap().question).toEqual({ kind: 'force-sign-out' });
    expect(app.snap()).toMatchObject({ state: 'talking', phase: 'signed-in' });
    expect(isInCall(app.snap())).toBe(true);
    expect(app.demo.emulator.store.agentStatus(AGENT)).not.toBeNull();
  }, 20_000);
});
