/**
 * A core signed in against the demo platform (emulator + embedded registrar + call center), with
 * a window double answering media requests with a werift peer: what the agent's-day tests
 * (history, wrap-up, no-answer guard) drive calls through.
 */
import { expect } from 'vitest';
import { createDesktopCore } from '../../../../src/main/core/create-core';
import { startDemoPlatform } from '../../../../src/emulator/demo-platform';
import { DEMO_EXTENSIONS } from '../../../../src/emulator/index';
import { MediaEndpoint } from '../../../../src/emulator/calls/media-endpoint';
import { EmbeddedPlacer } from '../../../../src/emulator/index';
import type { CallLeg, LegEndReason } from '../../../../src/emulator/calls/call-placer';
import { MemorySecretStore, silentLogger } from '../../../../src/lib/ports';
import { waitFor } from '../../../support/wait';
import type { Core, CoreOptions } from '../../../../src/main/core/create-core';
import type { EmbeddedPlatform } from '../../../../src/main/core/platform-source';
import type { CallRequest, RunningEmulator } from '../../../../src/emulator/index';
import type { MediaRequest } from '../../../../src/shared/ipc/contract';
import type { SessionSnapshot } from '../../../../src/shared/snapshot';
import type { Settings } from '../../../../src/shared/settings';

export const AGENT = 'day_agent';

export interface CallCore {
  core: Core;
  demo: EmbeddedPlatform<RunningEmulator>;
  /** The window double answering the core's media requests. */
  window: WindowDouble;
  snap(): SessionSnapshot;
  until<T>(what: string, probe: (s: SessionSnapshot) => T, timeoutMs?: number): Promise<T>;
  platformState(): string | undefined;
  /** Queues a call for the agent's skill; resolves when it rings in the snapshot. */
  ring(request?: Partial<CallRequest>): Promise<{ id: string; callId: string }>;
  queue(request?: Partial<CallRequest>): string;
  /**
   * A call dialled straight to the agent's extension (the platform never routed it), answered:
   * once read back, the platform shows the agent idle while the call is on. `ended` is how the
   * caller's leg ended, null while it lasts.
   */
  talkingDirect(
    platformShows?: string,
  ): Promise<{ callId: string; leg: CallLeg; ended: () => LegEndReason | null }>;
  close(): Promise<void>;
}

export type WindowDouble = ReturnType<typeof windowDouble>;

/**
 * Answers the core's media requests with werift peers (the real window's job): a call's offer
 * gets a new peer; hold and resume offers, and their answers, go to that call's peer.
 */
export function windowDouble(of: Core) {
  const requests: MediaRequest[] = [];
  const peers = new Map<string, MediaEndpoint>();
  const step = (request: MediaRequest): Promise<string | undefined> => {
    const peer = peers.get(request.callId);
    if (request.kind === 'answer-offer' && !peer) {
      const fresh = new MediaEndpoint();
      peers.set(request.callId, fresh);
      return fresh.answer(request.sdp ?? '');
    }
    if (!peer) return Promise.reject(new Error('this call has no media'));
    if (request.kind === 'make-offer') return peer.reoffer(request.hold ? 'sendonly' : 'sendrecv');
    if (request.kind === 'rollback-offer') {
      return (async () => {
        peer.rollbackOffer();
        return undefined;
      })();
    }
    if (request.kind === 'apply-answer')
      return peer.applyAnswer(request.sdp ?? '').then(() => undefined);
    return peer.answerOffer(request.sdp ?? '');
  };
  of.on('media:request', (request) => {
    requests.push(request);
    if (request.kind === 'close') return void peers.get(request.callId)?.close();
    void step(request).then(
      (sdp) =>
        of.dispatch('media:reply', { requestId: request.requestId, ...(sdp ? { sdp } : {}) }),
      (error: Error) =>
        of.dispatch('media:reply', { requestId: request.requestId, error: error.message }),
    );
  });
  return {
    requests,
    /** The window's peer for a call (its audio counters and direction). */
    peer: (callId: string) => peers.get(callId),
    close: () => Promise.all([...peers.values()].map((peer) => peer.close())),
  };
}

/**
 * A core on a fresh demo platform, nothing signed in: how every call test starts (memory secrets,
 * no settings file, a 5 s keepalive, a silent log, unless `options` say otherwise).
 */
export async function startDemoCore(
  options: Partial<CoreOptions> = {},
): Promise<{ core: Core; demo: EmbeddedPlatform<RunningEmulator> }> {
  let demo!: EmbeddedPlatform<RunningEmulator>;
  const core = await createDesktopCore({
    secrets: new MemorySecretStore(),
    settingsFile: null,
    startEmbedded: async (logger) => (demo = await startDemoPlatform(logger)),
    keepaliveMs: 5_000,
    logger: silentLogger,
    ...options,
  });
  return { core, demo };
}

/** Starts the demo platform and a core, signs the agent in idle with skill `sales`. */
export async function startCallCore(
  options: Partial<CoreOptions> & { settings?: Partial<Settings> } = {},
): Promise<CallCore> {
  const { settings, ...coreOptions } = options;
  const { core, demo } = await startDemoCore(coreOptions);
  if (settings) expect((await core.dispatch('settings:update', settings)).ok).toBe(true);
  const window = windowDouble(core);
  const signed = await core.dispatch('session:sign-in', {
    name: AGENT,
    extension: DEMO_EXTENSIONS[0]!.id,
    initialState: 'idle',
    skills: [{ name: 'sales', score: 5, enabled: true }],
  });
  expect(signed.ok).toBe(true);
  const snap = () => core.snapshot();
  const until = <T>(what: string, probe: (s: SessionSnapshot) => T, timeoutMs = 8_000) =>
    waitFor(() => probe(snap()), what, timeoutMs) as Promise<T>;
  await until('registered', (s) => s.sip.state === 'registered');
  await waitFor(() => demo.emulator.store.agentStatus(AGENT)?.extensionRegistered, 'routable');
  const queue = (request: Partial<CallRequest> = {}) =>
    demo.emulator.calls.queueCall({ skill: 'sales', caller: '13900001234', ...request });
  const callers: MediaEndpoint[] = [];
  return {
    core,
    demo,
    window,
    snap,
    until,
    platformState: () => demo.emulator.store.agentStatus(AGENT)?.state,
    queue,
    async ring(request = {}) {
      const id = queue(request);
      const call = await until('ringing call', (s) => s.call?.phase === 'ringing' && s.call);
      return { id, callId: (call as NonNullable<SessionSnapshot['call']>).id };
    },
    async talkingDirect(platformShows = 'idle') {
      const caller = new MediaEndpoint();
      callers.push(caller);
      let ended: LegEndReason | null = null;
      const placer = new EmbeddedPlacer(demo.emulator.sip!, { domain: 'sip.oneyun.com' });
      const leg = placer.place(
        {
          callId: 'direct-1',
          extensionId: DEMO_EXTENSIONS[0]!.id,
          from: { user: '13800000000', displayName: '13800000000' },
          offerSdp: await caller.createOffer(),
        },
        { answered: (sdp) => void caller.applyAnswer(sdp), ended: (why) => void (ended = why) },
      );
      const ringing = await until('ringing', (s) => s.call?.phase === 'ringing' && s.call);
      const callId = (ringing as { id: string }).id;
      expect((await core.dispatch('call:answer', { callId })).ok).toBe(true);
      await until('talking', (s) => s.call?.phase === 'talking');
      // Read back: the platform shows the agent's own state, not a call. From idle the session
      // then holds them busy for the call (session.ts, a call the platform did not route).
      const held = platformShows === 'idle';
      await until(
        'read back',
        (s) => (held ? s.hold?.reason === 'in-call' : s.state === platformShows),
        12_000,
      );
      return { callId, leg, ended: () => ended };
    },
    async close() {
      await core.shutdown(3_000);
      await window.close();
      await Promise.all(callers.splice(0).map((caller) => caller.close()));
    },
  };
}
