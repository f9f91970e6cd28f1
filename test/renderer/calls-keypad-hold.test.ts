/** The talking panel's Hold/Resume and keypad, and the window's media side of both. */
import { describe, expect, it } from 'vitest';
import {
  CallsApi,
  FakeMediaPorts,
  OFFER,
  mountCalls,
  ringingSnapshot,
  settle,
  talkingSnapshot,
} from './calls-support';
import { click, getByRole, queryByRole, textIn } from './queries';

/** A talking call whose media the window set up (answer-offer), so it has a sender. */
async function talkingWithMedia(language: 'zh-CN' | 'en' = 'zh-CN') {
  const api = new CallsApi();
  api.snapshot = ringingSnapshot({ phase: 'answering' });
  const ports = new FakeMediaPorts();
  const mounted = await mountCalls(api, { ports, language });
  api.pushMedia({ requestId: 'r1', callId: 'c1', kind: 'answer-offer', sdp: OFFER });
  await settle();
  api.push(talkingSnapshot());
  await settle();
  return { ...mounted, peer: ports.peers[0]! };
}

const press = (key: string) =>
  window.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));

describe('keypad', () => {
  it('is a labelled group of 0–9, * and #, in zh-CN and en', async () => {
    await talkingWithMedia();
    const keypad = getByRole('group', { name: '拨号盘' });
    const keys = [...keypad.querySelectorAll('button')].map((b) => b.textContent?.trim());
    expect(keys).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#']);
    expect(textIn(keypad)).toContain('也可直接在键盘上按');
  });

  it('sends digits as RFC 4733 tones from buttons and the keyboard, and says what went', async () => {
    const { peer } = await talkingWithMedia();
    press('1');
    await click(getByRole('button', { name: '2' }));
    press('#');
    // Not digits, or typed with a modifier: nothing goes.
    press('a');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '3', ctrlKey: true }));
    await settle();
    expect(peer.senders[0]!.dtmf.inserted).toEqual(['1', '2', '#']);
    expect(textIn()).toContain('已发送：12#');
  });

  it('says so when a digit cannot go (the line takes no keypad tones), not silence', async () => {
    const { peer } = await talkingWithMedia();
    peer.senders[0]!.dtmf.canInsertDTMF = false;
    press('1');
    await click(getByRole('button', { name: '2' }));
    await settle();
    expect(peer.senders[0]!.dtmf.inserted).toEqual([]);
    const note = getByRole('group', { name: '拨号盘' }).querySelector('[role="status"]')!;
    expect(textIn(note)).toBe('按键音未能发送：12。通话的音频尚未接通，或对方线路不接受按键音。');
    // Once tones go again, the note says what went.
    peer.senders[0]!.dtmf.canInsertDTMF = true;
    press('3');
    await settle();
    expect(textIn(note)).toBe('已发送：3');
  });

  it('leaves text fields alone', async () => {
    const { peer } = await talkingWithMedia();
    const field = document.createElement('input');
    document.body.appendChild(field);
    field.dispatchEvent(new KeyboardEvent('keydown', { key: '5', bubbles: true }));
    await settle();
    expect(peer.senders[0]!.dtmf.inserted).toEqual([]);
    field.remove();
  });

  it('is named in English', async () => {
    await talkingWithMedia('en');
    expect(getByRole('group', { name: 'Keypad' })).toBeTruthy();
    expect(getByRole('button', { name: 'Hold' })).toBeTruthy();
  });
});

describe('hold', () => {
  it('Hold asks main, then shows Resume and the held note; the keypad rests', async () => {
    const { api } = await talkingWithMedia();
    api.handlers.setHeld = (id, held) => {
      api.push(talkingSnapshot({ id, held }));
      return Promise.resolve({ ok: true, value: api.snapshot });
    };
    await click(getByRole('button', { name: '保持' }));
    expect(api.callsOf('setHeld')).toEqual([['c1', true]]);
    expect(getByRole('button', { name: '恢复通话' })).toBeTruthy();
    expect(textIn()).toContain('通话已保持：双方都听不到对方。');
    expect((getByRole('button', { name: '1' }) as HTMLButtonElement).disabled).toBe(true);
    await click(getByRole('button', { name: '恢复通话' }));
    expect(api.callsOf('setHeld')).toEqual([
      ['c1', true],
      ['c1', false],
    ]);
    expect(queryByRole('button', { name: '恢复通话' })).toBeNull();
  });

  it('the window offers sendonly with no track on hold, and sendrecv with the microphone on resume', async () => {
    const { api, peer } = await talkingWithMedia();
    const mic = peer.senders[0]!.track;
    api.pushMedia({ requestId: 'h1', callId: 'c1', kind: 'make-offer', hold: true });
    await settle();
    expect(peer.transceiver.direction).toBe('sendonly');
    expect(peer.senders[0]!.track).toBeNull();
    expect(api.callsOf('replyMedia').at(-1)).toEqual([
      { requestId: 'h1', sdp: expect.stringContaining('a=sendonly') },
    ]);
    api.pushMedia({ requestId: 'h2', callId: 'c1', kind: 'apply-answer', sdp: 'v=0\r\n' });
    await settle();
    expect(api.callsOf('replyMedia').at(-1)).toEqual([{ requestId: 'h2' }]);
    expect(peer.remoteDescription).toEqual({ type: 'answer', sdp: 'v=0\r\n' });

    api.pushMedia({ requestId: 'h3', callId: 'c1', kind: 'make-offer', hold: false });
    await settle();
    expect(peer.transceiver.direction).toBe('sendrecv');
    expect(peer.senders[0]!.track).toBe(mic);
  });

  it('a hold the far end refused is taken back: the microphone is on the sender again', async () => {
    const { api, peer } = await talkingWithMedia();
    const mic = peer.senders[0]!.track;
    api.pushMedia({ requestId: 'h1', callId: 'c1', kind: 'make-offer', hold: true });
    await settle();
    expect(peer.senders[0]!.track).toBeNull();
    api.pushMedia({ requestId: 'h2', callId: 'c1', kind: 'rollback-offer' });
    await settle();
    expect(api.callsOf('replyMedia').at(-1)).toEqual([{ requestId: 'h2' }]);
    expect(peer.rollbacks).toBe(1);
    expect(peer.signalingState).toBe('stable');
    expect(peer.transceiver.direction).toBe('sendrecv');
    expect(peer.senders[0]!.track).toBe(mic);
    // Keypad digits go again (they stop while held).
    press('5');
    await settle();
    expect(peer.senders[0]!.dtmf.inserted).toEqual(['5']);

    // A refused resume goes back to held: no track, sendonly.
    api.pushMedia({ requestId: 'h3', callId: 'c1', kind: 'make-offer', hold: true });
    await settle();
    api.pushMedia({ requestId: 'h4', callId: 'c1', kind: 'apply-answer', sdp: 'v=0\r\n' });
    await settle();
    api.pushMedia({ requestId: 'h5', callId: 'c1', kind: 'make-offer', hold: false });
    await settle();
    expect(peer.senders[0]!.track).toBe(mic);
    api.pushMedia({ requestId: 'h6', callId: 'c1', kind: 'rollback-offer' });
    await settle();
    expect(peer.rollbacks).toBe(2);
    expect(peer.transceiver.direction).toBe('sendonly');
    expect(peer.senders[0]!.track).toBeNull();
  });

  it('the headset mute button pressed while a hold is on its way still mutes the agent', async () => {
    const { api, calls, peer } = await talkingWithMedia();
    // The far end takes its time answering the hold re-INVITE.
    api.handlers.setHeld = () => new Promise(() => undefined);
    await click(getByRole('button', { name: '保持' }));
    // The agent coughs and presses the headset's mute (the headset calls the store's toggleMute).
    await calls.toggleMute();
    await settle();
    expect(api.callsOf('setMuted')).toEqual([['c1', true]]);
    expect(peer.senders[0]!.track!.enabled).toBe(false);
    // The hold is still on its way: Hold and Mute stay disabled until it comes back.
    expect(calls.pending).toBe('hold');
  });

  it('a make-offer for a call without media is answered with an error', async () => {
    const api = new CallsApi();
    api.snapshot = talkingSnapshot();
    await mountCalls(api);
    api.pushMedia({ requestId: 'x', callId: 'c1', kind: 'make-offer', hold: true });
    await settle();
    expect(api.callsOf('replyMedia')).toEqual([
      [{ requestId: 'x', error: 'Error: this call has no media' }],
    ]);
  });
});
