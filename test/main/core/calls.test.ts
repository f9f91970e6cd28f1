/**
 * Calls through the core against the demo platform (emulator + embedded registrar + call
 * center), as `npm start` runs it: the platform queues a customer call, rings the agent's
 * registered extension, and moves the agent's state; the desktop shows the ringing call with
 * `fetching` at once, answers with the window's SDP, and reads the reserve state back when the
 * call ends. The window is a double that answers `media:request` with a werift peer (the real
 * renderer's RTCPeerConnection is another suite's).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/emulator/index';
import { DEMO_EXTENSIONS } from '../../../src/emulator/index';
import { windowDouble, startDemoCore } from './support/call-core';
import { waitFor } from '../../support/wait';
import type { Core } from '../../../src/main/core/create-core';
import type { EmbeddedPlatform } from '../../../src/main/core/platform-source';
import type { CallRequest } from '../../../src/emulator/index';
import type { SessionSnapshot } from '../../../src/shared/snapshot';

const ext = DEMO_EXTENSIONS[0]!;
let core: Core;
let demo: EmbeddedPlatform<RunningEmulator>;
let window: ReturnType<typeof windowDouble>;

const snap = () => core.snapshot();
const until = (what: string, probe: (s: SessionSnapshot) => unknown, timeoutMs = 8_000) =>
  waitFor(() => probe(snap()), what, timeoutMs);
const record = (id: string) => demo.emulator.calls.call(id)!;
const platformState = () => demo.emulator.store.agentStatus('caller_agent')?.state;

/** Queues a call for the agent's skill; resolves when it rings in the snapshot. */
async function ring(request: Partial<CallRequest> = {}) {
  const id = demo.emulator.calls.queueCall({ skill: 'sales', caller: '13900001234', ...request });
  const call = await until('ringing call', (s) => s.call?.phase === 'ringing' && s.call);
  return { id, call: call as NonNullable<SessionSnapshot['call']> };
}

beforeEach(async () => {
  ({ core, demo } = await startDemoCore());
  window = windowDouble(core);
  const signed = await core.dispatch('session:sign-in', {
    name: 'caller_agent',
    extension: ext.id,
    initialState: 'idle',
    skills: [{ name: 'sales', score: 5, enabled: true }],
  });
  expect(signed.ok).toBe(true);
  await until('registered', (s) => s.sip.state === 'registered');
  await waitFor(
    () => demo.emulator.store.agentStatus('caller_agent')?.extensionRegistered,
    'routable',
  );
});
afterEach(async () => {
  await core.shutdown(3_000);
  await window.close();
});

describe('calls through the demo platform', () => {
  it('rings (fetching at once), is answered (talking), and the customer hangs up (reserve state)', async () => {
    const { id, call } = await ring({ customer: { kind: 'hang-up-after', talkSec: 1 } });
    expect(call).toMatchObject({ caller: '13900001234', talkingSince: null, muted: false });
    expect(snap().state).toBe('fetching');
    await waitFor(() => record(id).alertedAt !== null, '180 seen by the platform');

    const answered = await core.dispatch('call:answer', { callId: call.id });
    expect(answered.ok).toBe(true);
    expect(snap().call).toMatchObject({ id: call.id, phase: 'talking' });
    expect(snap().call?.talkingSince).toBeGreaterThanOrEqual(call.ringingSince);
    expect(snap().state).toBe('talking');
    // The platform moves on the ACK of our 200 OK; the desktop reads that back.
    await waitFor(() => record(id).state === 'talking', 'platform call talking');
    expect(platformState()).toBe('talking');
    await until('talking read back', (s) => s.agent?.state === 'talking');
    const offer = window.requests.find((r) => r.kind === 'answer-offer');
    expect(offer).toMatchObject({ callId: call.id });
    expect(offer?.sdp).toMatch(/UDP\/TLS\/RTP\/SAVPF/);

    await until('call over', (s) => s.call === null);
    await until('reserve state read back', (s) => s.state === 'idle');
    expect(record(id).outcome).toBe('customer-hung-up');
    expect(snap().missed).toEqual([]);
    await waitFor(
      () => window.requests.some((r) => r.kind === 'close' && r.callId === call.id),
      'media closed',
    );
  });

  it('agent hangs up: the call ends and the reserve state is read back', async () => {
    const { id, call } = await ring({ reserveState: 'busy/wrap-up' });
    expect((await core.dispatch('call:answer', { callId: call.id })).ok).toBe(true);
    const hung = await core.dispatch('call:hangup', { callId: call.id });
    expect(hung.ok).toBe(true);
    expect(snap().call).toBeNull();
    await until('reserve state', (s) => s.state === 'busy/wrap-up');
    expect(record(id).outcome).toBe('agent-hung-up');
    expect(snap().missed).toEqual([]);
  });

  it('a caller who gives up: the end reaches the window with the state after it, in one push', async () => {
    const pushes: SessionSnapshot[] = [];
    const off = core.session.onChange((s) => pushes.push(s));
    const { call } = await ring({
      reserveState: 'away/missed',
      customer: { kind: 'give-up-ringing', afterSec: 0.3 },
    });
    await until('call over', (s) => s.call === null);
    await until('stateAfter', (s) => s.missed[0]?.stateAfter === 'away/missed');
    off();
    // The window draws the end once: the panel goes, the missed row comes with the state the
    // platform left the agent in (not fetching, then that state a frame later).
    const end = pushes.find((s) => s.call === null);
    expect(end).toMatchObject({
      state: 'away/missed',
      missed: [{ id: call.id, reason: 'caller-gave-up', stateAfter: 'away/missed' }],
    });
  });

  it('reject: a missed offer (rejected) with the reserve state the platform set', async () => {
    const { id, call } = await ring({ reserveState: 'away/missed' });
    const rejected = await core.dispatch('call:reject', { callId: call.id });
    expect(rejected.ok).toBe(true);
    expect(snap().call).toBeNull();
    expect(snap().missed[0]).toMatchObject({
      id: call.id,
      caller: '13900001234',
      reason: 'rejected',
    });
    await until('stateAfter', (s) => s.missed[0]?.stateAfter === 'away/missed');
    expect(snap().state).toBe('away/missed');
    expect(record(id).outcome).toBe('rejected');
  });

  it('ring timeout: a missed offer and the reserve state', async () => {
    const { id, call } = await ring({ ringTimeoutSec: 0.5, reserveState: 'away/no-answer' });
    await until('call over', (s) => s.call === null);
    await waitFor(() => record(id).state === 'ended', 'platform call ended');
    expect(record(id).outcome).toBe('missed-timeout');
    await until('stateAfter', (s) => s.missed[0]?.stateAfter === 'away/no-answer');
    expect(snap().missed[0]).toMatchObject({ id: call.id, caller: '13900001234' });
    expect(snap().state).toBe('away/no-answer');
  });

  // The desktop tells a ring timeout from a caller giving up by the CANCEL's Reason header
  // (`SIP;cause=408`, see test/main/sip/calls-reason.test.ts), which the emulator sends.
  it('ring timeout is named timeout (Reason: SIP;cause=408 on the CANCEL)', async () => {
    await ring({ ringTimeoutSec: 0.3 });
    await until('missed', (s) => s.missed.length === 1);
    expect(snap().missed[0]?.reason).toBe('timeout');
  });

  it('caller gives up while ringing: a missed offer (caller-gave-up), back to idle', async () => {
    const { call } = await ring({ customer: { kind: 'give-up-ringing', afterSec: 0.3 } });
    await until('stateAfter', (s) => s.missed[0]?.stateAfter === 'idle');
    expect(snap().missed[0]).toMatchObject({ id: call.id, reason: 'caller-gave-up' });
    expect(snap()).toMatchObject({ call: null, state: 'idle' });
  });

  it('the end of a missed call is one push: the call gone and the miss listed together', async () => {
    const pushes: SessionSnapshot[] = [];
    core.on('session:changed', (s) => pushes.push(s));
    const { call } = await ring({ customer: { kind: 'give-up-ringing', afterSec: 0.3 } });
    await until('missed', (s) => s.missed.length === 1);
    // No push shows the call gone without its miss, or the miss beside a call still ringing.
    const torn = pushes.filter((s) => (s.call === null) !== s.missed.some((m) => m.id === call.id));
    expect(torn).toEqual([]);
  });

  it('forced sign-out while talking ends the call and the session', async () => {
    const { id, call } = await ring();
    expect((await core.dispatch('call:answer', { callId: call.id })).ok).toBe(true);
    const plain = await core.dispatch('session:sign-out', { force: false });
    expect(plain.ok).toBe(false);
    expect(snap().question).toEqual({ kind: 'force-sign-out' });
    const forced = await core.dispatch('session:sign-out', { force: true });
    expect(forced.ok).toBe(true);
    expect(snap()).toMatchObject({ phase: 'signed-out', call: null });
    await waitFor(() => record(id).state === 'ended', 'platform call ended');
    expect(record(id).outcome).toBe('agent-logged-out');
    await until('line stopped', (s) => s.sip.state === 'stopped');
  });

  it('mute is shown in the snapshot for the window’s media to follow', async () => {
    const { call } = await ring();
    const early = await core.dispatch('call:mute', { callId: call.id, muted: true });
    expect(early.ok).toBe(false);
    await core.dispatch('call:answer', { callId: call.id });
    expect((await core.dispatch('call:mute', { callId: call.id, muted: true })).ok).toBe(true);
    expect(snap().call?.muted).toBe(true);
    await core.dispatch('call:mute', { callId: call.id, muted: false });
    expect(snap().call?.muted).toBe(false);
    await core.dispatch('call:hangup', { callId: call.id });
  });

  it('commands for another call id are refused: that call is over', async () => {
    const { call } = await ring();
    for (const channel of ['call:answer', 'call:reject', 'call:hangup'] as const) {
      const result = await core.dispatch(channel, { callId: 'not-this-one' });
      expect(result).toMatchObject({ ok: false, error: { code: 'call-gone' } });
    }
    expect(snap().call?.phase).toBe('ringing');
    await core.dispatch('call:reject', { callId: call.id });
  });
});
