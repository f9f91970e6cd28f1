/**
 * Signing out while the session's own requests are on their way: a heal's login, a sign-in's
 * login or a read-back answered after the sign-out must not leave the agent logged in on the
 * platform (routable at an empty desk, and refused 040201 at the next sign-in) nor put a state on
 * the signed-out window. Against the demo platform.
 */
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../support/wait';
import { EXT, pause, platformState, signIn, useSessionBed } from './support/session-bed';

const bed = useSessionBed();

function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

/** Logins wait to be sent until the gate opens. */
function holdLogins(b: ReturnType<typeof bed>): ReturnType<typeof gate> {
  const g = gate();
  b.tweak.login = async (real) => {
    await g.wait;
    return real();
  };
  return g;
}

describe('signing out while the session is being restored', () => {
  it("a heal's login that lands after the sign-out is undone", async () => {
    const b = bed();
    await signIn(b, 'idle');
    await b.emulator.store.logout('agent_1', true);
    const g = holdLogins(b);
    const round = b.session.wake(false);
    await waitFor(() => b.session.snapshot().phase === 'restoring', 'restoring');
    expect((await b.session.signOut(false)).ok).toBe(true);
    g.open();
    await round;
    await waitFor(() => b.emulator.store.agentStatus('agent_1') === null, 'logged out again');
    expect(b.session.snapshot().phase).toBe('signed-out');
    delete b.tweak.login;
    const again = await b.session.signIn({ name: 'agent_1', extension: EXT, initialState: 'idle' });
    expect(again.ok ? 'ok' : again.error.code).toBe('ok');
  });
});

describe('quitting while signing in', () => {
  it('a login that lands after the sign-out is undone', async () => {
    const b = bed();
    const g = holdLogins(b);
    const signing = b.session.signIn({ name: 'agent_1', extension: EXT, initialState: 'idle' });
    await waitFor(() => b.session.snapshot().phase === 'signing-in', 'signing in');
    await b.session.signOut(true);
    g.open();
    const answer = await signing;
    expect(answer.ok).toBe(false);
    await waitFor(() => b.emulator.store.agentStatus('agent_1') === null, 'logged out again');
    expect(b.session.snapshot().phase).toBe('signed-out');
    expect(b.session.snapshot().state).toBeNull();
  });
});

describe('a read-back answered after the sign-out', () => {
  it('puts no state and no agent on the signed-out window', async () => {
    const b = bed();
    await signIn(b, 'idle');
    const g = gate();
    b.tweak.getAgent = async (real) => {
      const answer = await real();
      await g.wait;
      return answer;
    };
    const round = b.session.wake(false);
    await pause(200);
    expect((await b.session.signOut(false)).ok).toBe(true);
    g.open();
    await round;
    expect(b.session.snapshot().phase).toBe('signed-out');
    expect(b.session.snapshot().state).toBeNull();
    expect(b.session.snapshot().agent).toBeNull();
    expect(platformState(b)).toBeNull();
  });
});

describe("signed in again while an old heal's login is on its way", () => {
  /**
   * The heal of a session that ended sent a login that reaches the platform late, after the
   * agent signed in again and the platform lost that session too. The name is then held by this
   * desktop's own old login: the new session carries on with it (its keepalive rounds wait for
   * the old heal's round, so no second heal meets it with "signed in elsewhere").
   */
  it('the new session carries on signed in, in the state the agent chose', async () => {
    const b = bed();
    await signIn(b, 'idle');
    await b.emulator.store.logout('agent_1', true);
    const oldLogin = holdLogins(b);
    const first = b.session.wake(false);
    await waitFor(() => b.session.snapshot().phase === 'restoring', 'restoring');
    expect((await b.session.signOut(false)).ok).toBe(true);
    delete b.tweak.login;
    await signIn(b, 'idle');
    await b.emulator.store.logout('agent_1', true);
    const second = b.session.wake(false);
    oldLogin.open();
    await Promise.all([first, second]);
    await b.session.wake(false);
    await waitFor(() => b.session.snapshot().phase === 'signed-in', 'signed in');
    expect(b.session.snapshot().lastError?.code).not.toBe('040201');
    expect(platformState(b)).toBe('idle');
    expect(b.session.snapshot().state).toBe('idle');
  });
});
