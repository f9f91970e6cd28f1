/**
 * Hold and resume through the core on the demo platform (the default a new user runs): the
 * window double renegotiates its werift peer as Chromium does (and refuses an answer whose
 * direction does not fit its offer, as Chromium does), the emulator's customer endpoint answers
 * the re-INVITE. What the agent would notice: the call stays up, no audio comes while held, it
 * comes back on resume, and the customer is never cut off.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ended } from '../../emulator/calls/call-doubles';
import { customerMedia } from '../../support/customer-media';
import { waitFor, waitForSteady } from '../../support/wait';
import { startCallCore } from './support/call-core';
import type { CallCore } from './support/call-core';

let app: CallCore;
let logged: { msg: string; fields?: Record<string, unknown> }[];

beforeEach(async () => {
  logged = [];
  const note = (msg: string, fields?: Record<string, unknown>) => void logged.push({ msg, fields });
  app = await startCallCore({ logger: { debug() {}, info: note, warn: note, error: note } });
});
afterEach(async () => {
  await app.close();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Rings, answers, and waits until audio flows both ways. */
async function talking() {
  const { id, callId } = await app.ring();
  expect((await app.core.dispatch('call:answer', { callId })).ok).toBe(true);
  await app.until('talking', (s) => s.call?.phase === 'talking');
  const counters = () => ({
    window: app.window.peer(callId)?.stats().packetsReceived ?? 0,
    customer: app.demo.emulator.calls.call(id)?.media?.packetsReceived ?? 0,
  });
  const flowing = async () => {
    const before = counters();
    await waitFor(() => {
      const now = counters();
      return now.window > before.window + 10 && now.customer > before.customer + 10;
    }, 'audio flowing both ways');
  };
  await flowing();
  return { id, callId, counters, flowing };
}

describe('hold on the demo platform', () => {
  it('hold and resume keep the call up; the customer sends nothing while held', async () => {
    const { core, demo } = app;
    const { id, callId, counters, flowing } = await talking();

    expect(await core.dispatch('call:hold', { callId, held: true })).toMatchObject({ ok: true });
    expect(app.snap().call).toMatchObject({ id: callId, phase: 'talking', held: true });
    // The customer's endpoint answered like a phone: recvonly, so the agent hears nothing.
    expect(app.window.peer(callId)?.direction).toBe('sendonly');
    // Packets already in flight may still land (later on a loaded machine): wait for quiet,
    // then nothing more may come.
    const held = await waitForSteady(() => counters().window, 'the held call goes quiet');
    await pause(600);
    expect(counters().window).toBe(held);
    expect(demo.emulator.calls.call(id)).toMatchObject({ state: 'talking', outcome: null });

    expect(await core.dispatch('call:hold', { callId, held: false })).toMatchObject({ ok: true });
    expect(app.snap().call).toMatchObject({ id: callId, phase: 'talking', held: false });
    await flowing();

    expect(demo.emulator.calls.call(id)).toMatchObject({ state: 'talking', outcome: null });
    expect(app.platformState()).toBe('talking');
    expect(demo.emulator.calls.customerHangUp(id)).toBe('ok');
    await app.until('call over', (s) => s.call === null);
    // The platform records the outcome when the agent's side confirms the BYE, which may land
    // a moment after the window has already cleared the call.
    expect(await ended(demo.emulator.calls, id)).toMatchObject({ outcome: 'customer-hung-up' });
  });

  it('a customer endpoint that takes no new offer: hold fails saying so, the call stays up', async () => {
    const { core, demo } = app;
    demo.emulator.calls.setMedia(customerMedia());
    const { id, callId } = await talking();

    const refused = await core.dispatch('call:hold', { callId, held: true });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'media', detail: '488 Not Acceptable Here' },
    });
    // The window was asked to take its offer back (it had taken the microphone off for it).
    expect(app.window.requests.map((r) => r.kind).slice(-2)).toEqual([
      'make-offer',
      'rollback-offer',
    ]);
    await pause(300);
    expect(app.snap().call).toMatchObject({ id: callId, phase: 'talking' });
    expect(app.snap().call?.held ?? false).toBe(false);
    expect(demo.emulator.calls.call(id)).toMatchObject({ state: 'talking', outcome: null });
    // Asking again gets the same answer: nothing was left half-done.
    expect(await core.dispatch('call:hold', { callId, held: true })).toMatchObject({
      ok: false,
      error: { code: 'media', detail: '488 Not Acceptable Here' },
    });
    expect(app.snap().call).toMatchObject({ id: callId, phase: 'talking' });
  });

  it('a window that cannot take its offer back: the hold says so, the call stays up', async () => {
    const { core, demo } = app;
    demo.emulator.calls.setMedia(customerMedia());
    const { id, callId } = await talking();
    // The window fails the rollback: sip.js would hang up on a rejected rollback; we must not.
    const peer = app.window.peer(callId)!;
    peer.rollbackOffer = () => {
      throw new Error('InvalidStateError: no offer to roll back');
    };

    const refused = await core.dispatch('call:hold', { callId, held: true });
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'media',
        detail:
          '488 Not Acceptable Here; the window could not take its offer back: ' +
          'InvalidStateError: no offer to roll back',
      },
    });
    await pause(300);
    expect(app.snap().call).toMatchObject({ id: callId, phase: 'talking' });
    expect(demo.emulator.calls.call(id)).toMatchObject({ state: 'talking', outcome: null });
  });

  it('an answer the window cannot take drops the call: the window is told, the log says why', async () => {
    const { core, demo } = app;
    // A platform that answers a held offer sendrecv: Chromium (and the double) refuse that.
    demo.emulator.calls.setMedia(
      customerMedia(async (endpoint, sdp) =>
        (await endpoint.answerOffer(sdp)).replace('a=recvonly', 'a=sendrecv'),
      ),
    );
    const { callId } = await talking();

    const refused = await core.dispatch('call:hold', { callId, held: true });
    expect(refused).toMatchObject({ ok: false, error: { code: 'media' } });
    await app.until('call over', (s) => s.call === null);
    expect(app.snap().droppedCall).toMatchObject({ id: callId });
    const endLine = logged.find((line) => line.msg === 'calls: ended')?.fields;
    expect(endLine).toMatchObject({ id: callId, reason: 'failed', answered: true });
    expect(endLine?.detail).toBe(
      "media: the far end's answer to our offer was refused: " +
        'media endpoint: a sendrecv answer does not fit a sendonly offer',
    );
    expect(logged.some((line) => line.msg === 'calls: hold/resume refused')).toBe(true);

    // The next call takes the notice's place.
    const next = await app.ring();
    expect(app.snap().droppedCall ?? null).toBeNull();
    expect(app.snap().call?.id).toBe(next.callId);
  });
});
