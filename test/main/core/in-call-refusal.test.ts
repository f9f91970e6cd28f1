/**
 * "Not while ringing or in a call" is one refusal, `in-call`, whether the desktop already knows
 * about the call or the platform answers 040203 first. It used to be 040203 for a state change
 * and `in-call` for sign-out.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDesktopCore } from '../../../src/main/core/create-core';
import { MemorySecretStore } from '../../../src/lib/ports';
import { DEMO_EXTENSIONS, startEmulator } from '../../../src/emulator/index';
import type { Core } from '../../../src/main/core/create-core';
import type { RunningEmulator } from '../../../src/emulator/index';

let emulator: RunningEmulator;
let core: Core;

beforeEach(async () => {
  emulator = await startEmulator({ port: 0, auth: 'generate', keepaliveTimeoutSec: 30 });
  core = await createDesktopCore({
    secrets: new MemorySecretStore(),
    settingsFile: null,
    startEmbedded: async () => ({ emulator, sipWsUrl: null, close: async () => undefined }),
    keepaliveMs: 60_000,
  });
  const signed = await core.dispatch('session:sign-in', {
    name: 'agent_1',
    extension: DEMO_EXTENSIONS[0]!.id,
    initialState: 'idle',
  });
  expect(signed.ok).toBe(true);
});
afterEach(async () => {
  await core.shutdown(2000);
  await emulator.close();
});

const codeOf = (result: { ok: boolean; error?: { code: string } }) =>
  result.ok ? 'ok' : result.error?.code;

describe('the in-call refusal', () => {
  it('is in-call when the platform answers 040203 to a state change', async () => {
    emulator.store.forceState('agent_1', 'fetching'); // the desktop has not read it back yet
    expect(codeOf(await core.dispatch('agent:set-state', { state: 'busy' }))).toBe('in-call');
  });

  it('is in-call when the desktop already knows about the call', async () => {
    emulator.store.forceState('agent_1', 'talking');
    await core.dispatch('session:refresh', {});
    expect(core.snapshot().state).toBe('talking');
    expect(codeOf(await core.dispatch('agent:set-state', { state: 'busy' }))).toBe('in-call');
    expect(codeOf(await core.dispatch('session:sign-out', { force: false }))).toBe('in-call');
  });

  it('refuses an extension change during a call: the line would move and cut the call off', async () => {
    emulator.store.forceState('agent_1', 'talking');
    await core.dispatch('session:refresh', {});
    const other = DEMO_EXTENSIONS[1]!.id;
    expect(codeOf(await core.dispatch('agent:set-extension', { id: other }))).toBe('in-call');
    expect(core.snapshot().profile?.extension).toBe(DEMO_EXTENSIONS[0]!.id);
    expect(emulator.store.agentStatus('agent_1')?.extension).toBe(DEMO_EXTENSIONS[0]!.id);
  });
});
