/**
 * The platform's REST side forgets the agent (a restart) while a call it routed is still on the
 * line, and the session heals by logging in again. The demo platform ends its routed calls when
 * it forgets an agent, so here the platform's side of the call is driven directly (its state),
 * and the line's side through the session's call reports, as the call controller makes them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS, startEmulator } from '../../../src/emulator/index';
import { waitFor } from '../../support/wait';
import { emulatorClient, emulatorSession } from './support/emulator-session';
import type { AgentSession, SessionPlatform } from '../../../src/main/core/session';
import type { PlatformClient } from '../../../src/lib/platform/client';
import type { LoginRequest } from '../../../src/shared/platform/dto';
import type { RunningEmulator } from '../../../src/emulator/index';
import type { CallInfo } from '../../../src/shared/snapshot';

const EXT = DEMO_EXTENSIONS[0]!.id;
const NAME = 'agent_1';
let emulator: RunningEmulator;
let session: AgentSession;
/** While set, a login waits for it to resolve (a platform slow to take the heal). */
let loginGate: Promise<void> | null = null;
/** While set, a read-back's answer waits for it before it is delivered (a slow reply). */
let readGate: Promise<void> | null = null;
/** Every state this desktop sent the platform, in order. */
let sent: string[] = [];

beforeEach(async () => {
  emulator = await startEmulator({ port: 0, auth: 'generate' });
  loginGate = null;
  readGate = null;
  sent = [];
  const client = emulatorClient(emulator);
  const platform: SessionPlatform = Object.assign(Object.create(client) as PlatformClient, {
    login: async (req: LoginRequest) => {
      await loginGate;
      return client.login(req);
    },
    getAgent: async (name: string) => {
      const gate = readGate;
      const result = await client.getAgent(name);
      await gate;
      return result;
    },
    setState: (name: string, state: string) => {
      sent.push(state);
      return client.setState(name, state);
    },
  });
  // A keepalive fast enough to find the lost session by itself (wake would cancel an owed hold).
  session = emulatorSession(emulator, platform, { keepaliveMs: () => 200 });
  const signed = await session.signIn({ name: NAME, extension: EXT, initialState: 'idle' });
  expect(signed.ok).toBe(true);
});
afterEach(async () => {
  await session.shutdown(1000);
  await emulator.close();
});

const platformState = () => emulator.store.agentStatus(NAME)?.state;
const call = (phase: 'ringing' | 'talking'): CallInfo => ({
  id: 'routed-1',
  caller: '13900001234',
  phase,
  ringingSince: Date.now(),
  talkingSince: phase === 'talking' ? Date.now() : null,
  muted: false,
});

/** A call the platform routed, answered: talking on the platform and on the line. */
function talkingRouted(): void {
  expect(emulator.store.forceState(NAME, 'fetching').code).toBe('000000');
  session.showCall(call('ringing'), 'fetching');
  expect(emulator.store.forceState(NAME, 'talking').code).toBe('000000');
  session.showCall(call('talking'), 'talking');
}

/** The platform restarts, and the session logs the agent in again (the call still on). */
async function platformForgetsAndHeals(): Promise<void> {
  emulator.store.reset();
  expect(platformState()).toBeUndefined();
  await waitFor(() => platformState(), 'logged in again');
  await waitFor(() => session.snapshot().phase === 'signed-in', 'healed');
}

/** The platform forgets the agent and the heal's login waits; resolves with what lets it go. */
async function healHeldBack(): Promise<() => void> {
  let open!: () => void;
  loginGate = new Promise((resolve) => (open = resolve));
  emulator.store.reset();
  await waitFor(() => session.snapshot().phase === 'restoring', 'healing');
  return open;
}

describe('a heal during a routed call', () => {
  it('with the screen locked during the call: logs in held away, not routable, and unlocking restores idle', async () => {
    talkingRouted();
    await session.hold('lock');
    expect(platformState()).toBe('talking'); // owed: the platform refuses a state in a call

    await platformForgetsAndHeals();
    // The new login is in no call on the platform's side: an idle one would be offered work
    // behind the locked screen, while the agent still talks.
    expect(platformState()).toBe('away/system/lock');
    expect(session.snapshot()).toMatchObject({
      state: 'away/system/lock',
      hold: { reason: 'lock' },
      call: { phase: 'talking' },
    });

    // The call ends: still held.
    session.endCall(null);
    expect((await session.refresh()).ok).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(platformState()).toBe('away/system/lock');

    // Unlocking gives back what the agent had chosen.
    await session.wake(true);
    await waitFor(() => platformState() === 'idle', 'idle after unlock');
    expect(session.snapshot()).toMatchObject({ state: 'idle', hold: null });
  });

  it('unlocked while the heal logs in held: the lock goes, busy until the call ends, then idle', async () => {
    talkingRouted();
    await session.hold('lock');
    const open = await healHeldBack();
    await session.wake(true);
    open();
    // The agent is back but still talking: idle would be offered a second call.
    await waitFor(() => platformState() === 'busy/system/in-call', 'busy: the call goes on');
    await waitFor(() => session.snapshot().hold?.reason === 'in-call', 'held for the call');

    session.endCall(null);
    expect((await session.refresh()).ok).toBe(true);
    await waitFor(() => platformState() === 'idle', 'idle once the call is over');
    expect(session.snapshot()).toMatchObject({ state: 'idle', hold: null });
  });

  it('locked after the heal and unlocked during the call: still not routable until it ends', async () => {
    talkingRouted();
    await platformForgetsAndHeals();
    await session.hold('lock');
    expect(platformState()).toBe('away/system/lock');
    await session.wake(true);
    // Unlocking gives back the agent's choice, idle, only once the call is over.
    expect(platformState()).toBe('busy/system/in-call');
    expect(session.snapshot()).toMatchObject({
      hold: { reason: 'in-call' },
      call: { phase: 'talking' },
    });

    session.endCall(null);
    expect((await session.refresh()).ok).toBe(true);
    await waitFor(() => platformState() === 'idle', 'idle once the call is over');
  });

  it('unlocked before the heal: nothing owed, held busy for the rest of the call, then idle', async () => {
    talkingRouted();
    await session.hold('lock');
    await session.wake(true);
    await platformForgetsAndHeals();
    expect(platformState()).toBe('busy/system/in-call');
    expect(session.snapshot().hold).toMatchObject({ reason: 'in-call' });
    session.endCall(null);
    await session.refresh();
    await waitFor(() => platformState() === 'idle', 'idle once the call is over');
    expect(session.snapshot()).toMatchObject({ state: 'idle', hold: null, chosenState: 'idle' });
  });
});

describe('a heal during a call with nothing owed', () => {
  it('logs in busy, not idle: the platform offers no second call while the agent talks', async () => {
    talkingRouted();
    await platformForgetsAndHeals();
    // An idle login would be offered the next queued call in the middle of this one.
    expect(platformState()).toBe('busy/system/in-call');
    expect(session.snapshot()).toMatchObject({
      state: 'busy/system/in-call',
      hold: { reason: 'in-call' },
      chosenState: 'idle',
      call: { phase: 'talking' },
    });

    // Still held while the call goes on, whatever the keepalive reads back.
    expect((await session.refresh()).ok).toBe(true);
    expect(platformState()).toBe('busy/system/in-call');

    // The call ends: the agent's choice comes back without them doing anything.
    session.endCall(null);
    expect((await session.refresh()).ok).toBe(true);
    await waitFor(() => platformState() === 'idle', 'idle once the call is over');
    expect(session.snapshot()).toMatchObject({ state: 'idle', hold: null });
  });

  it('a state that is not routable is logged in as it is: nothing to hold', async () => {
    expect((await session.setState('busy/lunch')).ok).toBe(true);
    talkingRouted();
    await platformForgetsAndHeals();
    expect(platformState()).toBe('busy/lunch');
    expect(session.snapshot().hold).toBeNull();
  });

  it('the screen locked after the heal: the lock outranks it and stays after the call', async () => {
    talkingRouted();
    await platformForgetsAndHeals();
    await session.hold('lock');
    expect(platformState()).toBe('away/system/lock');
    expect(session.snapshot().hold).toMatchObject({ reason: 'lock' });

    session.endCall(null);
    expect((await session.refresh()).ok).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(platformState()).toBe('away/system/lock');

    await session.wake(true);
    await waitFor(() => platformState() === 'idle', 'idle after unlock');
  });

  it('wrap-up after the call takes over the hold and then returns the agent to idle', async () => {
    talkingRouted();
    await platformForgetsAndHeals();
    session.endCall(null);
    // Wrap-up starts as the call ends, before any read-back (wrap-up.ts applies it at once).
    expect((await session.holdFor('wrap-up', 'busy/wrap-up')).ok).toBe(true);
    expect(session.snapshot().hold).toMatchObject({ reason: 'wrap-up' });
    expect((await session.refresh()).ok).toBe(true);
    expect(platformState()).toBe('busy/wrap-up'); // the read-back does not cut wrap-up short

    expect((await session.releaseHold('wrap-up')).ok).toBe(true);
    expect(platformState()).toBe('idle');
    expect(session.snapshot()).toMatchObject({ state: 'idle', hold: null });
  });

  it('a read-back begun during the call and answered after it does not make the agent routable before wrap-up', async () => {
    talkingRouted();
    await platformForgetsAndHeals();
    let answer!: () => void;
    readGate = new Promise((resolve) => (answer = resolve));
    // A keepalive's read-back asks while the call is still on, and its reply is slow.
    const reading = session.refresh();
    readGate = null;
    await new Promise((resolve) => setTimeout(resolve, 50));
    session.endCall(null);
    sent = [];
    answer();
    await reading;
    // Wrap-up asks for its hold a moment after the end (wrap-up.ts, on a 0 ms timer).
    expect((await session.holdFor('wrap-up', 'busy/wrap-up')).ok).toBe(true);
    // The reply describes the call: letting go of the in-call hold on its word would have sent
    // idle, and an idle agent is offered the next queued call at once.
    expect(sent).toEqual(['busy/wrap-up']);
    expect(platformState()).toBe('busy/wrap-up');
    expect(session.snapshot().hold).toMatchObject({ reason: 'wrap-up' });
  });

  it('a call that ends while the session is restored: the heal logs in held for wrap-up, not idle', async () => {
    talkingRouted();
    const open = await healHeldBack();
    session.endCall(null);
    // Wrap-up starts as the call ends (wrap-up.ts), with no login to set it on yet.
    expect((await session.holdFor('wrap-up', 'busy/wrap-up')).ok).toBe(true);
    expect(session.snapshot()).toMatchObject({
      state: 'busy/wrap-up',
      hold: { reason: 'wrap-up' },
    });
    open();
    // Logged in busy for the call it began in, then held for wrap-up right after the login.
    await waitFor(() => platformState() === 'busy/wrap-up', 'held for wrap-up once healed');
    expect(session.snapshot()).toMatchObject({ phase: 'signed-in', hold: { reason: 'wrap-up' } });

    expect((await session.releaseHold('wrap-up')).ok).toBe(true);
    expect(platformState()).toBe('idle');
    expect(session.snapshot()).toMatchObject({ state: 'idle', hold: null });
  });

  it("wrap-up over before the heal lands: the heal logs in with the agent's choice", async () => {
    talkingRouted();
    const open = await healHeldBack();
    session.endCall(null);
    expect((await session.holdFor('wrap-up', 'busy/wrap-up')).ok).toBe(true);
    expect((await session.releaseHold('wrap-up')).ok).toBe(true);
    open();
    // Logged in busy for the call it began in, which is over: the first read-back lets go.
    await waitFor(() => platformState() === 'idle', 'idle once healed');
    await waitFor(() => session.snapshot().hold === null, 'no hold left');
  });

  it('the window died during the heal: wrap-up after the call does not replace the crash hold', async () => {
    talkingRouted();
    const open = await healHeldBack();
    expect((await session.holdFor('crash', 'busy/system/crash')).ok).toBe(true);
    session.endCall(null);
    // Wrap-up ends by itself, and its end would make the agent idle in a window that is down.
    expect((await session.holdFor('wrap-up', 'busy/wrap-up')).ok).toBe(true);
    expect((await session.releaseHold('wrap-up')).ok).toBe(true);
    expect(session.snapshot()).toMatchObject({
      state: 'busy/system/crash',
      hold: { reason: 'crash' },
    });
    open();
    await waitFor(() => session.snapshot().phase === 'signed-in', 'healed');
    await waitFor(() => platformState() === 'busy/system/crash', 'logged in held for the crash');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(platformState()).toBe('busy/system/crash');
    expect(session.snapshot()).toMatchObject({ hold: { reason: 'crash' } });
  });
});
