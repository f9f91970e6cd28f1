/**
 * What brings a locked or sleeping agent back: their own return (unlocking, or waking a machine
 * whose screen is not locked), never the network coming back. A network return while the screen
 * is locked used to lift the lock's hold — the agent routable, and ringing, at an empty desk.
 * Through the core against the demo platform.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fetchTransport } from '../../../src/lib/platform/transport';
import type { PlatformTransport } from '../../../src/lib/platform/transport';
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

describe('unlocked while the session is being restored', () => {
  it("the heal logs in with the agent's choice, not the lock it no longer has", async () => {
    // Logins fail while `refused` (the platform is back for keepalives only, say).
    const inner = fetchTransport();
    const cut = { logins: false };
    const transport: PlatformTransport = async (url, request) => {
      const login = request.method === 'POST' && url.pathname.endsWith('/callcenter/agent');
      if (cut.logins && login) throw new TypeError('fetch failed');
      return inner(url, request);
    };
    app = await startCallCore({ transport });
    const of = app;
    await lockedAway(of, ['lock-screen']);
    cut.logins = true;
    of.demo.emulator.store.reset(); // the platform restarts and forgets the agent
    of.core.system('online'); // a keepalive round now: the session is lost, the heal fails
    await of.until('restoring', (s) => s.phase === 'restoring');
    of.core.system('unlock-screen');
    await of.until('the lock is gone', (s) => s.hold === null);
    cut.logins = false;
    await of.until('healed', (s) => s.phase === 'signed-in', 15_000);
    expect(of.platformState()).toBe('idle');
    expect(of.snap()).toMatchObject({ state: 'idle', hold: null });
  }, 20_000);
});
