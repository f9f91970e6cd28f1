/**
 * Doubles for the calls tests: a FakeApi that can push media requests, and MediaPorts doubles
 * (peer connection, microphone, <audio>, AudioContext, device list) — happy-dom has no WebRTC
 * or WebAudio, so the media code is driven through its port as the real browser would drive it.
 */
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { vi } from 'vitest';
import App from '../../src/renderer/src/App.vue';
import { createAppI18n } from '../../src/renderer/src/i18n';
import en from '../../src/renderer/src/i18n/en';
import { useCallStore } from '../../src/renderer/src/media/store';
import { FakeApi, signedInSnapshot } from './fake-api';
import { installApi } from './setup';
import type { AudioOut, MediaPorts, PeerConnection } from '../../src/renderer/src/media/ports';
import type { DesktopApi } from '../../src/shared/ipc/api';
import type { MediaRequest } from '../../src/shared/ipc/contract';
import type { Language } from '../../src/shared/domain/errors';
import type { CallInfo, SessionSnapshot } from '../../src/shared/snapshot';

/** A FakeApi whose onMediaRequest works: tests push requests as main would. */
export class CallsApi extends FakeApi {
  private mediaListeners = new Set<(request: MediaRequest) => void>();

  constructor() {
    super();
    const subscribe: DesktopApi['onMediaRequest'] = (listener) => {
      this.calls.push({ method: 'onMediaRequest', args: [] });
      this.mediaListeners.add(listener);
      return () => void this.mediaListeners.delete(listener);
    };
    Object.assign(this, { onMediaRequest: subscribe });
  }

  pushMedia(request: MediaRequest): void {
    for (const listener of this.mediaListeners) listener(request);
  }

  get mediaSubscribers(): number {
    return this.mediaListeners.size;
  }
}

export function callInfo(patch: Partial<CallInfo> = {}): CallInfo {
  return {
    id: 'c1',
    caller: '13800000000',
    phase: 'ringing',
    ringingSince: Date.now() - 3_000,
    talkingSince: null,
    muted: false,
    ...patch,
  };
}

export function ringingSnapshot(
  call: Partial<CallInfo> = {},
  patch: Partial<SessionSnapshot> = {},
): SessionSnapshot {
  return signedInSnapshot({
    state: 'fetching',
    stateSince: Date.now(),
    call: callInfo(call),
    ...patch,
  });
}

export function talkingSnapshot(
  call: Partial<CallInfo> = {},
  patch: Partial<SessionSnapshot> = {},
): SessionSnapshot {
  return signedInSnapshot({
    state: 'talking',
    stateSince: Date.now(),
    call: callInfo({ phase: 'talking', talkingSince: Date.now() - 65_000, ...call }),
    ...patch,
  });
}

// --- Media doubles ----------------------------------------------------------------------------

export class FakeTrack extends EventTarget {
  readonly kind = 'audio';
  enabled = true;
  readyState: 'live' | 'ended' = 'live';
  constructor(readonly id: string) {
    super();
  }
  stop(): void {
    this.readyState = 'ended';
  }
  /** The device went away (unplug): the engine ends the track. */
  unplug(): void {
    this.readyState = 'ended';
    this.dispatchEvent(new Event('ended'));
  }
}

export class FakeStream {
  constructor(readonly tracks: FakeTrack[]) {}
  getTracks(): FakeTrack[] {
    return [...this.tracks];
  }
  getAudioTracks(): FakeTrack[] {
    return [...this.tracks];
  }
  addTrack(track: FakeTrack): void {
    this.tracks.push(track);
  }
  removeTrack(track: FakeTrack): void {
    this.tracks.splice(this.tracks.indexOf(track), 1);
  }
}

export const OFFER = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n';
export const CANDIDATE = 'a=candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host\r\n';

interface FakeSender {
  track: FakeTrack | null;
  replaceTrack(track: FakeTrack | null): Promise<void>;
  /** RFC 4733 digits as RTCDTMFSender takes them (every inserted tone, in order). */
  dtmf: {
    canInsertDTMF: boolean;
    toneBuffer: string;
    inserted: string[];
    insertDTMF(tones: string): void;
  };
}

export class FakePeer extends EventTarget {
  iceGatheringState: RTCIceGatheringState = 'new';
  connectionState: RTCPeerConnectionState = 'new';
  localDescription: { type: string; sdp: string } | null = null;
  signalingState: RTCSignalingState = 'stable';
  /** Offers taken back (setLocalDescription rollback). */
  rollbacks = 0;
  remoteDescription: RTCSessionDescriptionInit | null = null;
  readonly senders: FakeSender[] = [];
  closed = false;
  /** Complete ICE gathering by itself after setLocalDescription (false: never completes). */
  gathers = true;
  /** The caller's audio, delivered as a track event during setRemoteDescription. */
  readonly remote = new FakeStream([new FakeTrack('remote')]);

  constructor(readonly config: RTCConfiguration) {
    super();
  }

  async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    this.remoteDescription = description;
    this.signalingState = description.type === 'offer' ? 'have-remote-offer' : 'stable';
    const event = Object.assign(new Event('track'), {
      track: this.remote.tracks[0],
      streams: [this.remote],
    });
    this.dispatchEvent(event);
  }
  addTrack(track: FakeTrack): FakeSender {
    const sender: FakeSender = {
      track,
      replaceTrack: async (next) => {
        sender.track = next;
      },
      dtmf: {
        canInsertDTMF: true,
        toneBuffer: '',
        inserted: [],
        insertDTMF(tones) {
          this.inserted.push(tones);
        },
      },
    };
    this.senders.push(sender);
    return sender;
  }
  getSenders(): FakeSender[] {
    return this.senders;
  }
  /** The audio transceiver (direction set by hold/resume). */
  readonly transceiver = { direction: 'sendrecv' as RTCRtpTransceiverDirection };
  getTransceivers() {
    const sender = this.senders[0];
    if (!sender) return [];
    return [
      Object.assign(this.transceiver, { receiver: { track: this.remote.tracks[0] }, sender }),
    ];
  }
  async createOffer(): Promise<RTCSessionDescriptionInit> {
    return {
      type: 'offer',
      sdp: `v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0 126\r\na=${this.transceiver.direction}\r\n`,
    };
  }
  async createAnswer(): Promise<RTCSessionDescriptionInit> {
    return { type: 'answer', sdp: 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n' };
  }
  async setLocalDescription(description: RTCSessionDescriptionInit): Promise<void> {
    if (description.type === 'rollback') {
      if (this.signalingState !== 'have-local-offer') throw new Error('InvalidStateError');
      this.signalingState = 'stable';
      this.rollbacks++;
      return;
    }
    this.signalingState = description.type === 'offer' ? 'have-local-offer' : 'stable';
    this.localDescription = { type: 'answer', sdp: description.sdp ?? '' };
    this.iceGatheringState = 'gathering';
    if (this.gathers) {
      setTimeout(() => {
        this.localDescription!.sdp += CANDIDATE;
        this.iceGatheringState = 'complete';
        this.dispatchEvent(new Event('icegatheringstatechange'));
      });
    }
  }
  connect(state: RTCPeerConnectionState): void {
    this.connectionState = state;
    this.dispatchEvent(new Event('connectionstatechange'));
  }
  async getStats(): Promise<Map<string, Record<string, unknown>>> {
    return new Map<string, Record<string, unknown>>([
      [
        'in',
        {
          type: 'inbound-rtp',
          kind: 'audio',
          packetsReceived: 120,
          bytesReceived: 19200,
          codecId: 'co',
        },
      ],
      ['out', { type: 'outbound-rtp', kind: 'audio', packetsSent: 118 }],
      ['co', { type: 'codec', mimeType: 'audio/PCMU' }],
    ]);
  }
  close(): void {
    this.closed = true;
    this.connectionState = 'closed';
  }
}

export class FakeAudio implements AudioOut {
  srcObject: MediaProvider | null = null;
  paused = true;
  sinkIds: string[] = [];
  /** Makes play() refuse like the autoplay rules do. */
  refusePlay = false;
  /** Sink ids setSinkId refuses (an unplugged or forbidden device). */
  refuseSinks = new Set<string>();
  play = vi.fn(async () => {
    if (this.refusePlay) throw new DOMException('autoplay refused', 'NotAllowedError');
    this.paused = false;
  });
  pause(): void {
    this.paused = true;
  }
  async setSinkId(id: string): Promise<void> {
    if (this.refuseSinks.has(id)) throw new DOMException('no such device', 'NotFoundError');
    this.sinkIds.push(id);
  }
}

class FakeParam {
  value = 0;
  events = 0;
  setValueAtTime(): this {
    this.events++;
    return this;
  }
  linearRampToValueAtTime(): this {
    this.events++;
    return this;
  }
}
class FakeNode {
  readonly targets: unknown[] = [];
  get connected(): number {
    return this.targets.length;
  }
  connect<T>(node: T): T {
    this.targets.push(node);
    return node;
  }
  disconnect(): void {
    this.targets.length = 0;
  }
  /** True when this node's output reaches `node` through connected nodes. */
  reaches(node: FakeNode): boolean {
    return this.targets.some((t) => t === node || (t instanceof FakeNode && t.reaches(node)));
  }
}
/** A node that plays once started (an oscillator, a buffer source). */
class FakeSourceNode extends FakeNode {
  started = false;
  stopped = false;
  start(): void {
    this.started = true;
  }
  stop(): void {
    this.stopped = true;
  }
}
export class FakeOscillator extends FakeSourceNode {
  frequency = new FakeParam();
}
export class FakeBufferSource extends FakeSourceNode {
  buffer: { duration: number; samples: Float32Array } | null = null;
  loop = false;
}
export class FakeAudioContext {
  /** A new context runs at once where no click is needed (Electron's autoplay policy). */
  state: 'suspended' | 'running' = 'running';
  currentTime = 0;
  readonly oscillators: FakeOscillator[] = [];
  readonly sources: FakeBufferSource[] = [];
  readonly buffers: { duration: number; samples: Float32Array }[] = [];
  readonly destination = new FakeNode();
  /** Sink ids set, in order ('' = system default). */
  sinkIds: string[] = [];
  /** Sink ids setSinkId refuses (an unplugged or forbidden device). */
  refuseSinks = new Set<string>();
  /** resume() stays pending, as with the autoplay rules before a click. */
  refuseResume = false;
  /** Times the output device was started (resumed from suspended). */
  starts = 0;
  async setSinkId(id: string): Promise<void> {
    if (this.refuseSinks.has(id)) throw new DOMException('no such device', 'NotFoundError');
    this.sinkIds.push(id);
  }
  createGain() {
    return Object.assign(new FakeNode(), { gain: new FakeParam() });
  }
  createOscillator(): FakeOscillator {
    const osc = new FakeOscillator();
    this.oscillators.push(osc);
    return osc;
  }
  createBuffer(channels: number, length: number, sampleRate: number) {
    const samples = new Float32Array(length);
    const buffer = { duration: length / sampleRate, samples, getChannelData: () => samples };
    this.buffers.push(buffer);
    return buffer;
  }
  createBufferSource(): FakeBufferSource {
    const source = new FakeBufferSource();
    this.sources.push(source);
    return source;
  }
  createMediaStreamDestination() {
    return Object.assign(new FakeNode(), { stream: new FakeStream([]) });
  }
  resume(): Promise<void> {
    if (this.refuseResume) return new Promise(() => undefined);
    if (this.state === 'suspended') this.starts++;
    this.state = 'running';
    return Promise.resolve();
  }
  async suspend(): Promise<void> {
    this.state = 'suspended';
  }
  /** Sources (tones, rings) started and not stopped, wired to the output with sound to play. */
  get sounding(): number {
    return [...this.oscillators, ...this.sources].filter(
      (node) =>
        node.started &&
        !node.stopped &&
        node.reaches(this.destination) &&
        (!(node instanceof FakeBufferSource) || (node.loop && hasSound(node.buffer))),
    ).length;
  }
  /** Audible: tones sounding and the context running. */
  get audible(): boolean {
    return this.state === 'running' && this.sounding > 0;
  }
}

/** A buffer with audible samples in it (not silence). */
function hasSound(buffer: { samples: Float32Array } | null): boolean {
  return !!buffer && buffer.samples.some((v) => Math.abs(v) > 0.05);
}

export function device(kind: MediaDeviceKind, deviceId: string, label: string): MediaDeviceInfo {
  return { kind, deviceId, label, groupId: '', toJSON: () => ({}) } as MediaDeviceInfo;
}

export const DEVICES: MediaDeviceInfo[] = [
  device('audioinput', 'default', 'Default - Built-in Mic'),
  device('audioinput', 'mic-builtin', 'Built-in Mic'),
  device('audioinput', 'mic-headset', 'USB Headset Mic'),
  device('audiooutput', 'default', 'Default - Speakers'),
  device('audiooutput', 'out-speakers', 'Speakers'),
  device('audiooutput', 'out-headset', 'USB Headset'),
];

export class FakeMediaPorts implements MediaPorts {
  devices: MediaDeviceInfo[] = [...DEVICES];
  readonly peers: FakePeer[] = [];
  readonly audios: FakeAudio[] = [];
  readonly contexts: FakeAudioContext[] = [];
  readonly microphones: FakeStream[] = [];
  private deviceListeners = new Set<() => void>();
  /** Replace to make the microphone fail. */
  openMicrophone: (constraints: MediaStreamConstraints) => Promise<FakeStream> = async () =>
    new FakeStream([new FakeTrack(`mic-${this.microphones.length + 1}`)]);
  /** Set up each new peer before it is used (e.g. gathers = false). */
  onPeer: (peer: FakePeer) => void = () => undefined;
  readonly constraints: MediaStreamConstraints[] = [];

  getUserMedia = async (constraints: MediaStreamConstraints): Promise<MediaStream> => {
    this.constraints.push(constraints);
    const stream = await this.openMicrophone(constraints);
    this.microphones.push(stream);
    return stream as unknown as MediaStream;
  };
  enumerateDevices = async (): Promise<MediaDeviceInfo[]> => [...this.devices];
  onDeviceChange = (listener: () => void): (() => void) => {
    this.deviceListeners.add(listener);
    return () => void this.deviceListeners.delete(listener);
  };
  /** The OS reports a new device list (plug or unplug). */
  changeDevices(devices: MediaDeviceInfo[]): void {
    this.devices = devices;
    for (const listener of this.deviceListeners) listener();
  }
  createPeerConnection = (config: RTCConfiguration): PeerConnection => {
    const peer = new FakePeer(config);
    this.onPeer(peer);
    this.peers.push(peer);
    return peer as unknown as PeerConnection;
  };
  createAudio = (): FakeAudio => {
    const audio = new FakeAudio();
    this.audios.push(audio);
    return audio;
  };
  createAudioContext = (): AudioContext => {
    const context = new FakeAudioContext();
    this.contexts.push(context);
    return context as unknown as AudioContext;
  };
}

/** Lets queued timers (ICE gathering, the deferred ringtone) and promises run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve));
    await flushPromises();
  }
}

/** Mounts the real App with the API and the media doubles. */
export async function mountCalls(
  api: CallsApi,
  options: { ports?: FakeMediaPorts; language?: Language } = {},
) {
  const language = options.language ?? 'zh-CN';
  const ports = options.ports ?? new FakeMediaPorts();
  api.settings = { ...api.settings, settings: { ...api.settings.settings, language } };
  installApi(api);
  const pinia = createPinia();
  setActivePinia(pinia);
  useCallStore().usePorts(ports);
  const host = document.createElement('div');
  document.body.appendChild(host);
  const wrapper = mount(App, {
    global: { plugins: [pinia, createAppI18n(language, { en })] },
    attachTo: host,
  });
  await settle();
  return { wrapper, api, ports, calls: useCallStore() };
}
