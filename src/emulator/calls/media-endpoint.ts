/**
 * The customer's end of a call's audio: a pure-TypeScript WebRTC peer (werift) that offers one
 * sendrecv PCMU audio stream with RFC 4733 telephone-events (as the platform does, agent-api §7),
 * plays a 440 Hz tone in 20 ms packets once DTLS-SRTP is up, and counts (and keeps the start of)
 * what the agent sends back, keypad digits decoded, so a test can tell that audio really flowed
 * both ways. ICE uses host candidates on 127.0.0.1 only: no STUN, no TURN, no other NIC.
 * Mid-call offers (the agent's hold and resume) are answered on the same connection, with the
 * direction mirrored as a phone does: a sendonly offer gets recvonly, and the tone stops.
 */
import {
  MediaStreamTrack,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtpHeader,
  RtpPacket,
  usePCMU,
  type RTCRtpTransceiver,
} from 'werift';
import { mulawToLinear, PCMU_RATE, SAMPLES_PER_PACKET, ToneGenerator } from './g711';
import { openStunDecliner } from './stun-decliner';
import { TelephoneEventDecoder } from './telephone-events';

/** Audio counters of one endpoint (bytes are RTP payload bytes). */
export interface MediaStats {
  packetsSent: number;
  bytesSent: number;
  packetsReceived: number;
  bytesReceived: number;
  /** RMS of every received sample, 0 (silence) … 1 (full scale). */
  receivedLevel: number;
  /** RFC 4733 telephone-event digits received, in order (absent where not decoded). */
  digits?: string;
}

/** What the call center needs of a call's media; `MediaEndpoint` is the real one. */
export interface MediaSession {
  /** The complete offer SDP, candidates included (SIP carries one SDP: no trickle). */
  createOffer(): Promise<string>;
  /** Applies the agent's answer; the tone starts once the connection is up. */
  applyAnswer(sdp: string): Promise<void>;
  /** Answers a new offer from the agent's side mid-call (hold, resume), where supported. */
  answerOffer?(sdp: string): Promise<string>;
  stats(): MediaStats;
  /** Stops the tone and closes the peer; safe to call twice. */
  close(): Promise<void>;
}

export interface MediaEndpointOptions {
  /** Tone frequency (default 440 Hz). */
  toneHz?: number;
  /** How much received audio to keep decoded, from the first packet (default 2000 ms). */
  keepReceivedMs?: number;
  /** Diagnostics (default: none). */
  log?: (msg: string) => void;
}

type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

const PACKET_MS = (SAMPLES_PER_PACKET * 1000) / PCMU_RATE;
/** After a stall (a busy event loop), send at most this many packets at once to catch up. */
const MAX_CATCH_UP = 5;
const TELEPHONE_EVENT = 'audio/telephone-event';

/** What the endpoint offers: PCMU, and keypad tones as events at PCMU's clock (events 0–16). */
function offeredCodecs(): RTCRtpCodecParameters[] {
  return [
    usePCMU(),
    new RTCRtpCodecParameters({
      mimeType: TELEPHONE_EVENT,
      clockRate: PCMU_RATE,
      payloadType: 101,
      parameters: '0-16',
    }),
  ];
}

/**
 * A werift peer that offers PCMU + telephone-event on loopback, plays a tone and measures what
 * it receives.
 */
export class MediaEndpoint implements MediaSession {
  private pc: RTCPeerConnection | null = null;
  private transceiver: RTCRtpTransceiver | null = null;
  private readonly tone: ToneGenerator;
  private readonly kept: Int16Array;
  private keptLength = 0;
  private sumOfSquares = 0;
  private samplesReceived = 0;
  private readonly events = new TelephoneEventDecoder();
  private timer: NodeJS.Timeout | null = null;
  /** The tone's RTP header, kept from one start to the next; when it last stopped. */
  private header: RtpHeader | null = null;
  private stoppedAt = 0;
  private closed = false;
  /** The direction of our last offer, until its answer came. */
  private offered: Direction | null = null;
  private readonly counts = { packetsSent: 0, bytesSent: 0, packetsReceived: 0, bytesReceived: 0 };

  constructor(private readonly options: MediaEndpointOptions = {}) {
    this.tone = new ToneGenerator(options.toneHz ?? 440);
    this.kept = new Int16Array(Math.round(((options.keepReceivedMs ?? 2000) * PCMU_RATE) / 1000));
  }

  async createOffer(): Promise<string> {
    return this.describe(async (pc) => {
      this.transceiver = pc.addTransceiver(new MediaStreamTrack({ kind: 'audio' }), {
        direction: 'sendrecv',
      });
      await pc.setLocalDescription(await pc.createOffer());
      this.offered = 'sendrecv';
    });
  }

  /** Answers another peer's offer instead (a phone double in tests): same audio, other role. */
  async answer(offerSdp: string): Promise<string> {
    return this.describe(async (pc) => {
      await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
      const transceiver = pc.getTransceivers()[0];
      if (!transceiver) throw new Error('media endpoint: the offer has no audio');
      transceiver.setDirection('sendrecv');
      this.transceiver = transceiver;
      await pc.setLocalDescription(await pc.createAnswer());
    });
  }

  /** Refuses an answer whose direction does not fit our offer, as browsers do. */
  async applyAnswer(sdp: string): Promise<void> {
    const offered = this.offered;
    if (!this.pc || this.closed || !offered) throw new Error('media endpoint: no offer to answer');
    const answered = directionOf(sdp);
    if ((sends(answered) && !receives(offered)) || (receives(answered) && !sends(offered))) {
      throw new Error(`media endpoint: a ${answered} answer does not fit a ${offered} offer`);
    }
    await this.pc.setRemoteDescription({ type: 'answer', sdp });
    this.offered = null;
    this.followDirection();
  }

  /** Answers a new offer on the established connection (the agent's hold or resume). */
  async answerOffer(sdp: string): Promise<string> {
    const pc = this.negotiated();
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    this.followDirection();
    return this.localSdp(pc);
  }

  /** A new offer on the established connection (a phone double's hold or resume). */
  async reoffer(direction: 'sendrecv' | 'sendonly'): Promise<string> {
    const pc = this.negotiated();
    this.transceiver?.setDirection(direction);
    await pc.setLocalDescription(await pc.createOffer());
    this.offered = direction;
    return this.localSdp(pc);
  }

  /** Takes our last offer back (the far end refused it): the direction last agreed again. */
  rollbackOffer(): void {
    if (!this.offered) return;
    this.offered = null;
    this.transceiver?.setDirection(this.direction);
  }

  /** Which way audio goes now, as the last exchange settled it. */
  get direction(): Direction {
    return (this.transceiver?.currentDirection as Direction | undefined) ?? 'sendrecv';
  }

  stats(): MediaStats {
    const rms =
      this.samplesReceived === 0 ? 0 : Math.sqrt(this.sumOfSquares / this.samplesReceived);
    return { ...this.counts, receivedLevel: rms / 32768, digits: this.events.digits };
  }

  /** The decoded start of what arrived (up to `keepReceivedMs`), 8 kHz 16-bit samples. */
  receivedSamples(): Int16Array {
    return this.kept.slice(0, this.keptLength);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopTone();
    await this.pc
      ?.close()
      .catch((error: unknown) => this.options.log?.(`media: close ${String(error)}`));
  }

  private negotiated(): RTCPeerConnection {
    if (!this.pc || !this.transceiver || this.closed) {
      throw new Error('media endpoint: no call to renegotiate');
    }
    return this.pc;
  }

  private localSdp(pc: RTCPeerConnection): string {
    const sdp = pc.localDescription?.sdp;
    if (!sdp) throw new Error('media endpoint produced no description');
    return sdp;
  }

  /** The tone plays only while this side sends (not while the agent holds the call). */
  private followDirection(): void {
    if (sends(this.direction)) {
      if (this.pc?.connectionState === 'connected') this.startTone();
    } else this.stopTone();
  }

  /** Builds the peer, runs `negotiate`, returns the complete local description. */
  private async describe(negotiate: (pc: RTCPeerConnection) => Promise<void>): Promise<string> {
    if (this.pc) throw new Error('media endpoint: already negotiated');
    // The peer is built here, not in the constructor: its STUN server must exist before it does.
    const decliner = await openStunDecliner();
    try {
      const pc = this.createPeer(decliner.url);
      // werift gathers every candidate inside setLocalDescription: the description is complete.
      await negotiate(pc);
      const sdp = pc.localDescription?.sdp;
      if (this.closed) throw new Error('media endpoint closed while negotiating');
      if (!sdp) throw new Error('media endpoint produced no description');
      return sdp;
    } finally {
      await decliner.close();
    }
  }

  private createPeer(stunUrl: string): RTCPeerConnection {
    const pc = new RTCPeerConnection({
      codecs: { audio: offeredCodecs() },
      iceServers: [{ urls: stunUrl }],
      // Interface addresses are skipped; loopback is added explicitly and the socket bound to it.
      iceUseIpv4: false,
      iceUseIpv6: false,
      iceAdditionalHostAddresses: ['127.0.0.1'],
      iceInterfaceAddresses: { udp4: '127.0.0.1' },
      bundlePolicy: 'max-bundle',
    });
    this.pc = pc;
    pc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp) => this.received(rtp));
    });
    pc.connectionStateChange.subscribe((state) => {
      this.options.log?.(`media: connection ${state}`);
      if (state === 'connected') this.followDirection();
      else if (state === 'failed' || state === 'closed' || state === 'disconnected') {
        this.stopTone();
      }
    });
    return pc;
  }

  private startTone(): void {
    if (this.timer || this.closed) return;
    const started = performance.now();
    // One stream for the call: after a pause (hold) its sequence numbers go on where they
    // stopped, or SRTP's replay check at the far end may drop every packet that follows.
    let header = this.header;
    if (header) {
      const paused = Math.round(((started - this.stoppedAt) * PCMU_RATE) / 1000);
      header.timestamp = (header.timestamp + paused) >>> 0;
    } else {
      header = new RtpHeader({
        payloadType: 0,
        sequenceNumber: randomUint(16),
        timestamp: randomUint(32),
      });
      this.header = header;
    }
    header.marker = true;
    let sent = 0;
    // Packets are paced by the clock, not by counting ticks: timers drift, audio must not.
    const tick = () => {
      const due = Math.floor((performance.now() - started) / PACKET_MS) + 1;
      if (due - sent > MAX_CATCH_UP) sent = due - MAX_CATCH_UP;
      for (; sent < due; sent++) this.sendPacket(header);
    };
    tick();
    this.timer = setInterval(tick, PACKET_MS / 2);
    this.timer.unref();
  }

  private sendPacket(header: RtpHeader): void {
    if (!this.pc || !this.transceiver || this.pc.connectionState !== 'connected') return;
    const payload = this.tone.next();
    const packet = new RtpPacket(new RtpHeader({ ...header }), payload);
    header.marker = false;
    header.sequenceNumber = (header.sequenceNumber + 1) & 0xffff;
    header.timestamp = (header.timestamp + SAMPLES_PER_PACKET) >>> 0;
    this.counts.packetsSent++;
    this.counts.bytesSent += payload.length;
    this.transceiver.sender
      .sendRtp(packet)
      .catch((error: unknown) => this.options.log?.(`media: send ${error}`));
  }

  private stopTone(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
    this.stoppedAt = performance.now();
  }

  private received(rtp: RtpPacket): void {
    this.counts.packetsReceived++;
    this.counts.bytesReceived += rtp.payload.length;
    const { payloadType, timestamp, ssrc } = rtp.header;
    if (this.isEvent(payloadType)) {
      this.events.push(rtp.payload, timestamp, ssrc);
      return;
    }
    if (payloadType !== 0) return;
    for (const byte of rtp.payload) {
      const sample = mulawToLinear(byte);
      this.sumOfSquares += sample * sample;
      this.samplesReceived++;
      if (this.keptLength < this.kept.length) this.kept[this.keptLength++] = sample;
    }
  }

  /**
   * Whether packets of `payloadType` are telephone-events, by what was negotiated: the number is
   * the offerer's (ours, 101, or the other side's when `answer()` answers an offer), and werift
   * hands over every payload type it agreed to.
   */
  private isEvent(payloadType: number): boolean {
    return (this.transceiver?.codecs ?? []).some(
      (codec) =>
        codec.payloadType === payloadType &&
        codec.mimeType.toLowerCase() === TELEPHONE_EVENT &&
        codec.clockRate === PCMU_RATE,
    );
  }
}

/** The audio section's direction attribute (sendrecv when absent). */
function directionOf(sdp: string): Direction {
  const audio = sdp.split(/^m=/m).find((section) => section.startsWith('audio'));
  const found = /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/m.exec(audio ?? '');
  return (found?.[1] as Direction | undefined) ?? 'sendrecv';
}

const sends = (direction: Direction) => direction === 'sendrecv' || direction === 'sendonly';
const receives = (direction: Direction) => direction === 'sendrecv' || direction === 'recvonly';

function randomUint(bits: 16 | 32): number {
  return Math.floor(Math.random() * 2 ** bits);
}
