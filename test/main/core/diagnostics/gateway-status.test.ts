/**
 * What a diagnostics bundle from a gateway-mode desktop says the app showed (status.json,
 * readiness.json): gateway mode, not "direct" (which would claim the desktop holds the account
 * key), and while the gateway asks for the agent's password again, that prompt and the platform
 * link as the window showed it.
 */
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDesktopCore, type Core } from '../../../../src/main/core/create-core';
import { MemorySecretStore, silentLogger } from '../../../../src/lib/ports';
import { EXT, PASSWORDS, startRig, type Rig } from '../../../gateway/helpers';
import { waitFor } from '../../../support/wait';

let rig: Rig;
let core: Core;

beforeEach(async () => {
  rig = await startRig({ ratePerSec: 0 });
  core = await createDesktopCore({
    secrets: new MemorySecretStore(),
    settingsFile: null,
    env: { AGENT_DESKTOP_GATEWAY_URL: rig.gateway.origin },
    sipLine: null,
    keepaliveMs: 150,
    logger: silentLogger,
  });
  const signed = await core.dispatch('session:sign-in', {
    name: 'alice',
    extension: EXT[0]!,
    initialState: 'idle',
    password: PASSWORDS.alice,
  });
  expect(signed.ok).toBe(true);
});
afterEach(async () => {
  await core.shutdown(2_000);
  await rig.close();
});

function bundle(): { status: Record<string, unknown>; readiness: { links: unknown }[] } {
  const zip = unzipSync(core.diagnosticsBundle());
  return {
    status: JSON.parse(strFromU8(zip['status.json']!)) as Record<string, unknown>,
    readiness: JSON.parse(strFromU8(zip['readiness.json']!)) as { links: unknown }[],
  };
}

describe('diagnostics from a desktop in gateway mode', () => {
  it('says gateway mode, and the sign-in-again prompt and platform link as the window showed them', async () => {
    expect(bundle().status.access).toEqual({ mode: 'gateway', signInNeeded: false });
    await rig.admin.revokeSessions('alice');
    await waitFor(() => core.snapshot().access?.signInNeeded, 'sign-in-again prompt');
    await waitFor(() => core.snapshot().platform.health !== 'ok', 'keepalive refused');
    const { status, readiness } = bundle();
    expect(status.access).toEqual({ mode: 'gateway', signInNeeded: true });
    expect(readiness.at(-1)?.links).toMatchObject({ platform: 'unknown' });
    expect(readiness.map((r) => r.links)).not.toContainEqual(
      expect.objectContaining({ platform: 'broken' }),
    );
  });
});
