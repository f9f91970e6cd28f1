/**
 * The calls core where the window is the weak link, with a test caller INVITEing the agent's
 * extension straight over the demo registrar (no platform call): a window that never answers the
 * offer, a window that fails, and a second INVITE during a call.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/emulator/index';
import { DEMO_EXTENSIONS } from '../../../src/emulator/index';
import { startDemoCore } from './support/call-core';
import { waitFor } from '../../support/wait';
import { callExtension } from '../sip/support/test-caller';
import type { Core } from '../../../src/main/core/create-core';
import type { EmbeddedPlatform } from '../../../src/main/core/platform-source';
import type { MediaRequest } from '../../../src/shared/ipc/contract';

const ext = DEMO_EXTENSIONS[1]!;
const ANSWER =
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n';
let core: Core;
let demo: EmbeddedPlatform<RunningEmulator>;
let requests: MediaRequest[];
/** How the window double answers offers. */
let windowMode: 'canned' | 'silent' | 'error';

const snap = () => core.snapshot();
const call = () => callExtension(demo.emulator.sip!, ext.id, { fromUser: '13700000007' });
const ringing = () => waitFor(() => snap().call?.phase === 'ringing' && snap().call, 'ringing');

beforeEach(async () => {
  ({ core, demo } = await startDemoCore({ mediaTimeoutMs: 300 }));
  requests = [];
  windowMode = 'canned';
  core.on('media:request', (request) => {
    requests.push(request);
    if (request.kind !== 'answer-offer' || windowMode === 'silent') return;
    const reply =
      windowMode === 'error'
        ? { requestId: request.requestId, error: 'microphone permission denied' }
        : { requestId: request.requestId, sdp: ANSWER };
    void core.dispatch('media:reply', reply);
  });
  await core.dispatch('session:sign-in', { name: 'window_agent', extension: ext.id });
  await waitFor(() => snap().sip.state === 'registered', 'registered');
});
afterEach(() => core.shutdown(3_000));

describe('calls when the window is the weak link', () => {
  it('a window that never answers: the answer fails (media), the caller is refused, a missed offer', async () => {
    windowMode = 'silent';
    const shown: Array<string | null> = [];
    core.on('session:changed', (s) => void (s.call && !shown.length && shown.push(s.state)));
    const caller = call();
    const ring = await ringing();
    // Shown with the call itself (this test's platform placed no call, so a read-back differs).
    expect(shown).toEqual(['fetching']);
    const answered = await core.dispatch('call:answer', { callId: ring.id });
    expect(answered).toMatchObject({ ok: false, error: { code: 'media' } });
    expect(answered.ok || answered.error.detail).toMatch(/did not answer/);
    expect((await caller.ended).code).toBeGreaterThanOrEqual(400);
    expect(snap().call).toBeNull();
    expect(snap().missed[0]).toMatchObject({
      id: ring.id,
      caller: '13700000007',
      reason: 'failed',
    });
    // No platform call moved the agent: the read-back finds the state it had.
    await waitFor(() => snap().missed[0]?.stateAfter === 'online', 'state after read back');
    // A reply after the timeout is ignored.
    const late = requests.find((r) => r.kind === 'answer-offer')!;
    expect(await core.dispatch('media:reply', { requestId: late.requestId, sdp: ANSWER })).toEqual({
      ok: true,
      value: null,
    });
  });

  it('a window that fails says why', async () => {
    windowMode = 'error';
    call();
    const ring = await ringing();
    const answered = await core.dispatch('call:answer', { callId: ring.id });
    expect(answered).toMatchObject({
      ok: false,
      error: { code: 'media', detail: 'media: microphone permission denied' },
    });
  });

  it('answers with the window’s SDP; a second INVITE meanwhile is refused busy and never shown', async () => {
    const first = call();
    const ring = await ringing();
    expect((await core.dispatch('call:answer', { callId: ring.id })).ok).toBe(true);
    expect(await first.answered).toBe(ANSWER);
    const second = call();
    expect(await second.ended).toEqual({ code: 486, by: 'final' });
    expect(snap().call).toMatchObject({ id: ring.id, phase: 'talking' });
    await first.bye();
    await waitFor(() => snap().call === null, 'call over');
    expect(snap().missed).toEqual([]);
    expect(requests.filter((r) => r.kind === 'close').map((r) => r.callId)).toEqual([ring.id]);
  });

  it('an answered call the SIP line takes down is said to have dropped', async () => {
    call();
    const ring = await ringing();
    expect((await core.dispatch('call:answer', { callId: ring.id })).ok).toBe(true);
    await waitFor(() => snap().call?.phase === 'talking', 'talking');
    demo.emulator.sip!.bindingFor(ext.id)!.connection.drop();
    await waitFor(() => snap().call === null, 'the call ended');
    expect(snap().droppedCall).toMatchObject({ id: ring.id });
  });
});
