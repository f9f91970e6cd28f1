/**
 * Signing in again to the gateway at the real keepalive period (30 s): the agent's own click
 * finds the lapsed token, they sign in again before the next keepalive. What the window says
 * afterwards must be about the present, not the lapse they have just fixed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../src/main/core/create-core';
import { PASSWORDS, startRig, type Rig } from '../../gateway/helpers';
import { waitFor } from '../../support/wait';
import { gatewayCoreSignedIn } from './support/gateway-core';

let rig: Rig;
let core: Core;

beforeEach(async () => {
  rig = await startRig({ ratePerSec: 0 });
  core = await gatewayCoreSignedIn(rig, { keepaliveMs: 30_000 });
});
afterEach(async () => {
  await core.shutdown(2_000);
  await rig.close();
});

describe('signing in again to the gateway', () => {
  it('leaves no "sign in again" error behind once signed in again', async () => {
    await rig.admin.revokeSessions('alice');
    // The agent's click is what finds the lapse (the keepalive is 30 s away).
    await core.dispatch('agent:set-state', { state: 'busy/会议' });
    expect(core.snapshot().access?.signInNeeded).toBe(true);
    expect(core.snapshot().lastError?.code).toBe('gateway-signed-out');
    expect((await core.dispatch('session:reauthenticate', { password: PASSWORDS.alice })).ok).toBe(
      true,
    );
    await waitFor(
      () => rig.emulator.store.getAgent('alice').data?.state === 'busy/会议',
      'the kept choice reaches the platform',
    );
    // The window's last-error banner reads this: the lapse is over, so it must not say
    // "Enter your password to sign in again" beside no prompt.
    expect(core.snapshot()).toMatchObject({
      state: 'busy/会议',
      lastError: null,
      access: { signInNeeded: false },
    });
  });
});
