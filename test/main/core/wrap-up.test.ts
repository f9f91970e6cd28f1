/**
 * Wrap-up on a manual clock: twenty answered calls back to back with a 3 s wrap-up, and the
 * platform trying to route the next call at once after each (the race). No offer is admitted
 * while wrapping up, the hold goes on before anything else, and the agent goes back to the
 * state chosen before the call exactly when the 3 s are over.
 */
import { describe, expect, it } from 'vitest';
import { WrapUp } from '../../../src/main/core/wrap-up';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import { initialSnapshot } from '../../../src/shared/snapshot';
import { silentLogger } from '../../../src/lib/ports';
import { ManualClock } from '../../support/manual-clock';
import type { IncomingCall } from '../../../src/main/sip/call-types';
import type { CallInfo, SessionSnapshot, WrapUpStatus } from '../../../src/shared/snapshot';

function world(seconds = 3, phase: SessionSnapshot['phase'] = 'signed-in', name = 'a1') {
  const clock = new ManualClock();
  let snap: SessionSnapshot = {
    ...initialSnapshot('http://x', true, 0),
    phase,
    profile: { name, extension: 'e1' },
    state: 'idle',
    chosenState: 'idle',
  };
  const log: string[] = [];
  const ok = () => Promise.resolve({ ok: true as const, value: snap });
  const session = {
    snapshot: () => snap,
    setState: (state: string) => {
      log.push(`set ${state}@${clock.now()}`);
      snap = { ...snap, state, chosenState: state };
      return ok();
    },
    hold: (state: string) => {
      log.push(`hold ${state}@${clock.now()}`);
      snap = { ...snap, state, hold: { reason: 'wrap-up', since: clock.now() } };
      return ok();
    },
    release: () => {
      log.push(`release@${clock.now()}`);
      snap = { ...snap, hold: null };
      return ok();
    },
  };
  const shown: Array<WrapUpStatus | null> = [];
  const wrapUp = new WrapUp({
    session,
    settings: () => ({ ...DEFAULT_SETTINGS, wrapUpSeconds: seconds }),
    clock,
    logger: silentLogger,
    publish: (s) => shown.push(s),
  });
  return { clock, wrapUp, log, shown, snap: () => snap };
}

const info = (id: string, at: number): CallInfo => ({
  id,
  caller: '139',
  phase: 'talking',
  ringingSince: at - 10_000,
  talkingSince: at - 8_000,
  muted: false,
});
const offer = (id: string) => ({ id }) as IncomingCall;
const answeredEnd = { reason: 'remote-hangup' as const, detail: null, answered: true };

describe('wrap-up time per agent', () => {
  it.each(['constructor', 'toString', '__proto__'])(
    'an agent named %s gets the site time (not an inherited property)',
    (name) => {
      expect(world(30, 'signed-in', name).wrapUp.seconds()).toBe(30);
    },
  );
});

describe('wrap-up on a manual clock', () => {
  it('20 calls back to back with 3 s wrap-up: no offer admitted during it, back to idle after', async () => {
    const { clock, wrapUp, log, snap } = world(3);
    for (let i = 0; i < 20; i++) {
      const end = clock.now();
      wrapUp.ended(info(`c${i}`, end), answeredEnd, end);
      // The platform routes the next customer at once (the race), and again mid-way.
      expect(wrapUp.admit(offer(`race${i}`))).toEqual({ kind: 'unavailable', why: 'wrap-up' });
      await clock.advance(1_500);
      expect(snap().state).toBe('busy/话后处理');
      expect(wrapUp.admit(offer(`mid${i}`))).not.toBeNull();
      await clock.advance(1_499);
      expect(wrapUp.admit(offer(`late${i}`))).not.toBeNull();
      await clock.advance(1);
      // Exactly 3 s after the end: the earlier state, and offers ring again.
      expect(snap().state).toBe('idle');
      expect(wrapUp.admit(offer(`next${i}`))).toBeNull();
      const cycle = log.splice(0);
      expect(cycle).toEqual([
        `hold busy/话后处理@${end}`,
        `release@${end + 3_000}`,
        `set idle@${end + 3_000}`,
      ]);
      await clock.advance(5_000); // talking to the next caller
    }
    expect(wrapUp.declinedTotal).toBe(60);
  });

  it('a call that ends while the session is being restored still gets its wrap-up hold', async () => {
    // The session records it and the heal logs in with it (heal-during-call.test.ts).
    const { clock, wrapUp, log } = world(3, 'restoring');
    const end = clock.now();
    wrapUp.ended(info('c1', end), answeredEnd, end);
    await clock.advance(0);
    expect(log).toEqual([`hold busy/话后处理@${end}`]);
  });

  it('off when the time is 0; unanswered calls get no wrap-up', async () => {
    const off = world(0);
    off.wrapUp.ended(info('c', off.clock.now()), answeredEnd, off.clock.now());
    expect(off.wrapUp.status()).toBeNull();
    const on = world(3);
    on.wrapUp.ended(info('c', 0), { reason: 'ring-timeout', detail: null, answered: false }, 0);
    expect(on.wrapUp.status()).toBeNull();
  });

  it('a sleep past its end (on suspend: nothing): wrap-up ends on waking, not later', async () => {
    // The countdown's timer slept with the computer: the banner read 0:00 and the agent stayed
    // held for the rest of the wrap-up time after waking.
    const { clock, wrapUp, log } = world(60);
    wrapUp.ended(info('c', clock.now()), answeredEnd, clock.now());
    await clock.advance(10_000);
    clock.sleep(10 * 60_000);
    wrapUp.resumed();
    await clock.advance(0);
    expect(wrapUp.status()).toBeNull();
    expect(log.at(-1)).toMatch(/^set idle@/);
  });

  it('returns to the state chosen before the call, not the reserve state', async () => {
    const { clock, wrapUp, log } = world(3);
    wrapUp.ended(info('c', clock.now()), answeredEnd, clock.now());
    await clock.advance(3_000);
    expect(log.at(-1)).toMatch(/^set idle@/);
  });

  it('an agent who never chose a state (signed in 在线) is not made routable by wrap-up', async () => {
    const { clock, wrapUp, log, snap } = world(3);
    // Signed in with the form's default, online: no calls are routed, and none chosen since. A
    // call dialled straight to the extension was answered.
    Object.assign(snap(), { state: 'online', chosenState: null });
    wrapUp.ended(info('c', clock.now()), answeredEnd, clock.now());
    expect(wrapUp.status()?.returnTo).toBe('busy');
    await clock.advance(3_000);
    expect(log).not.toContainEqual(expect.stringMatching(/^set idle@/));
    expect(snap().state).toBe('busy');
  });
});
