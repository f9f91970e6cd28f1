/**
 * Lock, suspend and the agent's return when the platform does not take them at once (busy,
 * unreachable): they are sent again on the session's backoff, so the agent is never left
 * routable behind a locked screen nor stuck away once back at the desk; a refusal that will not
 * change is shown once; the agent's own later move (a return, a new lock, a state choice) is never
 * overtaken by an old retry. Against the demo platform.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { appError } from '../../../src/shared/domain/errors';
import { waitFor } from '../../support/wait';
import {
  failAlways,
  failOnce,
  pause,
  platformState,
  signIn,
  useSessionBed,
} from './support/session-bed';
import type { Bed } from './support/session-bed';

import type { HoldAction } from '../../../src/shared/settings';

const AWAY = { onSuspend: 'away', onLock: 'away' } as const;
let actions: { onSuspend: HoldAction; onLock: HoldAction } = { ...AWAY };
/** The backoff's jitter: 0 waits the shortest step (0.5 s), 1 the longest (1 s, 2 s, 4 s…). */
let jitter = 0;
const bed = useSessionBed({ holdActions: () => actions, random: () => jitter });
beforeEach(() => {
  actions = { ...AWAY };
  jitter = 0;
});
const busy = () => appError('000004');
const down = () => appError('transport', 'fetch failed: ENETUNREACH');

function networkDown(b: Bed): void {
  for (const m of ['keepalive', 'getAgent', 'setState', 'login', 'logout'] as const) {
    failAlways(b, m, down());
  }
}

describe('locking while the platform is busy (000004)', () => {
  it('the agent is still held away behind the locked screen, without waiting a keepalive', async () => {
    const b = bed();
    await signIn(b, 'idle');
    failOnce(b, 'setState', busy());
    await b.session.hold('lock');
    await waitFor(() => platformState(b) === 'away/system/lock', 'held away on retry', 3000);
    expect(b.session.snapshot().hold?.reason).toBe('lock');
    await b.session.wake(true); // unlock
    expect(platformState(b)).toBe('idle');
    expect(b.session.snapshot().hold).toBeNull();
  });

  it('the next keepalive round sends the hold too', async () => {
    const b = bed();
    await signIn(b, 'idle');
    failOnce(b, 'setState', busy());
    await b.session.hold('lock');
    await b.session.wake(false);
    expect(platformState(b)).toBe('away/system/lock');
  });

  it('a platform that keeps refusing is asked ever more slowly', async () => {
    const b = bed();
    await signIn(b, 'idle');
    jitter = 1;
    const before = b.sent.setState ?? 0;
    failAlways(b, 'setState', busy());
    await b.session.hold('lock');
    await pause(3500);
    // Sent at 0 s, then after 1 s, 2 s, 4 s…: three tries in 3.5 s, not one every half second.
    expect((b.sent.setState ?? 0) - before).toBe(3);
    expect(platformState(b)).toBe('idle');
    delete b.tweak.setState;
    await waitFor(() => platformState(b) === 'away/system/lock', 'held once it answers', 5000);
  });

  it('unlocking before a retry went through: nothing is sent behind the agent', async () => {
    const b = bed();
    await signIn(b, 'idle');
    failAlways(b, 'setState', busy());
    await b.session.hold('lock');
    await b.session.wake(true);
    const sent = b.sent.setState ?? 0;
    delete b.tweak.setState;
    await pause(1500);
    await b.session.wake(false);
    expect(b.sent.setState ?? 0).toBe(sent);
    expect(platformState(b)).toBe('idle');
    expect(b.session.snapshot().hold).toBeNull();
  });

  it("the agent's own choice meanwhile wins over the retry", async () => {
    const b = bed();
    await signIn(b, 'idle');
    failOnce(b, 'setState', busy());
    await b.session.hold('lock');
    expect((await b.session.setState('busy/lunch')).ok).toBe(true);
    await pause(1200);
    await b.session.wake(false);
    expect(platformState(b)).toBe('busy/lunch');
    expect(b.session.snapshot().state).toBe('busy/lunch');
  });
});

describe('a hold refused for good', () => {
  it('shows its error once and is not sent again', async () => {
    const b = bed();
    await signIn(b, 'idle');
    const before = b.sent.setState ?? 0;
    failAlways(b, 'setState', appError('010002'));
    await b.session.hold('lock');
    expect(b.session.snapshot().lastError?.code).toBe('010002');
    await pause(1200);
    await b.session.wake(false);
    expect((b.sent.setState ?? 0) - before).toBe(1);
  });
});

describe('waking while the network is still down', () => {
  it('the agent is back to idle once it returns', async () => {
    const b = bed();
    await signIn(b, 'idle');
    await b.session.hold('suspend');
    expect(platformState(b)).toBe('away/system/suspend');
    networkDown(b);
    await b.session.wake(true); // resumed, at the desk; Wi-Fi not back yet
    expect(b.session.snapshot().hold?.reason).toBe('suspend');
    for (const m of Object.keys(b.tweak)) delete b.tweak[m as keyof typeof b.tweak];
    await b.session.wake(false); // 'online'
    await waitFor(() => platformState(b) === 'idle', 'idle once the network is back', 3000);
    await waitFor(() => b.session.snapshot().hold === null, 'hold lifted', 3000);
    expect(b.session.snapshot().state).toBe('idle');
  });

  it('comes back by itself, on the backoff, with no network event', async () => {
    const b = bed();
    await signIn(b, 'idle');
    await b.session.hold('suspend');
    networkDown(b);
    await b.session.wake(true);
    for (const m of Object.keys(b.tweak)) delete b.tweak[m as keyof typeof b.tweak];
    await waitFor(() => platformState(b) === 'idle', 'idle on retry', 4000);
  });

  it('locked again before the network returns: the agent stays away', async () => {
    const b = bed();
    await signIn(b, 'idle');
    await b.session.hold('suspend');
    networkDown(b);
    await b.session.wake(true);
    await b.session.hold('lock');
    for (const m of Object.keys(b.tweak)) delete b.tweak[m as keyof typeof b.tweak];
    await b.session.wake(false);
    await pause(1500);
    expect(platformState(b)).toMatch(/^away\/system\//);
    expect(b.session.snapshot().hold).not.toBeNull();
  });
});

describe('"sign out" on suspend, and resuming while the network is down', () => {
  it('signs the agent back in once the network returns', async () => {
    const b = bed();
    actions = { onSuspend: 'sign-out', onLock: 'away' };
    await signIn(b, 'busy/lunch');
    await b.session.hold('suspend');
    expect(b.session.snapshot().phase).toBe('signed-out');
    networkDown(b);
    await b.session.wake(true);
    expect(b.session.snapshot().phase).toBe('signed-out');
    for (const m of Object.keys(b.tweak)) delete b.tweak[m as keyof typeof b.tweak];
    await b.session.wake(false);
    await waitFor(() => b.session.snapshot().phase === 'signed-in', 'signed back in', 3000);
    expect(platformState(b)).toBe('busy/lunch');
  });
});
