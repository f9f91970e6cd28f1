/**
 * The customer's audio as the platform's media server makes it (docs/platform-api/agent-api.md §7): plain RTP/AVP
 * on one UDP port, PCMU plus RFC 4733 telephone-events, no ICE, no DTLS. It offers, plays a
 * 440 Hz tone in 20 ms packets to where the answer points, counts what comes back and decodes
 * the telephone-events into digits. A new offer mid-call (hold: sendonly; resume: sendrecv) is
 * answered with the mirrored direction, and the tone stops while the agent holds the call.
 */
import { createSocket, type Socket } from 'node:dgram';
import { mulawToLinear, PCMU_RATE, SAMPLES_PER_PACKET, ToneGenerator } from '../calls/g711';
import type { MediaSession, MediaStats } from '../calls/media-endpoint';
import { TelephoneEventDecoder } from '../calls/telephone-events';

const PACKET_MS = (SAMPLES_PER_PACKET * 1000) / PCMU_RATE;
const DEFAULT_EVENT_PT = 101;

type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** What one SDP says about its audio stream. */
export interface AudioDescription {
  address: string;
  port: number;
  proto: string;
  payloadTypes: number[];
  eventPayloadType: number | null;
  direction: Direction;
}

/** Reads the first audio m-line of `sdp` (connection from media or session level). */
export function describeAudio(sdp: string): AudioDescription {
  const lines = sdp.split(/\r?\n/);
  let session = '';
  let inAudio = false;
  let seenMedia = false;
  const audio: AudioDescription = {
    address: '',
    port: 0,
    proto: '',
    payloadTypes: [],
    eventPayloadType: null,
    direction: 'sendrecv',
  };
  for (const line of lines) {
    if (line.startsWith('m=')) {
      if (inAudio) break;
      seenMedia = true;
      const [kind, port, proto, ...formats] = line.slice(2).trim().split(/\s+/);
      inAudio = kind === 'audio' && audio.port === 0;
      if (inAudio) {
        Object.assign(audio, { port: Number(port), proto, payloadTypes: formats.map(Number) });
      }
    } else if (line.startsWith('c=')) {
      const address = line.trim().split(/\s+/)[2] ?? '';
      if (!seenMedia) session = address;
      else if (inAudio) audio.address = address;
    } else if (inAudio && line.startsWith('a=rtpmap:')) {
      const match = /^a=rtpmap:(\d+)\s+telephone-event\/8000/i.exec(line);
      if (match) audio.eventPayloadType = Number(match[1]);
    } else if (inAudio && /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/.test(line)) {
      audio.direction = line.slice(2).trim() as Direction;
    }
  }
  audio.address ||= session;
  if (!audio.port && audio.payloadTypes.length === 0)
    throw new Error('the SDP has no audio stream');
  return audio;
}

const MIRROR: Record<Direction, Direction> = {
  sendrecv: 'sendrecv',
  sendonly: 'recvonly',
  recvonly: 'sendonly',
  inactive: 'inactive',
};

export interface RtpEndpointOptions {
  toneHz?: number;
  log?: (msg: string) => void;
}

/** A plain RTP/AVP PCMU endpoint on 127.0.0.1. */
export class RtpEndpoint implements MediaSession {
  private socket: Socket | null = null;
  private readonly tone: ToneGenerator;
  private remote: { address: string; port: number } | null = null;
  private sending = false;
  private eventPt = DEFAULT_EVENT_PT;
  private timer: NodeJS.Timeout | null = null;
  private version = 1;
  private readonly sessionId = Math.floor(Math.random() * 1e9);
  private closed = false;
  /** When the first RTP packet arrived (`performance.timeOrigin + performance.now()`), or null. */
  firstPacketAt: number | null = null;
  private sumOfSquares = 0;
  private samplesReceived = 0;
  private readonly events = new TelephoneEventDecoder();
  private readonly counts = { packetsSent: 0, bytesSent: 0, packetsReceived: 0, bytesReceived: 0 };
  private seq = Math.floor(Math.random() * 0xffff);
  private timestamp = Math.floor(Math.random() * 0xffffffff);
  private readonly ssrc = Math.floor(Math.random() * 0xffffffff);

  constructor(private readonly options: RtpEndpointOptions = {}) {
    this.tone = new ToneGenerator(options.toneHz ?? 440);
  }

  async createOffer(): Promise<string> {
    const port = await this.open();
    return this.describe(port, 'sendrecv');
  }

  async applyAnswer(sdp: string): Promise<void> {
    if (this.closed || !this.socket) throw new Error('rtp endpoint: no offer to answer');
    const audio = describeAudio(sdp);
    if (!audio.payloadTypes.includes(0)) throw new Error('rtp endpoint: the answer has no PCMU');
    this.use(audio, audio.direction === 'sendrecv' || audio.direction === 'recvonly');
  }

  async answerOffer(sdp: string): Promise<string> {
    if (this.closed || !this.socket) throw new Error('rtp endpoint: closed');
    const audio = describeAudio(sdp);
    if (!audio.payloadTypes.includes(0)) throw new Error('rtp endpoint: the offer has no PCMU');
    const direction = MIRROR[audio.direction];
    this.use(audio, direction === 'sendrecv' || direction === 'sendonly');
    this.version++;
    return this.describe(this.socket.address().port, direction);
  }

  stats(): MediaStats {
    const rms =
      this.samplesReceived === 0 ? 0 : Math.sqrt(this.sumOfSquares / this.samplesReceived);
    return { ...this.counts, receivedLevel: rms / 32768, digits: this.events.digits };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopTone();
    const socket = this.socket;
    this.socket = null;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  private async open(): Promise<number> {
    if (this.socket) throw new Error('rtp endpoint: already offered');
    const socket = createSocket('udp4');
    socket.on('message', (data) => this.received(data));
    socket.on('error', (error) => this.options.log?.(`rtp: ${error.message}`));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    this.socket = socket;
    return socket.address().port;
  }

  private describe(port: number, direction: Direction): string {
    const pt = this.eventPt;
    return [
      'v=0',
      `o=- ${this.sessionId} ${this.version} IN IP4 127.0.0.1`,
      's=oneyun',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      `m=audio ${port} RTP/AVP 0 ${pt}`,
      'a=rtpmap:0 PCMU/8000',
      `a=rtpmap:${pt} telephone-event/8000`,
      `a=fmtp:${pt} 0-16`,
      'a=ptime:20',
      `a=${direction}`,
      '',
    ].join('\r\n');
  }

  private use(audio: AudioDescription, send: boolean): void {
    if (audio.eventPayloadType !== null) this.eventPt = audio.eventPayloadType;
    this.remote =
      audio.port > 0 ? { address: audio.address || '127.0.0.1', port: audio.port } : null;
    this.sending = send && this.remote !== null;
    if (this.sending) this.startTone();
    else this.stopTone();
  }

  private startTone(): void {
    if (this.timer || this.closed) return;
    const started = performance.now();
    let sent = 0;
    const tick = () => {
      const due = Math.floor((performance.now() - started) / PACKET_MS) + 1;
      if (due - sent > 5) sent = due - 5;
      for (; sent < due; sent++) this.sendPacket(sent === 0);
    };
    tick();
    this.timer = setInterval(tick, PACKET_MS / 2);
    this.timer.unref();
  }

  private stopTone(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private sendPacket(marker: boolean): void {
    const socket = this.socket;
    const remote = this.remote;
    if (!socket || !remote || !this.sending) return;
    const payload = this.tone.next();
    const header = Buffer.alloc(12);
    header[0] = 0x80;
    header[1] = (marker ? 0x80 : 0) | 0;
    header.writeUInt16BE(this.seq, 2);
    header.writeUInt32BE(this.timestamp >>> 0, 4);
    header.writeUInt32BE(this.ssrc >>> 0, 8);
    this.seq = (this.seq + 1) & 0xffff;
    this.timestamp = (this.timestamp + SAMPLES_PER_PACKET) >>> 0;
    this.counts.packetsSent++;
    this.counts.bytesSent += payload.length;
    socket.send(Buffer.concat([header, payload]), remote.port, remote.address);
  }

  private received(data: Buffer): void {
    if (data.length < 12 || data[0]! >> 6 !== 2) return;
    const pt = data[1]! & 0x7f;
    this.firstPacketAt ??= performance.timeOrigin + performance.now();
    // RTCP (rtcp-mux-demux sends it to port + 1, but be safe): payload types 64–95 are not media.
    if (pt >= 64 && pt <= 95) return;
    const payload = rtpPayload(data);
    if (!payload) return;
    this.counts.packetsReceived++;
    this.counts.bytesReceived += payload.length;
    if (pt === this.eventPt) {
      this.events.push(payload, data.readUInt32BE(4), data.readUInt32BE(8));
      return;
    }
    if (pt !== 0) return;
    for (const byte of payload) {
      const sample = mulawToLinear(byte);
      this.sumOfSquares += sample * sample;
      this.samplesReceived++;
    }
  }
}

/**
 * The payload of an RTP packet of at least 12 bytes (after CSRCs, header extension, padding),
 * or null when those lengths point past its end: a bad datagram is dropped, never thrown on.
 */
function rtpPayload(data: Buffer): Buffer | null {
  let offset = 12 + 4 * (data[0]! & 0x0f);
  if (data[0]! & 0x10) {
    if (data.length < offset + 4) return null;
    offset += 4 + 4 * data.readUInt16BE(offset + 2);
  }
  const padding = data[0]! & 0x20 ? data[data.length - 1]! : 0;
  const end = data.length - padding;
  return end < offset ? null : data.subarray(offset, end);
}
