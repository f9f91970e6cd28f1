/**
 * A chosen device the engine refused once (a headset microphone another program held) is not
 * given up on for the shift: the next call tries it again, the "could not be used" notice goes
 * when the call ends, and choosing it again (or an audio check that opens it) tries it again.
 */
import { describe, expect, it } from 'vitest';
import { signedInSnapshot } from './fake-api';
import {
  CallsApi,
  FakeMediaPorts,
  FakeStream,
  FakeTrack,
  OFFER,
  mountCalls,
  ringingSnapshot,
  settle,
  talkingSnapshot,
} from './calls-support';
import { textIn } from './queries';

const busy = () => new DOMException('Could not start audio source', 'NotReadableError');
const exactOf = (c: MediaStreamConstraints) =>
  ((c.audio as MediaTrackConstraints).deviceId as { exact?: string } | undefined)?.exact ??
  'default';
const NOTICE = '所选麦克风「USB Headset Mic」无法使用';

async function callWithBusyHeadset() {
  const ports = new FakeMediaPorts();
  const state = { headsetBusy: true };
  ports.openMicrophone = async (constraints) => {
    if (state.headsetBusy && exactOf(constraints) === 'mic-headset') throw busy();
    return new FakeStream([new FakeTrack(`mic-${ports.microphones.length + 1}`)]);
  };
  const api = new CallsApi();
  api.snapshot = ringingSnapshot({ phase: 'answering' });
  api.settings.settings = { ...api.settings.settings, microphoneDeviceId: 'mic-headset' };
  const mounted = await mountCalls(api, { ports });
  api.pushMedia({ requestId: 'r1', callId: 'c1', kind: 'answer-offer', sdp: OFFER });
  await settle();
  api.push(talkingSnapshot());
  await settle();
  return { ...mounted, ports, state };
}

async function endCall(api: CallsApi) {
  api.pushMedia({ requestId: 'x1', callId: 'c1', kind: 'close' });
  api.push(signedInSnapshot());
  await settle();
}

describe('a chosen microphone that was busy once', () => {
  it('is used again on the next call once the other program lets go', async () => {
    const { api, ports, state } = await callWithBusyHeadset();
    // The default stood in during call 1, and the window said so.
    expect(textIn()).toContain(NOTICE);
    await endCall(api);
    state.headsetBusy = false;
    // No device change happens: the notice still goes with the call.
    expect(textIn()).not.toContain(NOTICE);

    api.snapshot = ringingSnapshot({ id: 'c2', phase: 'answering' });
    api.push(api.snapshot);
    await settle();
    const before = ports.constraints.length;
    api.pushMedia({ requestId: 'r2', callId: 'c2', kind: 'answer-offer', sdp: OFFER });
    await settle();
    expect(ports.constraints.slice(before).map(exactOf)).toEqual(['mic-headset']);
    expect(textIn()).not.toContain(NOTICE);
  });

  it('is tried again at once when the agent chooses it again', async () => {
    const { api, calls, ports, state } = await callWithBusyHeadset();
    expect(calls.usable('microphone')).toBe('default');
    state.headsetBusy = false;
    // Mid-call the agent picks another microphone, then the headset again.
    api.pushSettings({
      ...api.settings,
      settings: { ...api.settings.settings, microphoneDeviceId: 'mic-builtin' },
    });
    await settle();
    api.pushSettings({
      ...api.settings,
      settings: { ...api.settings.settings, microphoneDeviceId: 'mic-headset' },
    });
    await settle();
    expect(calls.usable('microphone')).toBe('mic-headset');
    expect(exactOf(ports.constraints.at(-1)!)).toBe('mic-headset');
    expect(textIn()).not.toContain(NOTICE);
  });
});
