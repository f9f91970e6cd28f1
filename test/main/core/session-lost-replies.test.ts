/**
 * A request the platform applied whose reply never came back (a timeout, a reset): what the agent
 * then sees must match what the platform did. A lock hold taken unanswered is still lifted by
 * unlocking; a sign-out taken unanswered is not undone by the next keepalive's heal; a login
 * taken unanswered is this desktop's own, not a sign-in elsewhere. Against the demo platform.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS } from '../../../src/emulator/index';
import { appError } from '../../../src/shared/domain/errors';
import { waitFor } from '../../support/wait';
import { EXT, failOnce, pause, platformState, signIn, useSessionBed } from './support/session-bed';

const bed = useSessionBed();
const lostReply = () => appError('timeout', 'no reply within 10000 ms');

describe('a lock hold whose reply was lost', () => {
  it('unlocking still brings the agent back to idle', async () => {
    const b = bed();
    await signIn(b, 'idle');
    failOnce(b, 'setState', lostReply(), true);
    await b.session.hold('lock');
    expect(platformState(b)).toBe('away/system/lock');
    await b.session.wake(false); // the network is back: read back, nothing lifted
    expect(platformState(b)).toBe('away/system/lock');
    expect(b.session.snapshot().hold?.reason).toBe('lock');
    await b.session.wake(true); // unlock
    expect(platformState(b)).toBe('idle');
    expect(b.session.snapshot().hold).toBeNull();
    expect(b.session.snapshot().state).toBe('idle');
  });
});

describe('a sign-out whose reply was lost', () => {
  it('the agent stays signed out: the next round ends the session, no heal logs them in', async () => {
    const b = bed();
    await signIn(b, 'idle');
    failOnce(b, 'logout', lostReply(), true);
    const first = await b.session.signOut(false);
    expect(first.ok ? 'ok' : first.error.code).toBe('timeout');
    expect(b.emulator.store.agentStatus('agent_1')).toBeFalsy();
    await b.session.wake(false);
    expect(b.emulator.store.agentStatus('agent_1')).toBeFalsy();
    expect(b.session.snapshot().phase).toBe('signed-out');
    expect(b.session.snapshot().lastError).toBeNull();
  });

  it('one that never reached the platform is sent again within seconds', async () => {
    const b = bed();
    await signIn(b, 'idle');
    failOnce(b, 'logout', appError('transport', 'fetch failed: ECONNRESET'));
    expect((await b.session.signOut(false)).ok).toBe(false);
    expect(platformState(b)).toBe('idle');
    // The window is told it is on its way, not that it failed for good.
    expect(b.session.snapshot().signOutPending).toBe(true);
    await waitFor(() => b.session.snapshot().phase === 'signed-out', 'signed out on retry', 3000);
    expect(b.emulator.store.agentStatus('agent_1')).toBeFalsy();
    expect(b.session.snapshot().signOutPending).toBe(false);
  });

  it('choosing a state instead drops the sign-out still owed, and the window hears so', async () => {
    const b = bed();
    await signIn(b, 'idle');
    b.tweak.logout = async () => ({ ok: false, error: appError('transport', 'ECONNREFUSED') });
    expect((await b.session.signOut(false)).ok).toBe(false);
    expect(b.session.snapshot().signOutPending).toBe(true);
    expect((await b.session.setState('busy')).ok).toBe(true);
    expect(b.session.snapshot().signOutPending).toBe(false);
    delete b.tweak.logout;
    await b.session.wake(false);
    expect(b.session.snapshot().phase).toBe('signed-in');
  });

  it('a refusal that will not change is shown once and not sent again', async () => {
    const b = bed();
    await signIn(b, 'idle');
    b.tweak.logout = async () => ({ ok: false, error: appError('010002') });
    const first = await b.session.signOut(false);
    expect(first.ok ? 'ok' : first.error.code).toBe('010002');
    expect(b.session.snapshot().lastError?.code).toBe('010002');
    await b.session.wake(false);
    await pause(1200);
    expect(b.sent.logout).toBe(1);
    expect(b.session.snapshot().phase).toBe('signed-in');
    expect(b.session.snapshot().signOutPending ?? false).toBe(false);
  });
});

describe('a sign-in whose reply was lost', () => {
  it('signing in again is not refused as "signed in elsewhere"', async () => {
    const b = bed();
    failOnce(b, 'login', lostReply(), true);
    const first = await b.session.signIn({ name: 'agent_1', extension: EXT, initialState: 'idle' });
    expect(first.ok ? 'ok' : first.error.code).toBe('timeout');
    expect(platformState(b)).toBe('idle');
    const again = await b.session.signIn({ name: 'agent_1', extension: EXT, initialState: 'busy' });
    expect(again.ok ? 'ok' : again.error.code).toBe('ok');
    expect(b.session.snapshot().phase).toBe('signed-in');
    expect(b.session.snapshot().state).toBe('busy');
    expect(platformState(b)).toBe('busy');
    expect(b.session.snapshot().stateSetElsewhere).toBeNull();
  });

  it('the name signed in on another extension is still "signed in elsewhere"', async () => {
    const b = bed();
    failOnce(b, 'login', lostReply());
    expect((await b.session.signIn({ name: 'agent_1', extension: EXT })).ok).toBe(false);
    const other = await b.emulator.store.login({
      name: 'agent_1',
      extension: DEMO_EXTENSIONS[1]!.id,
      state: 'idle',
    });
    expect(other.code).toBe('000000');
    const again = await b.session.signIn({ name: 'agent_1', extension: EXT, initialState: 'idle' });
    expect(again.ok ? 'ok' : again.error.code).toBe('040201');
  });

  it("a heal's login answered late: the session carries on signed in", async () => {
    const b = bed();
    await signIn(b, 'idle');
    b.emulator.store.expire('agent_1');
    await b.emulator.store.logout('agent_1', true);
    failOnce(b, 'login', lostReply(), true);
    await b.session.wake(false);
    await waitFor(() => b.session.snapshot().phase !== 'restoring', 'heal retried', 5000);
    expect(platformState(b)).toBe('idle');
    expect(b.session.snapshot().phase).toBe('signed-in');
    expect(b.session.snapshot().state).toBe('idle');
    expect(b.session.snapshot().lastError).toBeNull();
  });
});
