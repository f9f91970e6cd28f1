/**
 * Auto-answer through the core against the demo platform: off by default; when on, a call the
 * platform routed (it moved the agent to `fetching`) is answered by itself after the delay, and
 * an INVITE straight to the extension (the platform never routed it) rings as usual. The window
 * is a werift double, as in calls.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { autoAnswerDelayMs } from '../../../src/main/core/create-core';
import { EmbeddedPlacer, DEMO_EXTENSIONS } from '../../../src/emulator/index';
import { MediaEndpoint } from '../../../src/emulator/calls/media-endpoint';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import { startDemoCore } from './support/call-core';
import { waitFor } from '../../support/wait';
import type { Core } from '../../../src/main/core/create-core';
import type { EmbeddedPlatform } from '../../../src/main/core/platform-source';
import type { RunningEmulator } from '../../../src/emulator/index';
import type { SessionSnapshot } from '../../../src/shared/snapshot';

const ext = DEMO_EXTENSIONS[1]!;
let core: Core;
let demo: EmbeddedPlatform<RunningEmulator>;
const peers: MediaEndpoint[] = [];

const snap = () => core.snapshot();
const until = (what: string, probe: (s: SessionSnapshot) => unknown, timeoutMs = 8_000) =>
  waitFor(() => probe(snap()), what, timeoutMs);

beforeEach(async () => {
  ({ core, demo } = await startDemoCore());
  core.on('media:request', (request) => {
    if (request.kind === 'close') return void core.dispatch('media:reply', request);
    const peer = new MediaEndpoint();
    peers.push(peer);
    void peer
      .answer(request.sdp ?? '')
      .then((sdp) => core.dispatch('media:reply', { requestId: request.requestId, sdp }));
  });
  const signed = await core.dispatch('session:sign-in', {
    name: 'auto_agent',
    extension: ext.id,
    initialState: 'idle',
    skills: [{ name: 'sales', score: 5, enabled: true }],
  });
  expect(signed.ok).toBe(true);
  await until('registered', (s) => s.sip.state === 'registered');
  await waitFor(
    () => demo.emulator.store.agentStatus('auto_agent')?.extensionRegistered,
    'routable',
  );
});
afterEach(async () => {
  await core.shutdown(3_000);
  await Promise.all(peers.splice(0).map((p) => p.close()));
});

/** An INVITE on the extension that the platform did not route (the agent stays idle). */
async function unroutedInvite(): Promise<() => void> {
  const caller = new MediaEndpoint();
  peers.push(caller);
  const placer = new EmbeddedPlacer(demo.emulator.sip!, { domain: 'sip.oneyun.com' });
  const leg = placer.place(
    {
      callId: 'direct-1',
      extensionId: ext.id,
      from: { user: '13800000000', displayName: '13800000000' },
      offerSdp: await caller.createOffer(),
    },
    { answered: () => undefined, ended: () => undefined },
  );
  return () => leg.hangUp('caller');
}

describe('auto-answer', () => {
  it('is off by default: a routed call rings until answered', async () => {
    expect(DEFAULT_SETTINGS.autoAnswer).toBe(false);
    demo.emulator.calls.queueCall({ skill: 'sales', caller: '139' });
    await until('ringing', (s) => s.call?.phase === 'ringing');
    await new Promise((r) => setTimeout(r, 600));
    expect(snap().call).toMatchObject({ phase: 'ringing' });
    expect(snap().call?.autoAnswerAt ?? null).toBeNull();
  });

  it('answers a routed call after the delay, announcing when', async () => {
    await core.dispatch('settings:update', { autoAnswer: true, autoAnswerDelaySeconds: 1 });
    const id = demo.emulator.calls.queueCall({ skill: 'sales', caller: '139' });
    const ringing = (await until(
      'auto-answer announced',
      (s) => s.call?.autoAnswerAt && s.call,
    )) as NonNullable<SessionSnapshot['call']>;
    const at = ringing.autoAnswerAt!;
    expect(at - ringing.ringingSince).toBeGreaterThanOrEqual(1000);
    expect(at - ringing.ringingSince).toBeLessThan(2500);
    expect(snap().call?.phase).toBe('ringing');
    await until('talking', (s) => s.call?.phase === 'talking');
    expect(Date.now()).toBeGreaterThanOrEqual(at - 5);
    await waitFor(() => demo.emulator.calls.call(id)?.state === 'talking', 'platform talking');
  });

  it('lets an INVITE straight to the extension ring normally', async () => {
    await core.dispatch('settings:update', { autoAnswer: true, autoAnswerDelaySeconds: 0 });
    const hangUp = await unroutedInvite();
    await until('ringing', (s) => s.call?.phase === 'ringing');
    // The read-back showed the platform never routed it (the agent is still idle).
    await until('read back idle', (s) => s.state === 'idle');
    await new Promise((r) => setTimeout(r, 500));
    expect(snap().call).toMatchObject({ phase: 'ringing' });
    expect(snap().call?.autoAnswerAt ?? null).toBeNull();
    hangUp();
    await until('gone', (s) => s.call === null);
  });
});

describe('call quality figures', () => {
  it('keeps the window’s worst figures per call, also after it ended; refuses unknown calls', async () => {
    await core.dispatch('settings:update', { autoAnswer: true, autoAnswerDelaySeconds: 0 });
    const id = demo.emulator.calls.queueCall({ skill: 'sales', caller: '139' });
    const talking = await until('talking', (s) => s.call?.phase === 'talking' && s.call);
    const callId = (talking as { id: string }).id;
    const worst = {
      minMos: 3.2,
      maxJitterMs: 40,
      maxLossPercent: 10,
      maxRttMs: 300,
      longestSilenceMs: 0,
      samples: 5,
    };
    const seen: unknown[] = [];
    core.calls!.onQuality((r) => seen.push(r));
    expect(
      (await core.dispatch('call:quality', { callId, worst, noAudio: true, final: false })).ok,
    ).toBe(true);
    demo.emulator.calls.customerHangUp(id);
    await until('ended', (s) => s.call === null);
    const final = { callId, worst: { ...worst, samples: 6 }, noAudio: false, final: true };
    expect((await core.dispatch('call:quality', final)).ok).toBe(true);
    expect(core.calls!.qualityOf(callId)).toEqual(final);
    expect(seen).toHaveLength(2);
    const unknown = await core.dispatch('call:quality', { ...final, callId: 'nope' });
    expect(unknown.ok).toBe(false);
    const bad = await core.dispatch('call:quality', { ...final, worst: { ...worst, minMos: 9 } });
    expect(bad.ok).toBe(false);
  });
});

describe('auto-answer delay', () => {
  it('follows the setting, or an administrator’s environment variable', () => {
    const on = { ...DEFAULT_SETTINGS, autoAnswer: true, autoAnswerDelaySeconds: 4 };
    expect(autoAnswerDelayMs(DEFAULT_SETTINGS, {})).toBeNull();
    expect(autoAnswerDelayMs(on, {})).toBe(4000);
    expect(autoAnswerDelayMs(DEFAULT_SETTINGS, { AGENT_DESKTOP_AUTO_ANSWER_SECONDS: '0' })).toBe(0);
    expect(autoAnswerDelayMs(on, { AGENT_DESKTOP_AUTO_ANSWER_SECONDS: '11' })).toBe(4000);
    expect(autoAnswerDelayMs(on, { AGENT_DESKTOP_AUTO_ANSWER_SECONDS: 'x' })).toBe(4000);
  });
});
