/**
 * Wrap-up and the no-answer guard through the core against the demo platform: the platform's
 * state follows busy/话后处理 and then the state from before the call; an offer routed in the
 * race between hang-up and the hold is declined at once (480), never shown; two ring timeouts
 * in a row put the agent busy/未接 on the platform.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/wait';
import { AGENT, startCallCore } from './support/call-core';
import type { CallCore } from './support/call-core';

let app: CallCore | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

/** Every distinct state the platform gave the agent, in order. */
function platformStates(of: CallCore): string[] {
  const seen: string[] = [];
  of.demo.emulator.store.onChange(() => {
    const state = of.platformState();
    if (state && seen[seen.length - 1] !== state) seen.push(state);
  });
  return seen;
}

describe('wrap-up', () => {
  it('holds the agent busy/话后处理 after an answered call, then returns to idle', async () => {
    app = await startCallCore({ settings: { wrapUpSeconds: 1 } });
    const states = platformStates(app);
    const { callId } = await app.ring();
    expect((await app.core.dispatch('call:answer', { callId })).ok).toBe(true);
    const endedAt = Date.now();
    expect((await app.core.dispatch('call:hangup', { callId })).ok).toBe(true);
    await waitFor(() => app!.platformState() === 'busy/话后处理', 'wrap-up on the platform');
    expect(app.core.day.status().wrapUp).toMatchObject({ reason: '话后处理', returnTo: 'idle' });
    await app.until('held for wrap-up', (s) => s.hold?.reason === 'wrap-up');
    // The app's hold, not the agent's choice: nothing the agent chose is overwritten.
    expect(app.snap().chosenState).toBe('idle');
    expect(app.snap().recentReasons.busy).not.toContain('话后处理');
    await waitFor(() => app!.platformState() === 'idle', 'back to idle', 4_000);
    expect(Date.now() - endedAt).toBeGreaterThanOrEqual(950);
    expect(app.core.day.status().wrapUp).toBeNull();
    expect(states.slice(states.indexOf('talking'))).toEqual([
      'talking',
      'idle',
      'busy/话后处理',
      'idle',
    ]);
  });

  it('an offer routed in the race is declined at once (480), never shown, and counted', async () => {
    app = await startCallCore({ settings: { wrapUpSeconds: 1 } });
    const shown: string[] = [];
    app.core.on(
      'session:changed',
      (s) => s.call && !shown.includes(s.call.id) && shown.push(s.call.id),
    );
    const first = await app.ring();
    expect((await app.core.dispatch('call:answer', { callId: first.callId })).ok).toBe(true);
    // The next customer is already waiting: the platform routes them the moment the call ends.
    const second = app.queue({ caller: '13911112222' });
    expect((await app.core.dispatch('call:hangup', { callId: first.callId })).ok).toBe(true);
    await waitFor(
      () => app!.demo.emulator.calls.call(second)?.state === 'ended',
      'race offer ended',
    );
    expect(app.demo.emulator.calls.call(second)).toMatchObject({
      outcome: 'rejected',
      detail: expect.stringMatching(/^480/),
    });
    expect(shown).toEqual([first.callId]);
    expect(app.core.day.wrapUp.declinedTotal).toBe(1);
    // The hold still lands once the platform let go of the agent, and ends on time.
    await waitFor(() => app!.platformState() === 'busy/话后处理', 'wrap-up after the race');
    await waitFor(() => app!.platformState() === 'idle', 'back to idle', 4_000);
  });

  it('"Ready now" ends wrap-up at once; "+30 s" extends it', async () => {
    app = await startCallCore({ settings: { wrapUpSeconds: 60 } });
    const { callId } = await app.ring();
    await app.core.dispatch('call:answer', { callId });
    await app.core.dispatch('call:hangup', { callId });
    await waitFor(() => app!.platformState() === 'busy/话后处理', 'wrap-up');
    const before = app.core.day.status().wrapUp!.endsAt;
    await app.core.dispatch('wrap-up:extend', {});
    expect(app.core.day.status().wrapUp!.endsAt).toBe(before + 30_000);
    await app.core.dispatch('wrap-up:ready-now', {});
    expect(app.platformState()).toBe('idle');
    expect(app.core.day.status().wrapUp).toBeNull();
  });

  it('a state the agent picks during wrap-up ends it and stands', async () => {
    app = await startCallCore({ settings: { wrapUpSeconds: 1 } });
    const { callId } = await app.ring();
    await app.core.dispatch('call:answer', { callId });
    await app.core.dispatch('call:hangup', { callId });
    await waitFor(() => app!.platformState() === 'busy/话后处理', 'wrap-up');
    expect((await app.core.dispatch('agent:set-state', { state: 'away/午餐' })).ok).toBe(true);
    expect(app.core.day.status().wrapUp).toBeNull();
    await new Promise((r) => setTimeout(r, 1_300));
    expect(app.platformState()).toBe('away/午餐');
  });

  it('a pick still on its way when wrap-up ends stands (not the state from before the call)', async () => {
    app = await startCallCore({ settings: { wrapUpSeconds: 60 } });
    const { callId } = await app.ring();
    await app.core.dispatch('call:answer', { callId });
    await app.core.dispatch('call:hangup', { callId });
    await waitFor(() => app!.platformState() === 'busy/话后处理', 'wrap-up');
    await app.until('held', (s) => s.hold?.reason === 'wrap-up');
    // Lunch, and Ready now pressed before the platform took it: wrap-up's end used to read the
    // state before the pick landed and send idle after it.
    const pick = app.core.dispatch('agent:set-state', { state: 'away/午餐' });
    const ready = app.core.dispatch('wrap-up:ready-now', {});
    expect((await pick).ok).toBe(true);
    await ready;
    await new Promise((r) => setTimeout(r, 500));
    expect(app.platformState()).toBe('away/午餐');
    expect(app.snap().state).toBe('away/午餐');
  });
});

describe('wrap-up with the reserve state the docs advise (busy/话后处理)', () => {
  it('locked during wrap-up and unlocked after its time: back to the agent’s choice', async () => {
    // The wrap-up hold used to restore the state shown before it, the platform's reserve state:
    // the lock took that over, and the unlock left the agent busy/话后处理 with no countdown.
    app = await startCallCore({ settings: { wrapUpSeconds: 1 } });
    const { callId } = await app.ring({ reserveState: 'busy/话后处理' });
    expect((await app.core.dispatch('call:answer', { callId })).ok).toBe(true);
    await waitFor(() => app!.platformState()?.startsWith('talking'), 'talking');
    expect((await app.core.dispatch('call:hangup', { callId })).ok).toBe(true);
    await app.until('held for wrap-up', (s) => s.hold?.reason === 'wrap-up');
    app.core.system('lock-screen');
    await waitFor(() => app!.platformState() === 'away/system/lock', 'held away');
    await new Promise((r) => setTimeout(r, 1_500)); // wrap-up's time runs out behind the lock
    app.core.system('unlock-screen');
    await waitFor(() => app!.platformState() === 'idle', 'back to idle', 4_000);
    // The platform takes the state a moment before its answer reaches the session.
    await app.until('released', (s) => s.hold === null);
    expect(app.snap()).toMatchObject({ state: 'idle', hold: null, chosenState: 'idle' });
  });
});

describe('wrap-up and a window that died in the call', () => {
  // The crash hold lasts until the window is back: wrap-up's hold used to replace it, and its
  // end then made the agent idle, routable, with no window to ring or talk in.
  it.each([false, true])('the crash hold outlasts wrap-up (crash loop: %s)', async (loop) => {
    app = await startCallCore({ settings: { wrapUpSeconds: 1 } });
    const seen = platformStates(app);
    const { callId } = await app.ring();
    expect((await app.core.dispatch('call:answer', { callId })).ok).toBe(true);
    await app.until('talking', (s) => s.call?.phase === 'talking');
    await app.core.windowCrashed(loop);
    await waitFor(() => app!.platformState() === 'busy/system/crash', 'the crash hold');
    // Past the wrap-up's second and its end.
    await new Promise((r) => setTimeout(r, 1_800));
    expect(app.platformState()).toBe('busy/system/crash');
    expect(app.snap().hold?.reason).toBe('crash');
    expect(seen.slice(seen.indexOf('busy/system/crash'))).toEqual(['busy/system/crash']);
  });
});

describe('no-answer guard', () => {
  it('two ring timeouts in a row put the agent busy/未接 on the platform', async () => {
    app = await startCallCore();
    await app.ring({ ringTimeoutSec: 0.3 });
    await app.until('first miss', (s) => s.missed.length === 1 && s.state === 'idle');
    expect(app.core.day.status().noAnswer).toBeNull();
    await app.ring({ ringTimeoutSec: 0.3 });
    await waitFor(() => app!.platformState() === 'busy/未接', 'busy/未接 on the platform');
    await waitFor(() => app!.core.day.status().noAnswer, 'the notice');
    expect(app.core.day.status().noAnswer).toMatchObject({ count: 2, state: 'busy/未接' });
    expect(app.snap().hold?.reason).toBe('no-answer');
    // One click back to idle clears it.
    expect((await app.core.dispatch('agent:set-state', { state: 'idle' })).ok).toBe(true);
    expect(app.core.day.status().noAnswer).toBeNull();
    expect(app.platformState()).toBe('idle');
  });

  it('the notice goes once the agent is no longer held by it (locked, then unlocked to idle)', async () => {
    app = await startCallCore();
    await app.ring({ ringTimeoutSec: 0.3 });
    await app.until('first miss', (s) => s.missed.length === 1 && s.state === 'idle');
    await app.ring({ ringTimeoutSec: 0.3 });
    await waitFor(() => app!.core.day.status().noAnswer, 'the notice');
    app.core.system('lock-screen');
    await app.until('held away', (s) => s.hold?.reason === 'lock');
    app.core.system('unlock-screen');
    await waitFor(() => app!.platformState() === 'idle', 'idle after unlock');
    // "Set busy after 2 unanswered calls" no longer describes an agent who is idle.
    await waitFor(() => app!.core.day.status().noAnswer === null, 'the notice gone');
  });

  it('an answered call between the timeouts resets the count', async () => {
    app = await startCallCore();
    await app.ring({ ringTimeoutSec: 0.3 });
    await app.until('first miss', (s) => s.missed.length === 1 && s.state === 'idle');
    const { callId } = await app.ring();
    await app.core.dispatch('call:answer', { callId });
    await app.core.dispatch('call:hangup', { callId });
    await app.until('idle', (s) => s.call === null && s.state === 'idle');
    await app.ring({ ringTimeoutSec: 0.3 });
    await app.until('second miss', (s) => s.missed.length === 2 && s.state === 'idle');
    expect(app.core.day.guard.misses()).toBe(1);
    expect(app.platformState()).toBe('idle');
    expect(AGENT).toBe('day_agent');
  });
});
