/**
 * What brings a locked or sleeping agent back: their own return (unlocking, or waking a machine
 * whose screen is not locked), never the network coming back. A network return while the screen
 * is locked used to lift the lock's hold — the agent routable, and ringing, at an empty desk.
 * Through the core against the demo platform.
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

async function lockedAway(of: CallCore, events: Parameters<CallCore['core']['system']>[0][]) {
  for (const event of events) of.core.system(event);
  const held = events.includes('suspend') ? 'away/system/suspend' : 'away/system/lock';
  await waitFor(() => of.platformState() === held, held);
}

describe('the network comes back while the screen is locked', () => {
  it('keeps the agent away; unlocking brings them back to idle', async () => {
    app = await startCallCore();
    await lockedAway(app, ['lock-screen']);
    app.core.system('offline');
    app.core.system('online');
    await pause(500);
    expect(app.platformState()).toBe('away/system/lock');
    expect(app.snap().hold?.reason).toBe('lock');
    app.core.system('unlock-screen');
    await waitFor(() => app!.platformState() === 'idle', 'idle after unlock');
    await app.until('hold lifted', (s) => s.hold === null && s.state === 'idle');
  });

  it('signed out on lock: stays signed out until unlocked', async () => {
    app = await startCallCore({ settings: { onLock: 'sign-out' } });
    app.core.system('lock-screen');
    await app.until('signed out on lock', (s) => s.phase === 'signed-out');
    app.core.system('online');
    await pause(500);
    expect(app.snap().phase).toBe('signed-out');
    app.core.system('unlock-screen');
    await app.until('signed back in', (s) => s.phase === 'signed-in' && s.state === 'idle');
  });

  it('locked during a call: the hold still comes after the call', async () => {
    app = await startCallCore();
    const { callId } = await app.ring();
    expect((await app.core.dispatch('call:answer', { callId })).ok).toBe(true);
    await waitFor(() => app!.platformState()?.startsWith('talking'), 'platform talking');
    app.core.system('lock-screen');
    await pause(200);
    app.core.system('online');
    await pause(300);
    expect((await app.core.dispatch('call:hangup', { callId })).ok).toBe(true);
    await waitFor(() => app!.platformState() === 'away/system/lock', 'held away after the call');
  });
});

describe('the machine wakes', () => {
  it('with the screen locked: still away until the agent unlocks', async () => {
    app = await startCallCore();
    await lockedAway(app, ['lock-screen', 'suspend']);
    app.core.system('resume');
    await pause(500);
    expect(app.platformState()).toBe('away/system/suspend');
    app.core.system('unlock-screen');
    await waitFor(() => app!.platformState() === 'idle', 'idle after unlock');
    await app.until('hold lifted', (s) => s.hold === null);
  });

  it('with no locked screen: back to idle at once', async () => {
    app = await startCallCore();
    await lockedAway(app, ['suspend']);
    app.core.system('resume');
    await waitFor(() => app!.platformState() === 'idle', 'idle after resume');
    await app.until('hold lifted', (s) => s.hold === null && s.state === 'idle');
  });
});
