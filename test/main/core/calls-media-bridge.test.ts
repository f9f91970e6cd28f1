/** The media bridge on its own: request ids, replies, errors, timeouts, close. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MediaBridge } from '../../../src/main/core/media-bridge';
import { silentLogger, systemClock } from '../../../src/lib/ports';
import type { MediaRequest } from '../../../src/shared/ipc/contract';

let sent: MediaRequest[];
let bridge: MediaBridge;

beforeEach(() => {
  vi.useFakeTimers();
  sent = [];
  bridge = new MediaBridge({
    clock: systemClock,
    logger: silentLogger,
    send: (request) => sent.push(request),
    timeoutMs: 1_000,
  });
});
afterEach(() => vi.useRealTimers());

describe('MediaBridge', () => {
  it('asks the window for an answer and resolves with its SDP', async () => {
    const answer = bridge.forCall('c1').answer('offer-sdp');
    expect(sent).toEqual([
      { requestId: expect.any(String), callId: 'c1', kind: 'answer-offer', sdp: 'offer-sdp' },
    ]);
    expect(bridge.reply({ requestId: sent[0]!.requestId, sdp: 'answer-sdp' })).toEqual({
      ok: true,
      value: null,
    });
    await expect(answer).resolves.toBe('answer-sdp');
  });

  it('gives every request its own id and matches replies by id', async () => {
    const a = bridge.forCall('a').answer('A');
    const b = bridge.forCall('b').answer('B');
    const [ra, rb] = sent;
    expect(ra!.requestId).not.toBe(rb!.requestId);
    bridge.reply({ requestId: rb!.requestId, sdp: 'for b' });
    bridge.reply({ requestId: ra!.requestId, sdp: 'for a' });
    await expect(a).resolves.toBe('for a');
    await expect(b).resolves.toBe('for b');
  });

  it('rejects with the window’s error, or when the reply has no SDP', async () => {
    const failing = bridge.forCall('c').answer('x');
    bridge.reply({ requestId: sent[0]!.requestId, error: 'no microphone' });
    await expect(failing).rejects.toThrow('no microphone');
    const empty = bridge.forCall('c').answer('x');
    bridge.reply({ requestId: sent[1]!.requestId });
    await expect(empty).rejects.toThrow(/without an SDP/);
  });

  it('times out; a late or unknown reply is accepted and ignored', async () => {
    const answer = bridge.forCall('c').answer('x');
    const check = expect(answer).rejects.toThrow(/within 1000 ms/);
    await vi.advanceTimersByTimeAsync(1_000);
    await check;
    expect(bridge.reply({ requestId: sent[0]!.requestId, sdp: 'late' }).ok).toBe(true);
    expect(bridge.reply({ requestId: 'never-asked', sdp: 'x' }).ok).toBe(true);
  });

  it('close() sends a close request for the call; closing the bridge fails what is pending', async () => {
    bridge.forCall('c9').close();
    expect(sent[0]).toMatchObject({ callId: 'c9', kind: 'close' });
    expect(sent[0]).not.toHaveProperty('sdp');
    const pending = bridge.forCall('c9').answer('x');
    bridge.close();
    await expect(pending).rejects.toThrow(/closed/);
  });

  it('asks the window for a hold offer and acknowledges an applied answer without SDP', async () => {
    const media = bridge.forCall('c1');
    const offer = media.offer!(true);
    expect(sent.at(-1)).toEqual({
      requestId: expect.any(String),
      callId: 'c1',
      kind: 'make-offer',
      hold: true,
    });
    bridge.reply({ requestId: sent.at(-1)!.requestId, sdp: 'sendonly-offer' });
    await expect(offer).resolves.toBe('sendonly-offer');
    const applied = media.applyAnswer!('recvonly-answer');
    expect(sent.at(-1)).toMatchObject({ kind: 'apply-answer', sdp: 'recvonly-answer' });
    bridge.reply({ requestId: sent.at(-1)!.requestId });
    await expect(applied).resolves.toBeUndefined();
  });
});
