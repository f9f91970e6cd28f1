/**
 * The core's part of crash recovery, for real: the core against the emulator with SIP. The shell
 * (tested against the Electron fake) tells the core the window died; here the platform must stop
 * seeing the agent as routable, a call must end with a BYE, and healthy media must restore.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDesktopCore } from '../../../src/main/core/create-core';
import { CRASH_HOLD_STATE } from '../../../src/main/core/crash-hold';
import { startDemoPlatform } from '../../../src/emulator/demo-platform';
import { DEMO_EXTENSIONS } from '../../../src/emulator/index';
import { MemorySecretStore } from '../../../src/lib/ports';
import { waitFor } from '../../support/wait';
import { callExtension } from '../sip/support/test-caller';
import type { RunningEmulator } from '../../../src/emulator/index';
import type { Core } from '../../../src/main/core/create-core';
import type { EmbeddedPlatform } from '../../../src/main/core/platform-source';

const ext = DEMO_EXTENSIONS[3]!;
const ANSWER =
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n';
let core: Core;
let demo: EmbeddedPlatform<RunningEmulator>;
let warnings: string[];

const platformState = () => {
  const found = demo.emulator.store.getAgent('crash_agent');
  return 'data' in found ? (found.data?.state ?? null) : null;
};
const snap = () => core.snapshot();

beforeEach(async () => {
  warnings = [];
  const note = (msg: string) => void warnings.push(msg);
  core = await createDesktopCore({
    secrets: new MemorySecretStore(),
    settingsFile: null,
    startEmbedded: async (log) => (demo = await startDemoPlatform(log)),
    keepaliveMs: 5_000,
    logger: { debug() {}, info: note, warn: note, error: note },
  });
  core.on('media:request', (request) => {
    if (request.kind === 'answer-offer')
      void core.dispatch('media:reply', { requestId: request.requestId, sdp: ANSWER });
  });
  await core.dispatch('session:sign-in', {
    name: 'crash_agent',
    extension: ext.id,
    initialState: 'idle',
  });
  await waitFor(() => snap().sip.state === 'registered', 'registered');
});
afterEach(() => core.shutdown(3_000));

describe('the window dies', () => {
  it('while routable: held busy/system/crash on the platform at once, restored when media is healthy', async () => {
    await core.windowCrashed(false);
    expect(snap().state).toBe(CRASH_HOLD_STATE);
    expect(snap().hold?.reason).toBe('crash');
    expect(platformState()).toBe(CRASH_HOLD_STATE);
    // A named hold, not the agent's choice: it never shows up as a recent reason.
    expect(snap().recentReasons.busy).not.toContain('system/crash');
    // The reloaded window reports its microphone: the agent is back where they were.
    await core.dispatch('media:microphone', { health: 'ok' });
    expect(snap().state).toBe('idle');
    expect(snap().hold).toBeNull();
    expect(platformState()).toBe('idle');
  });

  it('in a loop: the hold stays after the window is back, until the agent changes state', async () => {
    await core.windowCrashed(false);
    await core.windowCrashed(false);
    await core.windowCrashed(true);
    await core.dispatch('media:microphone', { health: 'ok' });
    expect(snap().state).toBe(CRASH_HOLD_STATE);
    expect((await core.dispatch('agent:set-state', { state: 'idle' })).ok).toBe(true);
    expect(snap().state).toBe('idle');
  });

  it('a loop while signed out is over once the window is back: a later crash is restored', async () => {
    expect((await core.dispatch('session:sign-out', { force: false })).ok).toBe(true);
    await core.windowCrashed(false);
    await core.windowCrashed(false);
    await core.windowCrashed(true);
    await core.dispatch('media:microphone', { health: 'ok' });
    await core.dispatch('session:sign-in', {
      name: 'crash_agent',
      extension: ext.id,
      initialState: 'idle',
    });
    await waitFor(() => snap().state === 'idle', 'signed in idle');
    // Hours later, one crash: not a loop. The window comes back, and so does idle.
    await core.windowCrashed(false);
    expect(snap().state).toBe(CRASH_HOLD_STATE);
    await core.dispatch('media:microphone', { health: 'ok' });
    expect(snap().state).toBe('idle');
    expect(platformState()).toBe('idle');
  });

  it('during a call: the call ends with a BYE, is logged, and the agent is held', async () => {
    const caller = callExtension(demo.emulator.sip!, ext.id, { fromUser: '13800000002' });
    await waitFor(() => snap().call?.phase === 'ringing', 'ringing');
    await core.dispatch('call:answer', { callId: snap().call!.id });
    await caller.answered;
    await core.windowCrashed(false);
    expect(await caller.ended).toEqual({ code: null, by: 'bye-received' });
    expect(warnings).toContain('call ended: the window crashed');
    await waitFor(() => snap().state === CRASH_HOLD_STATE, 'held after the call');
    expect(platformState()).toBe(CRASH_HOLD_STATE);
  });

  it('when the agent had chosen busy: nothing to hold, nothing to restore', async () => {
    await core.dispatch('agent:set-state', { state: 'busy/会议' });
    await core.windowCrashed(false);
    await core.dispatch('media:microphone', { health: 'ok' });
    expect(snap().state).toBe('busy/会议');
  });
});
