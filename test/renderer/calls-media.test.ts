import { afterEach, describe, expect, it, vi } from 'vitest';
import { signedInSnapshot } from './fake-api';
import {
  CallsApi,
  CANDIDATE,
  DEVICES,
  FakeMediaPorts,
  FakeStream,
  FakeTrack,
  OFFER,
  mountCalls,
  ringingSnapshot,
  settle,
  talkingSnapshot,
} from './calls-support';
import { click, getByRole, queryByRole, textIn } from './queries';
import { CallMedia } from '../../src/renderer/src/media/call-media';
import type { FakeAudioContext, FakePeer } from './calls-support';

async function answering(ports = new FakeMediaPorts()) {
  const api = new CallsApi();
  api.snapshot = ringingSnapshot({ phase: 'answering' });
  return mountCalls(api, { ports });
}
const offer = (requestId = 'r1', callId = 'c1') =>
  ({ requestId, callId, kind: 'answer-offer', sdp: OFFER }) as const;

describe('media requests', () => {
  it('answers an offer: microphone, no ICE servers, remote offer, our track, full answer', async () => {
    const { api, ports } = await answering();
    expect(api.mediaSubscribers).toBe(1);
    api.pushMedia(offer());
    await settle();
    const peer = ports.peers[0]!;
    expect(peer.config).toEqual({ iceServers: [] });
    expect(peer.remoteDescription).toEqual({ type: 'offer', sdp: OFFER });
    expect(ports.constraints[0]).toMatchObject({ audio: { echoCancellation: true } });
    expect(peer.senders.map((s) => s.track)).toEqual(ports.microphones[0]!.tracks);
    // Non-trickle: the reply waits for gathering, so it carries the candidates.
    const replies = api.callsOf('replyMedia');
    expect(replies).toEqual([[{ requestId: 'r1', sdp: expect.stringContaining(CANDIDATE) }]]);
    expect(api.callsOf('reportMicrophone')).toContainEqual(['ok']);
    // The caller plays in an <audio> on the chosen speaker (the default here).
    const audio = ports.audios[0]!;
    expect(audio.srcObject).toBe(peer.remote);
    expect(audio.paused).toBe(false);
    expect(audio.sinkIds).toEqual(['']);
  });

  it('uses the chosen microphone and speaker', async () => {
    const api = new CallsApi();
    api.snapshot = ringingSnapshot({ phase: 'answering' });
    api.settings.settings = {
      ...api.settings.settings,
      microphoneDeviceId: 'mic-headset',
      speakerDeviceId: 'out-headset',
    };
    const { ports } = await mountCalls(api);
    api.pushMedia(offer());
    await settle();
    expect(ports.constraints[0]).toMatchObject({ audio: { deviceId: { exact: 'mic-headset' } } });
    expect(ports.audios[0]!.sinkIds).toEqual(['out-headset']);
  });

  it('replies with the error (and why: denied) and reports the microphone broken when it cannot open', async () => {
    const ports = new FakeMediaPorts();
    ports.openMicrophone = () =>
      Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    const { api } = await answering(ports);
    api.pushMedia(offer());
    await settle();
    expect(api.callsOf('replyMedia')).toEqual([
      [{ requestId: 'r1', error: 'microphone-denied: NotAllowedError: Permission denied' }],
    ]);
    expect(api.callsOf('reportMicrophone').at(-1)).toEqual(['broken']);
    expect(ports.peers).toEqual([]);
    expect(textIn()).toContain(
      '无法打开麦克风，对方听不到你：本应用没有使用麦克风的权限，请在系统设置中允许。',
    );
  });

  it('answers anyway when ICE gathering does not finish in time', async () => {
    const api = new CallsApi();
    const ports = new FakeMediaPorts();
    ports.onPeer = (peer) => (peer.gathers = false);
    const media = new CallMedia({
      ports,
      api,
      devices: () => ({ microphone: 'default', speaker: 'default' }),
      events: { microphone() {}, fallback() {}, connection() {}, playback() {} },
      iceTimeoutMs: 20,
    });
    await media.handle(offer());
    expect(api.callsOf('replyMedia')).toEqual([
      [{ requestId: 'r1', sdp: expect.stringContaining('m=audio') }],
    ]);
  });

  it('the call ends while the speaker is being chosen: its audio is not started after it', async () => {
    // Before, play() ran on the emptied <audio> and its refusal read as "autoplay refused":
    // the window asked the agent to click to hear a caller who had gone.
    const api = new CallsApi();
    const ports = new FakeMediaPorts();
    let chosen: () => void = () => undefined;
    const create = ports.createAudio;
    ports.createAudio = () => {
      const audio = create();
      audio.setSinkId = () => new Promise<void>((resolve) => (chosen = resolve));
      return audio;
    };
    const playback = vi.fn();
    const media = new CallMedia({
      ports,
      api,
      devices: () => ({ microphone: 'default', speaker: 'out-headset' }),
      events: { microphone() {}, fallback() {}, connection() {}, playback },
    });
    await media.handle(offer());
    media.closeAll();
    chosen();
    await settle();
    expect(ports.audios[0]!.play).not.toHaveBeenCalled();
    expect(playback).not.toHaveBeenCalled();
  });

  it('close tears everything down and acknowledges', async () => {
    const { api, ports } = await answering();
    api.pushMedia(offer());
    await settle();
    const peer = ports.peers[0]!;
    const mic = ports.microphones[0]!;
    api.pushMedia({ requestId: 'r2', callId: 'c1', kind: 'close' });
    await settle();
    expect(peer.closed).toBe(true);
    expect(mic.tracks.every((t) => t.readyState === 'ended')).toBe(true);
    expect(ports.audios[0]!.srcObject).toBeNull();
    expect(api.callsOf('replyMedia').at(-1)).toEqual([{ requestId: 'r2' }]);
    expect(await window.agentDesktopDebug!.mediaStats()).toBeNull();
  });

  it('a close that races the microphone releases it and fails the offer', async () => {
    const ports = new FakeMediaPorts();
    let open: (stream: FakeStream) => void = () => undefined;
    ports.openMicrophone = () => new Promise((resolve) => (open = resolve));
    const { api } = await answering(ports);
    api.pushMedia(offer());
    await settle();
    api.pushMedia({ requestId: 'r2', callId: 'c1', kind: 'close' });
    await settle();
    const late = new FakeStream([new FakeTrack('late')]);
    open(late);
    await settle();
    expect(late.tracks[0]!.readyState).toBe('ended');
    expect(ports.peers).toEqual([]);
    const replies = api.callsOf('replyMedia').map(([r]) => r);
    expect(replies).toContainEqual({ requestId: 'r2' });
    expect(replies).toContainEqual({ requestId: 'r1', error: expect.stringContaining('ended') });
  });

  it('media goes when the call leaves the snapshot, even without a close', async () => {
    const { api, ports } = await answering();
    api.pushMedia(offer());
    await settle();
    api.push(signedInSnapshot());
    await settle();
    expect(ports.peers[0]!.closed).toBe(true);
    expect(ports.microphones[0]!.tracks[0]!.readyState).toBe('ended');
  });

  it('mute disables the microphone track at once and follows main', async () => {
    const api = new CallsApi();
    api.snapshot = talkingSnapshot();
    api.handlers.setMuted = (id, muted) => {
      api.push(talkingSnapshot({ id, muted }));
      return Promise.resolve({ ok: true, value: api.snapshot });
    };
    const { ports } = await mountCalls(api);
    api.pushMedia(offer());
    await settle();
    const track = ports.microphones[0]!.tracks[0]!;
    expect(track.enabled).toBe(true);
    await click(getByRole('button', { name: '静音' }));
    expect(track.enabled).toBe(false);
    // Main says unmuted (e.g. from the tray): the track follows.
    api.push(talkingSnapshot({ muted: false }));
    await settle();
    expect(track.enabled).toBe(true);
  });

  it('an unplugged microphone is replaced by the default on the same sender', async () => {
    const { api, ports } = await answering();
    api.pushMedia(offer());
    await settle();
    const first = ports.microphones[0]!.tracks[0]!;
    first.unplug();
    await settle();
    const sender = ports.peers[0]!.senders[0]!;
    expect(sender.track).not.toBe(first);
    expect(sender.track).toBe(ports.microphones[1]!.tracks[0]);
  });

  it('a microphone chosen during the call is used at once, on the same sender', async () => {
    const { api, ports } = await answering();
    api.pushMedia(offer());
    await settle();
    const first = ports.microphones[0]!.tracks[0]!;
    api.pushSettings({
      ...api.settings,
      settings: { ...api.settings.settings, microphoneDeviceId: 'mic-headset' },
    });
    await settle();
    expect(ports.constraints.at(-1)).toMatchObject({
      audio: { deviceId: { exact: 'mic-headset' } },
    });
    expect(ports.peers[0]!.senders[0]!.track).toBe(ports.microphones[1]!.tracks[0]);
    expect(first.readyState).toBe('ended');
  });

  it('unplugging the chosen headset mid-call: the default stands in, then the headset returns', async () => {
    const api = new CallsApi();
    api.snapshot = ringingSnapshot({ phase: 'answering' });
    api.settings.settings = { ...api.settings.settings, microphoneDeviceId: 'mic-headset' };
    const { ports } = await mountCalls(api);
    api.pushMedia(offer());
    await settle();
    const sender = ports.peers[0]!.senders[0]!;
    // The OS ends the track and reports the new list at about the same time.
    ports.microphones[0]!.tracks[0]!.unplug();
    ports.changeDevices(DEVICES.filter((d) => d.deviceId !== 'mic-headset'));
    await settle();
    expect(sender.track?.readyState).toBe('live');
    expect(ports.constraints.at(-1)).toMatchObject({ audio: { echoCancellation: true } });
    expect(ports.constraints.at(-1)).not.toMatchObject({ audio: { deviceId: {} } });
    expect(textIn()).toContain('所选麦克风「USB Headset Mic」已断开');
    // Every track any microphone stream ever held (a swapped-in track joins the call's stream).
    const live = () =>
      [...new Set(ports.microphones.flatMap((m) => m.tracks))].filter(
        (t) => t.readyState === 'live',
      );
    expect(live()).toEqual([sender.track]);
    ports.changeDevices(DEVICES);
    await settle();
    expect(ports.constraints.at(-1)).toMatchObject({
      audio: { deviceId: { exact: 'mic-headset' } },
    });
    expect(live()).toEqual([sender.track]);
    expect(textIn()).not.toContain('已断开');
  });

  it('says when the audio connection fails', async () => {
    const { api, ports } = await answering();
    api.pushMedia(offer());
    await settle();
    api.push(talkingSnapshot());
    await settle();
    (ports.peers[0] as FakePeer).connect('failed');
    await settle();
    expect(textIn()).toContain('通话音频无法连通');
    (ports.peers[0] as FakePeer).connect('connected');
    await settle();
    expect(textIn()).not.toContain('通话音频无法连通');
  });

  it('exposes read-only RTP counters for tests and support', async () => {
    const { api } = await answering();
    api.pushMedia(offer());
    await settle();
    expect(await window.agentDesktopDebug!.mediaStats()).toMatchObject({
      callId: 'c1',
      packetsReceived: 120,
      packetsSent: 118,
      codec: 'audio/PCMU',
    });
  });
});

describe('ringtone', () => {
  async function ring(
    configure: (ports: FakeMediaPorts) => void = () => undefined,
    ringer = 'default',
  ) {
    const ports = new FakeMediaPorts();
    configure(ports);
    const api = new CallsApi();
    api.snapshot = signedInSnapshot();
    api.settings.settings = { ...api.settings.settings, ringerDeviceId: ringer };
    await mountCalls(api, { ports });
    api.push(ringingSnapshot());
    await settle();
    return { api, ports, context: ports.contexts[0]! };
  }
  /** Contexts made by the ringtone refuse what `change` sets up. */
  const contexts = (change: (context: FakeAudioContext) => void) => (ports: FakeMediaPorts) => {
    const create = ports.createAudioContext;
    ports.createAudioContext = () => {
      const context = create();
      change(context as unknown as FakeAudioContext);
      return context;
    };
  };

  it('starts when ringing, on the chosen ringer, and stops on Answer', async () => {
    const { ports, context } = await ring(undefined, 'out-headset');
    expect(context.sounding).toBe(1);
    expect(context.audible).toBe(true);
    expect(context.sinkIds).toEqual(['out-headset']);
    // Straight from the context to the device: no <audio> and no second output stream.
    expect(ports.audios).toHaveLength(0);
    expect(window.agentDesktopDebug!.ringtone()).toEqual({
      playing: true,
      deviceId: 'out-headset',
      blocked: false,
      clock: 0,
    });
    await click(getByRole('button', { name: '接听' }));
    expect(context.sounding).toBe(0);
    expect(context.state).toBe('suspended');
    expect(ports.contexts).toHaveLength(1);
  });

  it('rings the cadence: two tones 0.4 s on, 0.2 s off, 0.4 s on, then 2 s quiet, looped', async () => {
    const { context } = await ring();
    const source = context.sources[0]!;
    expect(source.loop).toBe(true);
    const { samples, duration } = source.buffer!;
    expect(duration).toBe(3);
    const rate = samples.length / duration;
    /** Loudest sample between two times (s). */
    const peak = (from: number, to: number) =>
      Math.max(...samples.subarray(Math.round(from * rate), Math.round(to * rate)).map(Math.abs));
    expect(peak(0.03, 0.37)).toBeGreaterThan(0.3);
    expect(peak(0.41, 0.59)).toBe(0);
    expect(peak(0.63, 0.97)).toBeGreaterThan(0.3);
    expect(peak(1.01, 3)).toBe(0);
    // No click at the edges: it fades in and out.
    expect(peak(0, 0.002)).toBeLessThan(0.05);
    expect(peak(0.398, 0.4)).toBeLessThan(0.05);
  });

  it('blinks the icon twice a second while ringing, and stops lit', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const { api } = await ring();
      const dimmed = () => document.documentElement.hasAttribute('data-ring-blink');
      expect(dimmed()).toBe(false);
      vi.advanceTimersByTime(500);
      expect(dimmed()).toBe(true);
      vi.advanceTimersByTime(500);
      expect(dimmed()).toBe(false);
      vi.advanceTimersByTime(500);
      api.push(signedInSnapshot());
      await settle();
      expect(dimmed()).toBe(false);
      vi.advanceTimersByTime(2000);
      expect(dimmed()).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('starts while the window is hidden (no animation frames there)', async () => {
    const hidden = vi.spyOn(document, 'hidden', 'get').mockReturnValue(true);
    const frame = vi.spyOn(window, 'requestAnimationFrame');
    try {
      const { context } = await ring();
      expect(context.audible).toBe(true);
      expect(frame).not.toHaveBeenCalled();
    } finally {
      hidden.mockRestore();
      frame.mockRestore();
    }
  });

  it('stops when the caller gives up, and the next call reuses the same context', async () => {
    const { api, ports, context } = await ring();
    api.push(signedInSnapshot());
    await settle();
    expect(context.sounding).toBe(0);
    expect(context.state).toBe('suspended');
    api.push(ringingSnapshot({ id: 'c2' }));
    await settle();
    expect(ports.contexts).toHaveLength(1);
    expect(context.audible).toBe(true);
    expect(context.starts).toBe(1);
  });

  it('falls back to the default device when the ringer fails, and says so', async () => {
    const { context } = await ring(
      contexts((c) => c.refuseSinks.add('out-headset')),
      'out-headset',
    );
    expect(context.sinkIds).toEqual(['']);
    expect(context.audible).toBe(true);
    expect(textIn()).toContain('所选振铃设备「USB Headset」无法使用，已改用系统默认设备。');
  });

  it('offers a click to enable sound when autoplay refuses it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'], shouldAdvanceTime: true });
    try {
      const ports = new FakeMediaPorts();
      contexts((c) => {
        c.state = 'suspended';
        c.refuseResume = true;
      })(ports);
      const api = new CallsApi();
      api.snapshot = signedInSnapshot();
      await mountCalls(api, { ports });
      api.push(ringingSnapshot());
      await settle();
      await vi.advanceTimersByTimeAsync(1000);
      await settle();
      const context = ports.contexts[0]!;
      const enable = getByRole('button', { name: '点击启用声音' });
      expect(getByRole('alert').textContent).toContain('系统阻止了自动播放声音');
      context.refuseResume = false;
      await click(enable);
      expect(context.audible).toBe(true);
      expect(queryByRole('button', { name: '点击启用声音' })).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('many calls in a day', () => {
  afterEach(() => vi.restoreAllMocks());

  it('leaves no microphone, peer, interval or track listener behind after 30 calls', async () => {
    const intervals = new Set<unknown>();
    const realSet = globalThis.setInterval;
    const realClear = globalThis.clearInterval;
    vi.spyOn(globalThis, 'setInterval').mockImplementation(((fn: () => void, ms?: number) => {
      const h = realSet(fn, ms);
      intervals.add(h);
      return h;
    }) as typeof setInterval);
    vi.spyOn(globalThis, 'clearInterval').mockImplementation(((h: unknown) => {
      intervals.delete(h);
      realClear(h as ReturnType<typeof setInterval>);
    }) as typeof clearInterval);

    let listeners = 0;
    const ports = new FakeMediaPorts();
    ports.openMicrophone = async () => {
      const track = new FakeTrack(`mic-${ports.microphones.length + 1}`);
      const add = track.addEventListener.bind(track);
      const remove = track.removeEventListener.bind(track);
      track.addEventListener = (...args: Parameters<typeof add>) => {
        listeners++;
        add(...args);
      };
      track.removeEventListener = (...args: Parameters<typeof remove>) => {
        listeners--;
        remove(...args);
      };
      return new FakeStream([track]);
    };
    const api = new CallsApi();
    api.snapshot = signedInSnapshot();
    await mountCalls(api, { ports });
    const baseline = intervals.size;
    for (let i = 1; i <= 30; i++) {
      const id = `c${i}`;
      api.push(ringingSnapshot({ id }));
      await settle();
      api.push(ringingSnapshot({ id, phase: 'answering' }));
      api.pushMedia(offer(`a${i}`, id));
      await settle();
      api.push(talkingSnapshot({ id }));
      (ports.peers.at(-1) as FakePeer).connect('connected');
      await settle();
      // The microphone glitches once mid-call (USB), and the call is held and resumed.
      ports.microphones.at(-1)!.tracks[0]!.unplug();
      await settle();
      api.pushMedia({ requestId: `h${i}`, callId: id, kind: 'make-offer', hold: true });
      await settle();
      api.pushMedia({ requestId: `r${i}`, callId: id, kind: 'make-offer', hold: false });
      await settle();
      api.pushMedia({ requestId: `x${i}`, callId: id, kind: 'close' });
      api.push(signedInSnapshot());
      await settle();
    }
    const tracks = [...new Set(ports.microphones.flatMap((m) => m.tracks))];
    expect(tracks.filter((t) => t.readyState === 'live')).toEqual([]);
    expect(ports.peers.filter((p) => !p.closed)).toEqual([]);
    expect(listeners).toBe(0);
    expect(ports.audios.length).toBe(1);
    expect(ports.contexts.length).toBe(1); // the ringtone's, kept by design
    expect(intervals.size - baseline).toBe(0);
  });
});
