/**
 * Issue 10 item 3: a silent takeover. Desktop A loses the network, its session expires, and
 * desktop B signs in with the same name and the same extension. When A is back it must notice,
 * say so plainly, and not fight B (no state pushed, no heal, no logout).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS, startEmulator } from '../../../src/emulator/index';
import { emulatorClient, emulatorSession } from './support/emulator-session';
import { systemClock } from '../../../src/lib/ports';
import { appError } from '../../../src/shared/domain/errors';
import type { SessionPlatform } from '../../../src/main/core/session';
import type { RunningEmulator } from '../../../src/emulator/index';

const EXT = DEMO_EXTENSIONS[0]!.id;
let emulator: RunningEmulator;

/** How far this test's clock runs ahead of the system's (an outage that lasts). */
let skew = 0;
const clock = { ...systemClock, now: () => Date.now() + skew };

/** A desktop: its own session and client; `offline` makes every request fail as transport. */
function desktop() {
  const client = emulatorClient(emulator);
  const sent: string[] = [];
  const link = { offline: false };
  const platform = new Proxy(client, {
    get(target, key: string) {
      const fn = (target as unknown as Record<string, unknown>)[key];
      if (typeof fn !== 'function') return fn;
      return (...args: unknown[]) => {
        sent.push(key);
        if (link.offline) {
          return Promise.resolve({ ok: false, error: appError('transport', 'network down') });
        }
        return (fn as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as unknown as SessionPlatform;
  const session = emulatorSession(emulator, platform, { random: () => 0, clock });
  return { session, sent, link };
}

let a: ReturnType<typeof desktop>;
let b: ReturnType<typeof desktop>;

beforeEach(async () => {
  skew = 0;
  emulator = await startEmulator({ port: 0, auth: 'generate' });
  a = desktop();
  b = desktop();
});
afterEach(async () => {
  await a.session.shutdown(1000);
  await b.session.shutdown(1000);
  await emulator.close();
});

describe('a second desktop takes the agent over', () => {
  it('the first notices the state it did not set, says so and stops without fighting', async () => {
    const profile = { name: 'agent_1', extension: EXT };
    expect((await a.session.signIn({ ...profile, initialState: 'idle' })).ok).toBe(true);
    a.link.offline = true;
    // A chooses while offline: kept for later, and must NOT be pushed over B's session.
    await a.session.setState('away/午餐');
    // Offline past a keepalive period and its slack (the helper's period is 10 minutes): the
    // platform lets A's login lapse.
    skew = 11 * 60_000;
    emulator.store.expire('agent_1');
    expect((await b.session.signIn({ ...profile, initialState: 'busy/小休' })).ok).toBe(true);

    a.link.offline = false;
    await a.session.wake(true); // A's next keepalive round
    const snap = a.session.snapshot();
    expect(snap.takeover?.clue).toBe('state');
    expect(snap.phase).toBe('signed-out');
    // A did not fight: B's state stands, B is still signed in, and A has gone quiet.
    expect(emulator.store.agentStatus('agent_1')?.state).toBe('busy/小休');
    const after = a.sent.length;
    await a.session.wake(true);
    await a.session.setState('idle');
    expect(a.sent.slice(after)).toEqual([]);
    expect(a.sent).not.toContain('logout');
    expect(a.sent.filter((m) => m === 'login')).toHaveLength(1);
    expect(b.session.snapshot().phase).toBe('signed-in');
    expect((await b.session.refresh()).ok).toBe(true);
    expect(b.session.snapshot().takeover).toBeNull();
  });

  it('the new desktop is not disturbed by the state the old one left behind', async () => {
    const profile = { name: 'agent_1', extension: EXT };
    await a.session.signIn({ ...profile, initialState: 'idle' });
    emulator.store.expire('agent_1');
    a.link.offline = true;
    await b.session.signIn({ ...profile, initialState: 'idle' });
    await b.session.setState('busy');
    await b.session.refresh();
    expect(b.session.snapshot()).toMatchObject({
      phase: 'signed-in',
      state: 'busy',
      takeover: null,
    });
  });

  it('the platform moving the agent right after an offer this desktop refused is no takeover', async () => {
    await a.session.signIn({ name: 'agent_1', extension: EXT, initialState: 'idle' });
    // An offer refused before it rang (its media could not reach the window): the platform
    // still puts the agent in the call's reserve state.
    a.session.addMissed({
      id: 'c1',
      caller: '139',
      at: Date.now(),
      reason: 'no-media',
      stateAfter: null,
    });
    emulator.store.forceState('agent_1', 'away/未接');
    await a.session.refresh();
    expect(a.session.snapshot()).toMatchObject({
      phase: 'signed-in',
      state: 'away/未接',
      takeover: null,
    });
  });

  it('a gap between keepalives long enough to lapse the login makes the same move a takeover', async () => {
    // Asleep or stalled past a keepalive period and its slack: no request failed, but the login
    // may have lapsed, and another desktop signed in meanwhile.
    let skew = 0;
    const clock = { ...systemClock, now: () => Date.now() + skew };
    const c = emulatorSession(emulator, emulatorClient(emulator), { clock });
    const profile = { name: 'agent_1', extension: EXT };
    try {
      await c.signIn({ ...profile, initialState: 'idle' });
      skew = 11 * 60_000; // the helper's keepalive period is 10 minutes
      emulator.store.expire('agent_1');
      await b.session.signIn({ ...profile, initialState: 'busy/小休' });
      await c.wake(true);
      expect(c.snapshot()).toMatchObject({ phase: 'signed-out', takeover: { clue: 'state' } });
      expect(emulator.store.agentStatus('agent_1')?.state).toBe('busy/小休');
    } finally {
      await c.shutdown(1000);
    }
  });

  it('a new contact in the REGISTER reply ends the session here the same way', async () => {
    await a.session.signIn({ name: 'agent_1', extension: EXT, initialState: 'idle' });
    const sip = a.session.snapshot().sip;
    a.session.setSipStatus({ ...sip, state: 'registered', newContacts: ['sip:other@x.invalid'] });
    expect(a.session.snapshot().takeover?.clue).toBe('register');
    expect(a.session.snapshot().phase).toBe('signed-out');
    expect(a.sent).not.toContain('logout');
    expect(emulator.store.agentStatus('agent_1')?.state).toBe('idle');
  });
});

describe('someone changes the state on the platform while this login stays alive', () => {
  // Nobody else can sign the name in meanwhile (040201), so it is a supervisor or an admin tool:
  // before, the desktop called it a takeover and went quiet, and the agent could not sign in
  // again until the platform let the login lapse.
  const supervisor = () => emulatorClient(emulator);

  it('the new state is shown and kept as the agent’s, with no takeover and nothing pushed back', async () => {
    await a.session.signIn({ name: 'agent_1', extension: EXT, initialState: 'idle' });
    await a.session.wake(true);
    expect((await supervisor().setState('agent_1', 'busy/培训')).ok).toBe(true);
    const before = a.sent.length;
    await a.session.wake(true);
    expect(a.session.snapshot()).toMatchObject({
      phase: 'signed-in',
      state: 'busy/培训',
      chosenState: 'busy/培训',
      takeover: null,
      stateSetElsewhere: { state: 'busy/培训' },
    });
    expect(a.sent.slice(before)).not.toContain('setState');
    expect(emulator.store.agentStatus('agent_1')?.state).toBe('busy/培训');
    // The keepalive goes on: the login stays this desktop's.
    expect(a.sent.slice(before)).toContain('keepalive');
  });

  it('a heal after the platform drops the agent restores the state set there', async () => {
    await a.session.signIn({ name: 'agent_1', extension: EXT, initialState: 'idle' });
    await supervisor().setState('agent_1', 'away/会议');
    await a.session.refresh();
    await emulator.store.logout('agent_1', true);
    await a.session.wake(true); // 040202: signs in again
    expect(a.session.snapshot()).toMatchObject({ phase: 'signed-in', state: 'away/会议' });
    expect(emulator.store.agentStatus('agent_1')?.state).toBe('away/会议');
  });

  it('the notice stays until the agent chooses a state', async () => {
    await a.session.signIn({ name: 'agent_1', extension: EXT, initialState: 'idle' });
    await supervisor().setState('agent_1', 'busy');
    await a.session.refresh();
    await a.session.wake(true);
    expect(a.session.snapshot().stateSetElsewhere).toMatchObject({ state: 'busy' });
    expect((await a.session.setState('idle')).ok).toBe(true);
    expect(a.session.snapshot()).toMatchObject({ state: 'idle', stateSetElsewhere: null });
  });
});
