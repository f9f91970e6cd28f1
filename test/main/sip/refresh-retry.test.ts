/**
 * A kept call's refresh after the line came back (the re-INVITE that gives the far end the new
 * Contact) that the far end cannot take now: 491 (its own re-INVITE crossed ours) or a 5xx from a
 * server on the way. Before, one such answer ended the attempt, and the far end kept the old
 * Contact: its BYE could no longer find the call, and the platform showed the agent talking
 * after the customer hung up. A fake Invitation answers as each test says.
 */
import { describe, expect, it } from 'vitest';
import { SessionState } from 'sip.js';
import type { Invitation } from 'sip.js';
import { refreshRetryMs, SipIncomingCall } from '../../../src/main/sip/incoming-call';
import type { CallMedia } from '../../../src/main/sip/call-types';

const SDP = 'v=0\r\n';

interface InviteOptions {
  requestDelegate: {
    onAccept?: () => void;
    onReject?: (response: { message: { statusCode: number; reasonPhrase: string } }) => void;
  };
}

/** An answered, acknowledged call whose re-INVITEs are answered by `answers`, in turn. */
async function keptCall(answers: number[]) {
  const listeners: ((state: SessionState) => void)[] = [];
  let state = SessionState.Initial;
  const sent = { invites: 0, byes: 0 };
  const setState = (next: SessionState) => {
    state = next;
    for (const listener of listeners) listener(next);
  };
  const invitation = {
    remoteIdentity: { displayName: '', uri: { user: '13800000001', host: 'x' } },
    request: { callId: 'call-1' },
    delegate: undefined as undefined | { onAck?: () => void },
    stateChange: { addListener: (fn: (s: SessionState) => void) => listeners.push(fn) },
    get state() {
      return state;
    },
    accept: async () => setState(SessionState.Established),
    invite: async (options: InviteOptions) => {
      const code = answers[sent.invites++] ?? 200;
      queueMicrotask(() => {
        if (code === 200) options.requestDelegate.onAccept?.();
        else
          options.requestDelegate.onReject?.({ message: { statusCode: code, reasonPhrase: '' } });
      });
    },
    bye: async () => {
      sent.byes++;
      setState(SessionState.Terminated);
    },
  };
  const waits: number[] = [];
  const call = new SipIncomingCall(
    'c1',
    invitation as unknown as Invitation,
    null,
    () => true,
    async (ms) => void waits.push(ms),
    () => 0.5,
  );
  const media: CallMedia = {
    answer: async () => SDP,
    close: () => undefined,
    offer: async () => SDP,
    applyAnswer: async () => undefined,
    rollback: async () => undefined,
  };
  await call.accept(media);
  invitation.delegate!.onAck!();
  return { call, sent, waits };
}

describe('a refresh the far end cannot take now is tried again', () => {
  it('491 (re-INVITEs crossed): again after 0–2 s, and the call goes on', async () => {
    const { call, sent, waits } = await keptCall([491]);
    await call.refresh();
    expect(sent.invites).toBe(2);
    expect(waits).toEqual([1000]);
    expect(call.state).toBe('talking');
  });

  it('a 5xx on the way: again after 1, 2 and 4 s, then the call is left as it is', async () => {
    const { call, sent, waits } = await keptCall([503, 500, 504, 503]);
    await call.refresh();
    expect(sent.invites).toBe(4);
    expect(waits).toEqual([1000, 2000, 4000]);
    // Nobody said the dialog is gone: the customer may still be there.
    expect(sent.byes).toBe(0);
    expect(call.state).toBe('talking');
  });

  it('an answer that says the dialog is gone still ends the call at once', async () => {
    const { call, sent, waits } = await keptCall([503, 481]);
    const ended = new Promise((resolve) => call.onEnded(resolve));
    await call.refresh();
    expect(waits).toEqual([1000]);
    expect(sent.byes).toBe(1);
    expect(await ended).toMatchObject({ reason: 'line-lost' });
  });

  it('a refusal that is final (488) is not repeated', async () => {
    const { call, sent } = await keptCall([488]);
    await call.refresh();
    expect(sent.invites).toBe(1);
    expect(call.state).toBe('talking');
  });

  it('the RFC 3261 wait for 491 stays within 0–2 s; 502 is the dialog gone, not a retry', () => {
    expect(refreshRetryMs(491, 0, () => 0)).toBe(0);
    expect(refreshRetryMs(491, 0, () => 0.999)).toBe(1990);
    expect(refreshRetryMs(502, 0, () => 0)).toBeNull();
    expect(refreshRetryMs(503, 3, () => 0)).toBeNull();
  });
});
