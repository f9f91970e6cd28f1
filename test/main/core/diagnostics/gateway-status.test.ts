/**
 * What a diagnostics bundle from a gateway-mode desktop says the app showed (status.json,
 * readiness.json): gateway mode, not "direct" (which would claim the desktop holds the account
 * key), and while the gateway asks for the agent's password again, that prompt and the platform
 * link as the window showed it.
 */
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../../src/main/core/create-core';
import { startRig, type Rig } from '../../../gateway/helpers';
import { waitFor } from '../../../support/wait';
import { gatewayCoreSignedIn } from '../support/gateway-core';

let rig: Rig;
let core: Core;

beforeEach(async () => {
  rig = await startRig({ ratePerSec: 0 });
  core = await gatewayCoreSignedIn(rig, { keepaliveMs: 150 });
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
