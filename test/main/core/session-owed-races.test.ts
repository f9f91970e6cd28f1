/**
 * What a sign-out, sign-in or heal still owed (its reply lost, or refused busy) does when the
 * agent moves on meanwhile: a forced sign-out retried later never hangs up a call it was not
 * confirmed for; a late heal login never keeps the agent routable nor blocks their next
 * sign-in; a logout refused busy is retried ever more slowly; an owed resume sign-in or a "sign
 * out on lock" retry never overtakes the agent's later lock or return. Against the demo platform.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS } from '../../../src/emulator/index';
import { appError } from '../../../src/shared/domain/errors';
import { systemClock } from '../../../src/lib/ports';
import { waitFor } from '../../support/wait';
import {
  EXT,
  failAlways,
  failOnce,
  pause,
  platformState,
  signIn,
  useSessionBed,
} from './support/session-bed';
import type { HoldAction } from '../../../src/shared/settings';
import type { CallInfo } from '../../../src/shared/snapshot';

let actions: { onSuspend: HoldAction; onLock: HoldAction } = { onSuspend: 'away', onLock: 'away' };
/** The backoff's jitter: 1 waits the longest step (1 s, 2 s, 4 s…). */
let jitter = 1;
/** How far the session's clock runs ahead of the system's (the time a sleep would skip). */
let skew = 0;
const clock = { ...systemClock, now: () => Date.now() + skew };
const bed = useSessionBed({ holdActions: () => actions, random: () => jitter, clock });
beforeEach(() => {
  actions = { onSuspend: 'away', onLock: 'away' };
  jitter = 1;
  skew = 0;
});

const down = () => appError('transport', 'fetch failed: ENETUNREACH');

/** A request held until the test opens the gate. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

const call = (id: string, phase: 'ringing' | 'talking'): CallInfo => ({
  id,
  caller: '13900001234',
  phase,
  ringingSince: Date.now(),
  talkingSince: phase === 'talking' ? Date.now() : null,
  muted: false,
});

describe('a heal login that lands after the agent signed out and in again', () => {
  it('is logged out again when another name signed in on the desk', async () => {
    const b = bed();
    await signIn(b, 'idle');
    await b.emulator.store.logout('agent_1', true);
    const heal = gate();
    let first = true;
    b.tweak.login = async (real) => {
      if (!first) return real();
      first = false;
      await heal.wait;
      return real();
    };
    const round = b.session.wake(false);
    await waitFor(() => b.session.snapshot().phase === 'restoring', 'restoring');
    expect((await b.session.signOut(false)).ok).toBe(true);
    const other = await b.session.signIn({
      name: 'agent_2',
      extension: DEMO_EXTENSIONS[1]!.id,
      initialState: 'idle',
    });
    expect(other.ok).toBe(true);
    heal.open();
    await round;
    // The old name is not left routable on this desk's extension.
    await waitFor(() => b.emulator.store.agentStatus('agent_1') === null, 'agent_1 logged out');
    expect(b.emulator.store.agentStatus('agent_2')?.state).toBe('idle');
    expect(b.session.snapshot().profile?.name).toBe('agent_2');
  });

  it('does not refuse the agent signing in again with the same name', async () => {
    const b = bed();
    await signIn(b, 'idle');
    await b.emulator.store.logout('agent_1', true);
    const heal = gate();
    const again = gate();
    let n = 0;
    b.tweak.login = async (real) => {
      n++;
      if (n === 1) await heal.wait;
      else if (n === 2) await again.wait;
      return real();
    };
    const round = b.session.wake(false);
    await waitFor(() => b.session.snapshot().phase === 'restoring', 'restoring');
    expect((await b.session.signOut(false)).ok).toBe(true);
    const signing = b.session.signIn({ name: 'agent_1', extension: EXT, initialState: 'busy' });
    await waitFor(() => n === 2, 'sign-in login sent');
    heal.open();
    await round;
    again.open();
    const answer = await signing;
    expect(answer.ok ? 'ok' : answer.error.code).toBe('ok');
    expect(b.session.snapshot().phase).toBe('signed-in');
    expect(platformState(b)).toBe('busy');
  });
});

describe('a forced sign-out the platform could not take', () => {
  it('does not hang up a call the agent answered after it', async () => {
    const b = bed();
    await signIn(b, 'idle');
    b.emulator.store.forceState('agent_1', 'talking');
    b.session.showCall(call('A', 'talking'), 'talking');
    failAlways(b, 'logout', down());
    expect((await b.session.signOut(true)).ok).toBe(false);
    b.session.endCall(null);
    b.emulator.store.forceState('agent_1', 'idle');
    b.emulator.store.forceState('agent_1', 'talking');
    b.session.showCall(call('B', 'talking'), 'talking');
    delete b.tweak.logout;
    // Asked again, as any sign-out during a call, and the call goes on.
    const asked = () => b.session.snapshot().question?.kind === 'force-sign-out';
    await waitFor(asked, 'asked about the call', 4000);
    await pause(300);
    expect(b.emulator.store.agentStatus('agent_1')?.state).toBe('talking');
    expect(b.session.snapshot().phase).toBe('signed-in');
  }, 10_000);

  it('still goes through with force while the same call is on the line', async () => {
    const b = bed();
    await signIn(b, 'idle');
    b.emulator.store.forceState('agent_1', 'talking');
    b.session.showCall(call('A', 'talking'), 'talking');
    failAlways(b, 'logout', down());
    expect((await b.session.signOut(true)).ok).toBe(false);
    delete b.tweak.logout;
    await waitFor(() => b.session.snapshot().phase === 'signed-out', 'signed out', 4000);
    expect(platformState(b)).toBeNull();
  }, 10_000);
});

describe('a logout refused busy with no call', () => {
  it('is retried on a growing backoff, not every second', async () => {
    const b = bed();
    await signIn(b, 'idle');
    failAlways(b, 'logout', appError('040203'));
    await b.session.signOut(false);
    // 1 + 2 + 4 s of backoff: at most the first try and three retries in 8 s (not 8 of them).
    await pause(8000);
    expect(b.sent.logout ?? 0).toBeLessThanOrEqual(4);
    expect(b.session.snapshot().lastError?.code).toBe('000004');
  }, 12_000);
});

describe('"sign out" on lock or suspend and the agent coming and going', () => {
  it('an owed resume sign-in that lands after a new lock does not leave the agent signed in', async () => {
    actions = { onSuspend: 'sign-out', onLock: 'sign-out' };
    const b = bed();
    await signIn(b, 'idle');
    await b.session.hold('suspend');
    failAlways(b, 'login', down());
    await b.session.wake(true);
    const g = gate();
    let started = false;
    b.tweak.login = async (real) => {
      started = true;
      await g.wait;
      return real();
    };
    await waitFor(() => started, 'owed sign-in retried', 4000);
    await b.session.hold('lock');
    g.open();
    await waitFor(() => b.session.snapshot().phase === 'signed-out', 'signed out again');
    await pause(300);
    expect(platformState(b)).toBeNull();
    // Unlocking signs the agent back in with their choice.
    await b.session.wake(true);
    expect(b.session.snapshot().phase).toBe('signed-in');
    expect(platformState(b)).toBe('idle');
  });

  it('the agent who is back while the owed sign-out is on its way is signed back in', async () => {
    actions = { onSuspend: 'sign-out', onLock: 'sign-out' };
    const b = bed();
    await signIn(b, 'idle');
    let n = 0;
    const g = gate();
    b.tweak.logout = async (real) => {
      n++;
      if (n === 1) return { ok: false, error: appError('000004') };
      await g.wait;
      return real();
    };
    await b.session.hold('lock');
    await waitFor(() => n === 2, 'owed sign-out retried', 4000);
    await b.session.wake(true);
    g.open();
    await waitFor(() => b.session.snapshot().phase === 'signed-in' && platformState(b), 'back');
    await pause(300);
    expect(b.session.snapshot().phase).toBe('signed-in');
    expect(platformState(b)).toBe('idle');
  });
});

describe('a sign-in login whose reply was lost', () => {
  it('is carried on with at the next sign-in while it may still live', async () => {
    const b = bed();
    failOnce(b, 'login', down(), true);
    expect((await b.session.signIn({ name: 'agent_1', extension: EXT })).ok).toBe(false);
    await signIn(b, 'busy');
    expect(platformState(b)).toBe('busy');
  });

  it("is not taken for this desktop's once it may have lapsed", async () => {
    const b = bed();
    failOnce(b, 'login', down(), true);
    expect((await b.session.signIn({ name: 'agent_1', extension: EXT })).ok).toBe(false);
    // A keepalive period and more than the lapse slack later: the name may be someone else's.
    skew = 600_000 + 31_000;
    const again = await b.session.signIn({ name: 'agent_1', extension: EXT, initialState: 'busy' });
    expect(again.ok ? 'ok' : again.error.code).toBe('040201');
    expect(b.session.snapshot().phase).toBe('signed-out');
  });
});
