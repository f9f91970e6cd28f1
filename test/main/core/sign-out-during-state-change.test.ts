/**
 * Signing out (the Sign-out button, or "sign out" on lock) while a state change is on its way.
 * The real platform's agent lock never waits (`DistributeLock.lock()`, non-blocking): a logout
 * that finds a state change holding it is refused 040203 "座席正忙" although there is no call,
 * and a state change that finds a logout holding it 000004. The emulator's lock does the same,
 * and its `slow` control keeps a request holding it. The agent must end signed out on the
 * platform, with no false "you are in a call, sign out anyway?" question; and a state change
 * that meets the lock is the agent's choice still, sent again.
 */
import { describe, expect, it } from 'vitest';
import { appError } from '../../../src/shared/domain/errors';
import { waitFor } from '../../support/wait';
import { failOnce, pause, platformState, signIn, useSessionBed } from './support/session-bed';
import type { Bed } from './support/session-bed';
import type { HoldAction } from '../../../src/shared/settings';

let onLock: HoldAction = 'sign-out';
const bed = useSessionBed({ holdActions: () => ({ onSuspend: onLock, onLock }) });

/**
 * The agent's next request keeps its lock on the emulator for `ms` after it is applied (its reply
 * on the way), as on a platform under load.
 */
async function slowNextRequest(b: Bed, ms = 300): Promise<void> {
  const res = await fetch(`${b.emulator.origin}/emulator/agents/agent_1/slow`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ ms }),
  });
  expect(res.status).toBe(200);
}

describe('signing out while a state change is on its way', () => {
  it('locking the screen with "sign out on lock" signs the agent out, asking nothing', async () => {
    onLock = 'sign-out';
    const b = bed();
    await signIn(b, 'busy');
    await slowNextRequest(b);
    const choosing = b.session.setState('idle');
    await pause(100);
    const locking = b.session.hold('lock');
    await choosing;
    await locking;
    await waitFor(() => platformState(b) === null, 'signed out on the platform');
    expect(b.session.snapshot().question).toBeNull();
    expect(b.session.snapshot().phase).toBe('signed-out');
    // Back at the desk: signed in again with the state chosen before the lock.
    await b.session.wake(true);
    await waitFor(() => platformState(b) === 'idle', 'signed in again, idle');
    expect(b.session.snapshot().question).toBeNull();
  });

  it('the Sign-out button signs the agent out, asking nothing', async () => {
    const b = bed();
    await signIn(b, 'busy');
    await slowNextRequest(b);
    const choosing = b.session.setState('idle');
    await pause(100);
    const signingOut = b.session.signOut(false);
    await choosing;
    const answer = await signingOut;
    expect(answer.ok ? 'ok' : answer.error.code).toBe('ok');
    expect(b.session.snapshot().question).toBeNull();
    expect(b.session.snapshot().phase).toBe('signed-out');
    expect(platformState(b)).toBeNull();
  });
});

describe('a sign-out the platform refuses 040203 with no call anywhere', () => {
  it('is a busy lock, not a call: no question, and the sign-out goes through on a retry', async () => {
    const b = bed();
    await signIn(b, 'idle');
    // Another request (an admin tool, a supervisor) holds the agent's lock for a moment.
    failOnce(b, 'logout', appError('040203'));
    const answer = await b.session.signOut(false);
    expect(answer.ok ? 'ok' : answer.error.code).not.toBe('in-call');
    expect(b.session.snapshot().question).toBeNull();
    await waitFor(() => b.session.snapshot().phase === 'signed-out', 'signed out on a retry');
    expect(platformState(b)).toBeNull();
    expect(b.session.snapshot().question).toBeNull();
  });

  it('with "sign out on lock", the sign-out is owed and sent again, not dropped', async () => {
    onLock = 'sign-out';
    const b = bed();
    await signIn(b, 'idle');
    failOnce(b, 'logout', appError('040203'));
    await b.session.hold('lock');
    expect(b.session.snapshot().question).toBeNull();
    await waitFor(() => platformState(b) === null, 'signed out on a retry');
    expect(b.session.snapshot().question).toBeNull();
    await b.session.wake(true);
    await waitFor(() => platformState(b) === 'idle', 'signed in again, idle');
  });

  it('a call the platform has (the desktop did not know) still asks to force the sign-out', async () => {
    const b = bed();
    await signIn(b, 'idle');
    b.emulator.store.forceState('agent_1', 'talking');
    const answer = await b.session.signOut(false);
    expect(answer.ok ? 'ok' : answer.error.code).toBe('in-call');
    expect(b.session.snapshot().question).toEqual({ kind: 'force-sign-out' });
    expect(platformState(b)).toBe('talking');
    expect(b.session.snapshot().state).toBe('talking');
  });
});

describe('a state change while a read-back holds the agent’s lock', () => {
  it('is refused 000004, kept as the agent’s choice, and sent again', async () => {
    const b = bed();
    await signIn(b, 'idle');
    await slowNextRequest(b);
    const reading = b.session.refresh();
    await pause(100);
    const answer = await b.session.setState('busy/会议');
    expect(answer.ok ? 'ok' : answer.error.code).toBe('000004');
    // Said as pending, not lost, and no question about a call.
    expect(b.session.snapshot()).toMatchObject({ pendingState: 'busy/会议', question: null });
    expect(platformState(b)).toBe('idle');
    await reading;
    await waitFor(() => platformState(b) === 'busy/会议', 'the choice sent again');
    await waitFor(() => b.session.snapshot().pendingState === null, 'no longer pending');
    expect(b.session.snapshot().state).toBe('busy/会议');
  });
});
