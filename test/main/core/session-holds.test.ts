/** Named holds: the rules (what to restore, who wins) and the session's public API for them. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NamedHolds } from '../../../src/main/core/session-holds';
import type { AgentSession, SessionOptions, SessionPlatform } from '../../../src/main/core/session';
import { DEMO_EXTENSIONS, startEmulator } from '../../../src/emulator/index';
import { emulatorClient, emulatorSession } from './support/emulator-session';
import type { PlatformClient } from '../../../src/lib/platform/client';
import type { RunningEmulator } from '../../../src/emulator/index';
import type { HoldAction } from '../../../src/shared/settings';

const EXT = DEMO_EXTENSIONS[0]!.id;

/** A session on a fresh emulator; `wrap` may stand between it and the platform client. */
async function openSession(
  holdActions: SessionOptions['holdActions'],
  wrap: (client: PlatformClient) => SessionPlatform = (client) => client,
): Promise<{ emulator: RunningEmulator; session: AgentSession }> {
  const emulator = await startEmulator({ port: 0, auth: 'generate' });
  const session = emulatorSession(emulator, wrap(emulatorClient(emulator)), { holdActions });
  return { emulator, session };
}

describe('NamedHolds', () => {
  it('restores the state from before the hold when released while still held', () => {
    const h = new NamedHolds();
    h.begin('lock', 'away/system/lock', 'busy/小休', 1);
    expect(h.restoreTarget('busy/小休')).toBe('away/system/lock');
    expect(h.planRelease('lock', 'away/system/lock')).toEqual({
      kind: 'restore',
      state: 'busy/小休',
    });
  });

  it('only forgets the hold when the agent chose another state meanwhile', () => {
    const h = new NamedHolds();
    h.begin('suspend', 'away/system/suspend', 'idle', 1);
    expect(h.planRelease('suspend', 'busy')).toEqual({ kind: 'forget' });
  });

  it('restores nothing when the agent was merely online', () => {
    const h = new NamedHolds();
    h.begin('suspend', 'away/system/suspend', 'online', 1);
    expect(h.planRelease('suspend', 'away/system/suspend')).toEqual({ kind: 'forget' });
  });

  it('ignores a release for a cause that is not held', () => {
    const h = new NamedHolds();
    expect(h.planRelease('lock', 'idle')).toEqual({ kind: 'not-held' });
    h.begin('suspend', 'away/system/suspend', 'idle', 1);
    expect(h.planRelease('lock', 'away/system/suspend')).toEqual({ kind: 'not-held' });
  });

  it('a second cause takes over the target but keeps what to restore and since when', () => {
    const h = new NamedHolds();
    h.begin('lock', 'away/system/lock', 'idle', 1);
    const second = h.begin('suspend', 'away/system/suspend', 'away/system/lock', 2);
    expect(second).toEqual({
      cause: 'suspend',
      target: 'away/system/suspend',
      restoreTo: 'idle',
      since: 1,
    });
    expect(h.planRelease('suspend', 'away/system/suspend')).toEqual({
      kind: 'restore',
      state: 'idle',
    });
  });

  it('after clear, a heal restores the agent’s own choice', () => {
    const h = new NamedHolds();
    h.begin('lock', 'away/system/lock', 'idle', 1);
    h.clear();
    expect(h.current()).toBeNull();
    expect(h.restoreTarget('busy/会议')).toBe('busy/会议');
    expect(h.restoreTarget(null)).toBe('online');
  });
});

describe('the session’s named-hold API, against the emulator', () => {
  let emulator: RunningEmulator;
  let session: AgentSession;
  beforeEach(async () => {
    ({ emulator, session } = await openSession(() => ({
      onSuspend: 'nothing',
      onLock: 'nothing',
    })));
  });
  afterEach(async () => {
    await session.shutdown(1000);
    await emulator.close();
  });
  const platformState = () => emulator.store.agentStatus('agent_1')?.state;

  it('holds the agent in the target state and restores the earlier one on release', async () => {
    await session.signIn({ name: 'agent_1', extension: EXT, initialState: 'busy/小休' });
    expect((await session.holdFor('lock', 'away/system/lock')).ok).toBe(true);
    expect(platformState()).toBe('away/system/lock');
    expect(session.snapshot().hold?.reason).toBe('lock');
    expect(session.snapshot().chosenState).toBe('busy/小休');
    expect((await session.releaseHold('suspend')).ok).toBe(true); // not the held cause
    expect(platformState()).toBe('away/system/lock');
    expect((await session.releaseHold('lock')).ok).toBe(true);
    expect(platformState()).toBe('busy/小休');
    expect(session.snapshot()).toMatchObject({ hold: null, state: 'busy/小休' });
  });

  it('refuses during a call and when signed out', async () => {
    expect((await session.holdFor('lock', 'away/system/lock')).ok).toBe(false);
    await session.signIn({ name: 'agent_1', extension: EXT, initialState: 'idle' });
    emulator.store.forceState('agent_1', 'talking');
    await session.refresh();
    const refused = await session.holdFor('lock', 'away/system/lock');
    expect(refused.ok || refused.error.code).toBe('in-call');
    expect(platformState()).toBe('talking');
  });

  it('the agent’s own choice while held wins: release only forgets the hold', async () => {
    await session.signIn({ name: 'agent_1', extension: EXT, initialState: 'idle' });
    await session.holdFor('suspend', 'away/system/suspend');
    await session.setState('busy/会议');
    expect(session.snapshot().hold).toBeNull();
    await session.releaseHold('suspend');
    expect(platformState()).toBe('busy/会议');
  });
});

describe('suspend, lock, wake and quit, per the agent’s settings', () => {
  let emulator: RunningEmulator;
  let session: AgentSession;
  let actions: { onSuspend: HoldAction; onLock: HoldAction };
  /** While set, the platform never answers a logout (a quit must still end in time). */
  let logoutHangs: boolean;
  beforeEach(async () => {
    actions = { onSuspend: 'away', onLock: 'away' };
    logoutHangs = false;
    const hangingLogout = (client: PlatformClient) =>
      new Proxy(client, {
        get: (target, key) =>
          key === 'logout' && logoutHangs
            ? () => new Promise(() => undefined)
            : (Reflect.get(target, key) as (...args: unknown[]) => unknown).bind(target),
      });
    ({ emulator, session } = await openSession(() => actions, hangingLogout));
  });
  afterEach(async () => {
    logoutHangs = false;
    await session.shutdown(1000);
    await emulator.close();
  });
  const platformState = () => emulator.store.agentStatus('agent_1')?.state;
  const signIn = async (initialState = 'idle') =>
    expect((await session.signIn({ name: 'agent_1', extension: EXT, initialState })).ok).toBe(true);

  it('each event follows its own setting, and waking lifts the hold', async () => {
    actions = { onSuspend: 'away', onLock: 'nothing' };
    await signIn();
    await session.hold('lock');
    expect(platformState()).toBe('idle');
    await session.hold('suspend');
    expect(platformState()).toBe('away/system/suspend');
    await session.wake(true);
    expect(platformState()).toBe('idle');

    actions = { onSuspend: 'nothing', onLock: 'away' };
    await session.hold('suspend');
    expect(platformState()).toBe('idle');
    await session.hold('lock');
    expect(platformState()).toBe('away/system/lock');
    await session.wake(true);
    expect(platformState()).toBe('idle');
  });

  it('a second event while held keeps the first hold', async () => {
    await signIn('busy/小休');
    await session.hold('lock');
    await session.hold('suspend');
    expect(platformState()).toBe('away/system/lock');
    expect(session.snapshot().hold?.reason).toBe('lock');
    await session.wake(true);
    expect(platformState()).toBe('busy/小休');
  });

  it('never touches a call: a talking agent stays talking through suspend and lock', async () => {
    actions = { onSuspend: 'away', onLock: 'sign-out' };
    await signIn();
    emulator.store.forceState('agent_1', 'talking');
    await session.refresh();
    await session.hold('suspend');
    await session.hold('lock');
    expect(platformState()).toBe('talking');
    expect(session.snapshot()).toMatchObject({ phase: 'signed-in', hold: null, question: null });
  });

  it('signed out on lock, the agent is back on wake in the state they had chosen', async () => {
    actions = { onSuspend: 'away', onLock: 'sign-out' };
    await signIn();
    await session.setState('busy/会议');
    await session.hold('lock');
    expect(session.snapshot().phase).toBe('signed-out');
    expect(emulator.store.agentStatus('agent_1')).toBeFalsy();
    await session.wake(true);
    expect(session.snapshot().phase).toBe('signed-in');
    expect(platformState()).toBe('busy/会议');
  });

  it('a second sign-in is refused and leaves the session as it was', async () => {
    await signIn('busy/小休');
    const again = await session.signIn({ name: 'agent_2', extension: EXT, initialState: 'idle' });
    expect(again.ok || again.error.code).toBe('already-signed-in');
    expect(session.snapshot().profile?.name).toBe('agent_1');
    expect(emulator.store.agentStatus('agent_2')).toBeFalsy();
  });

  it('quitting during a call signs the agent out all the same', async () => {
    await signIn();
    emulator.store.forceState('agent_1', 'talking');
    await session.refresh();
    await session.shutdown(2000);
    expect(emulator.store.agentStatus('agent_1')).toBeFalsy();
  });

  it('quitting ends within its bound when the platform never answers', async () => {
    await signIn();
    logoutHangs = true;
    const started = Date.now();
    await session.shutdown(300);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
