/**
 * The bound extension's registration follows the session: registered after sign-in (credentials
 * from the platform's extension record), moved on extension change, gone on sign-out — against
 * the demo platform (emulator + embedded SIP-over-WebSocket registrar), as `npm start` runs it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/emulator/index';
import { DEMO_EXTENSIONS } from '../../../src/emulator/index';
import { startDemoCore } from './support/call-core';
import { waitFor } from '../../support/wait';
import type { Core } from '../../../src/main/core/create-core';
import type { EmbeddedPlatform } from '../../../src/main/core/platform-source';

let core: Core;
let demo: EmbeddedPlatform<RunningEmulator>;
const [ext1, ext2] = [DEMO_EXTENSIONS[0]!, DEMO_EXTENSIONS[1]!];
const registered = (id: string) => demo.emulator.store.isExtensionRegistered(id);

beforeEach(async () => {
  ({ core, demo } = await startDemoCore({ keepaliveMs: 500 }));
});
afterEach(async () => core.shutdown(2000));

describe('SIP registration follows the session', () => {
  it('registers the bound extension after sign-in and unregisters on sign-out', async () => {
    expect(core.snapshot().sip.state).toBe('stopped');
    const signed = await core.dispatch('session:sign-in', {
      name: 'sip_agent',
      extension: ext1.id,
    });
    expect(signed.ok).toBe(true);
    await waitFor(() => core.snapshot().sip.state === 'registered', 'registered');
    expect(core.snapshot().sip.aor).toContain(ext1.sipUser);
    expect(registered(ext1.id)).toBe(true);
    await core.dispatch('session:sign-out', { force: false });
    await waitFor(() => core.snapshot().sip.state === 'stopped', 'stopped');
    await waitFor(() => !registered(ext1.id), 'unregistered on the platform');
  });

  it('moves the registration when the agent changes extension', async () => {
    await core.dispatch('session:sign-in', { name: 'sip_agent', extension: ext1.id });
    await waitFor(() => registered(ext1.id), 'first extension registered');
    const moved = await core.dispatch('agent:set-extension', { id: ext2.id });
    expect(moved.ok).toBe(true);
    await waitFor(() => registered(ext2.id) && !registered(ext1.id), 'second extension registered');
    // The registrar records the binding before the line has read its 200 OK.
    await waitFor(() => core.snapshot().sip.state === 'registered', 'the line says registered');
    expect(core.snapshot().sip.aor).toContain(ext2.sipUser);
  });

  it('registers again at once after resume', async () => {
    await core.dispatch('session:sign-in', { name: 'sip_agent', extension: ext1.id });
    await waitFor(() => core.snapshot().sip.state === 'registered', 'registered');
    const since = core.snapshot().sip.since;
    core.system('resume');
    await waitFor(
      () => core.snapshot().sip.state === 'registered' && core.snapshot().sip.since > since,
      'fresh registration after resume',
    );
  });
});
