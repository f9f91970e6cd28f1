/**
 * Lock, suspend and sign-out around calls, through the core against the demo platform. A screen
 * locked during a call must not leave the agent routable once the call is over, nor hang up on
 * the customer; a call dialled straight to the extension (the platform shows the agent idle) is
 * a call all the same; and an app hold (wrap-up) that ends while the screen is still locked must
 * not make the agent routable either.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/wait';
import { startCallCore } from './support/call-core';
import type { CallCore } from './support/call-core';

let app: CallCore | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A routed call, answered: the platform has the agent `talking`. */
async function talkingRouted(of: CallCore): Promise<string> {
  const { callId } = await of.ring();
  expect((await of.core.dispatch('call:answer', { callId })).ok).toBe(true);
  await waitFor(() => of.platformState()?.startsWith('talking'), 'platform talking');
  return callId;
}

describe('locked during a call', () => {
  it('holds the agent away once the call is over, and unlocking restores idle', async () => {
    app = await startCallCore();
    const callId = await talkingRouted(app);
    app.core.system('lock-screen');
    await pause(200);
    expect(app.snap().call?.phase).toBe('talking');
    expect((await app.core.dispatch('call:hangup', { callId })).ok).toBe(true);
    await waitFor(() => app!.platformState() === 'away/system/lock', 'held away after the call');
    await app.until('lock banner', (s) => s.hold?.reason === 'lock');
    app.core.system('unlock-screen');
    await waitFor(() => app!.platformState() === 'idle', 'idle after unlock');
    await app.until('hold lifted', (s) => s.hold === null && s.state === 'idle');
  });

  it('owes nothing once unlocked before the call ends', async () => {
    app = await startCallCore();
    const callId = await talkingRouted(app);
    app.core.system('lock-screen');
    await pause(200);
    app.core.system('unlock-screen');
    await pause(200);
    expect((await app.core.dispatch('call:hangup', { callId })).ok).toBe(true);
    await waitFor(() => app!.platformState() === 'idle', 'reserve state');
    await pause(800);
    expect(app.platformState()).toBe('idle');
    expect(app.snap().hold).toBeNull();
  });

  it('keeps the agent away when wrap-up ends behind the locked screen', async () => {
    app = await startCallCore({ settings: { wrapUpSeconds: 1 } });
    const callId = await talkingRouted(app);
    app.core.system('lock-screen');
    await pause(200);
    expect((await app.core.dispatch('call:hangup', { callId })).ok).toBe(true);
    await waitFor(() => app!.platformState() === 'away/system/lock', 'held away after the call');
    // Wrap-up's second is over, and the agent is still not routable.
    await waitFor(() => app!.core.day.status().wrapUp === null, 'wrap-up over', 4_000);
    await pause(300);
    expect(app.platformState()).toBe('away/system/lock');
    app.core.system('unlock-screen');
    await waitFor(() => app!.platformState() === 'idle', 'idle after unlock');
  });
});

describe('locked during wrap-up', () => {
  it('stays away when wrap-up runs out before unlocking', async () => {
    app = await startCallCore({ settings: { wrapUpSeconds: 1 } });
    const callId = await talkingRouted(app);
    expect((await app.core.dispatch('call:hangup', { callId })).ok).toBe(true);
    await waitFor(() => app!.platformState() === 'busy/话后处理', 'wrap-up on the platform');
    app.core.system('lock-screen');
    await waitFor(() => app!.platformState() === 'away/system/lock', 'held away');
    await waitFor(() => app!.core.day.status().wrapUp === null, 'wrap-up over', 4_000);
    await pause(300);
    expect(app.platformState()).toBe('away/system/lock');
    app.core.system('unlock-screen');
    await waitFor(() => app!.platformState() === 'idle', 'idle after unlock');
  });
});

describe('locked while the window is down', () => {
  it('keeps the crash hold: unlocking does not make a crashed window routable', async () => {
    app = await startCallCore();
    await app.core.windowCrashed(true);
    await waitFor(() => app!.platformState() === 'busy/system/crash', 'crash hold');
    app.core.system('lock-screen');
    await pause(300);
    expect(app.platformState()).toBe('busy/system/crash');
    app.core.system('unlock-screen');
    await pause(500);
    expect(app.platformState()).toBe('busy/system/crash');
  });
});

describe('a call dialled straight to the extension', () => {
  it('asks before signing out, and the call stays up', async () => {
    app = await startCallCore();
    const direct = await app.talkingDirect();
    const plain = await app.core.dispatch('session:sign-out', { force: false });
    expect(plain.ok ? null : plain.error.code).toBe('in-call');
    expect(app.snap().question).toEqual({ kind: 'force-sign-out' });
    // The platform still shows idle when read back: the question stands while the call is on.
    expect((await app.core.dispatch('session:refresh', {})).ok).toBe(true);
    expect(app.snap().question).toEqual({ kind: 'force-sign-out' });
    expect(app.snap().phase).toBe('signed-in');
    expect(app.snap().call?.phase).toBe('talking');
    expect(direct.ended()).toBeNull();
    // Forced, it hangs up and signs out.
    expect((await app.core.dispatch('session:sign-out', { force: true })).ok).toBe(true);
    expect(app.snap().phase).toBe('signed-out');
    await waitFor(() => direct.ended() !== null, 'the caller hears the end');
  });

  it('signs out on lock only after the call, and back in on unlock', async () => {
    app = await startCallCore({ settings: { onLock: 'sign-out' } });
    const direct = await app.talkingDirect();
    app.core.system('lock-screen');
    await pause(400);
    expect(app.snap().phase).toBe('signed-in');
    expect(direct.ended()).toBeNull();
    expect((await app.core.dispatch('call:hangup', { callId: direct.callId })).ok).toBe(true);
    await app.until('signed out after the call', (s) => s.phase === 'signed-out');
    app.core.system('unlock-screen');
    await app.until('signed back in', (s) => s.phase === 'signed-in' && s.state === 'idle');
  });
});
