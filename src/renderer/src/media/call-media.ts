/**
 * The window's half of a call's audio. Main owns SIP and asks for media over `media:request`:
 * `answer-offer` carries the caller's SDP offer and wants our answer back (non-trickle: the
 * answer holds every ICE candidate); `close` tears the call's media down. One call at a time;
 * everything a call created (peer connection, microphone tracks, listeners) is released when it
 * ends, so nothing accumulates across calls. The remote audio plays in one reused <audio>.
 */
import { microphoneProblem, taggedMicrophoneError } from './microphone-problem';
import { isDefaultDevice, sinkOf } from './ports';
import type { MicrophoneProblem } from './microphone-problem';
import type { AudioOut, MediaPorts, PeerConnection } from './ports';
import type { DesktopApi } from '../../../shared/ipc/api';
import type { MediaRequest } from '../../../shared/ipc/contract';

/** How long we wait for ICE gathering before answering with the candidates we have. */
export const ICE_GATHERING_TIMEOUT_MS = 2000;

export interface MediaStats {
  callId: string;
  connectionState: string;
  packetsReceived: number;
  bytesReceived: number;
  packetsSent: number;
  /** Chromium's inbound totalAudioEnergy (0 when the engine does not report it). */
  totalAudioEnergy: number;
  codec: string;
}

/** What the service tells the window (the store turns these into notices and health). */
export interface MediaEvents {
  /** The microphone opened (ok, problem null) or could not be opened (broken, and why). */
  microphone(health: 'ok' | 'broken', problem: MicrophoneProblem | null): void;
  /** A chosen device could not be used and the system default was used instead. */
  fallback(kind: 'microphone' | 'speaker', deviceId: string): void;
  /** The call's audio connection state; null when no call has media. */
  connection(state: string | null): void;
  /** The remote audio was refused by the autoplay rules (true) or plays (false). */
  playback(blocked: boolean): void;
}

export interface CallMediaOptions {
  ports: MediaPorts;
  api: Pick<DesktopApi, 'replyMedia'>;
  /** The devices to use now (after any fallback for unplugged ones). */
  devices: () => { microphone: string; speaker: string };
  events: MediaEvents;
  iceTimeoutMs?: number;
}

interface CallSession {
  callId: string;
  pc: PeerConnection | null;
  mic: MediaStream | null;
  /** The device the microphone track was opened for ('default' = system). */
  micDevice: string;
  /** Microphone changes, one after another (an unplug and a device list change may race). */
  micChain: Promise<void>;
  closed: boolean;
  /** On hold: the sender has no track, so the microphone must not be put back by a switch. */
  held?: boolean;
  /** Whether the call was held before our offer now out (what a refusal goes back to). */
  heldBeforeOffer?: boolean;
  /** Undo functions for every listener the session added. */
  offs: (() => void)[];
}

class Cancelled extends Error {
  override name = 'Cancelled';
}

/** The call's microphone could not be opened: carries why, to main and back (a failed answer). */
class MicrophoneFailed extends Error {
  override name = 'MicrophoneFailed';
  constructor(
    readonly problem: MicrophoneProblem,
    engineError: unknown,
  ) {
    super(describeEngine(engineError));
  }
}

function describeEngine(error: unknown): string {
  return error instanceof Error || error instanceof DOMException
    ? `${error.name}: ${error.message}`
    : String(error);
}

function describe(error: unknown): string {
  const text =
    error instanceof MicrophoneFailed
      ? taggedMicrophoneError(error.problem, error.message)
      : describeEngine(error);
  return text.slice(0, 1000);
}

const PROCESSING = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

function microphoneConstraints(deviceId: string): MediaStreamConstraints {
  return {
    audio: isDefaultDevice(deviceId)
      ? PROCESSING
      : { ...PROCESSING, deviceId: { exact: deviceId } },
    video: false,
  };
}

/**
 * A chosen device the default may stand in for: not there (unplugged) or held by another
 * program (busy). A refused permission is the app's, not the device's: no fallback for that.
 */
function defaultMayStandIn(error: unknown): boolean {
  const problem = microphoneProblem(error);
  return problem === 'none' || problem === 'busy';
}

/** Resolves when gathering is complete, or after `ms` (we then answer with what we have). */
function iceGathered(pc: PeerConnection, ms: number, session: CallSession): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = () => {
      if (pc.iceGatheringState === 'complete' || session.closed) done();
    };
    const timer = setTimeout(done, ms);
    pc.addEventListener('icegatheringstatechange', check);
    session.offs.push(done);
  });
}

/** The call's one audio transceiver (hold and its rollback turn its direction and track). */
function audioTransceiver(pc: PeerConnection): RTCRtpTransceiver | undefined {
  return pc.getTransceivers().find((t) => t.receiver.track?.kind === 'audio');
}

export class CallMedia {
  private session: CallSession | null = null;
  private audio: AudioOut | null = null;
  private muted = false;

  constructor(private readonly options: CallMediaOptions) {}

  /** Handles one request from main; never throws (failures go back as `error` replies). */
  async handle(request: MediaRequest): Promise<void> {
    const session = this.session;
    const ours = session?.pc && session.callId === request.callId ? session : null;
    if (request.kind === 'answer-offer') {
      // A new offer in a call that has media is a re-INVITE: renegotiate the same connection.
      if (ours)
        await this.renegotiate(ours, request, async (pc) => {
          await pc.setRemoteDescription({ type: 'offer', sdp: request.sdp ?? '' });
          await pc.setLocalDescription(await pc.createAnswer());
          return this.localSdp(pc, ours);
        });
      else await this.answer(request);
    } else if (request.kind === 'make-offer') {
      await this.renegotiate(ours, request, (pc) =>
        this.holdOffer(ours!, pc, request.hold === true),
      );
    } else if (request.kind === 'apply-answer') {
      await this.renegotiate(ours, request, async (pc) => {
        await pc.setRemoteDescription({ type: 'answer', sdp: request.sdp ?? '' });
        ours!.heldBeforeOffer = undefined;
        return undefined;
      });
    } else if (request.kind === 'rollback-offer') {
      await this.renegotiate(ours, request, async (pc) => {
        await this.takeOfferBack(ours!, pc);
        return undefined;
      });
    } else await this.close(request);
  }

  /** Runs one renegotiation step on the call's connection and replies with its SDP (if any). */
  private async renegotiate(
    session: CallSession | null,
    request: MediaRequest,
    step: (pc: PeerConnection) => Promise<string | undefined>,
  ): Promise<void> {
    const { api } = this.options;
    try {
      if (!session?.pc) throw new Error('this call has no media');
      const sdp = await step(session.pc);
      await api.replyMedia({ requestId: request.requestId, ...(sdp ? { sdp } : {}) });
    } catch (error) {
      await api.replyMedia({ requestId: request.requestId, error: describe(error) });
    }
  }

  /**
   * Hold: offer sendonly and send nothing (the sender's track comes off), so no audio passes
   * either way while the far end answers recvonly. Resume: the microphone back on, sendrecv.
   */
  private async holdOffer(
    session: CallSession,
    pc: PeerConnection,
    hold: boolean,
  ): Promise<string> {
    const transceiver = audioTransceiver(pc);
    if (!transceiver) throw new Error('the call has no audio stream');
    const before = (session.heldBeforeOffer ??= session.held === true);
    await this.direct(session, transceiver, hold);
    try {
      await pc.setLocalDescription(await pc.createOffer());
    } catch (error) {
      // No offer went out: the call goes on as it was.
      await this.direct(session, transceiver, before);
      session.heldBeforeOffer = undefined;
      throw error;
    }
    return this.localSdp(pc, session);
  }

  /**
   * The far end refused our offer (a 488 to a hold): back to what was last agreed, the
   * microphone on the sender again unless the call was already held, so the customer keeps
   * hearing the agent.
   */
  private async takeOfferBack(session: CallSession, pc: PeerConnection): Promise<void> {
    const before = session.heldBeforeOffer;
    if (before === undefined) return;
    if (pc.signalingState === 'have-local-offer')
      await pc.setLocalDescription({ type: 'rollback' });
    const transceiver = audioTransceiver(pc);
    if (transceiver) await this.direct(session, transceiver, before);
    session.heldBeforeOffer = undefined;
  }

  /** Held: sendonly with no track on the sender; else sendrecv with the microphone. */
  private async direct(
    session: CallSession,
    transceiver: RTCRtpTransceiver,
    hold: boolean,
  ): Promise<void> {
    const track = session.mic?.getAudioTracks()[0] ?? null;
    transceiver.direction = hold ? 'sendonly' : 'sendrecv';
    await transceiver.sender.replaceTrack(hold ? null : track);
    session.held = hold;
  }

  private async localSdp(pc: PeerConnection, session: CallSession): Promise<string> {
    await iceGathered(pc, this.options.iceTimeoutMs ?? ICE_GATHERING_TIMEOUT_MS, session);
    const sdp = pc.localDescription?.sdp;
    if (!sdp) throw new Error('no local description');
    return sdp;
  }

  /**
   * Sends keypad digits as RFC 4733 telephone-events on the call's audio sender (the edge
   * passes them to the platform). False when the call has no media that can carry them.
   */
  sendDigits(digits: string): boolean {
    const session = this.session;
    if (!session?.pc || session.held || !/^[0-9*#A-D]+$/.test(digits)) return false;
    const sender = session.pc.getSenders().find((s) => s.track?.kind === 'audio');
    const dtmf = sender?.dtmf;
    if (!dtmf?.canInsertDTMF) return false;
    // Digits typed quickly queue behind those still playing (insertDTMF would replace them).
    dtmf.insertDTMF(dtmf.toneBuffer + digits, 100, 70);
    return true;
  }

  /** The call whose media is up (or being set up), if any. */
  get callId(): string | null {
    return this.session?.callId ?? null;
  }

  private async answer(request: MediaRequest): Promise<void> {
    const { api, ports, events } = this.options;
    // A new offer replaces whatever media an earlier call left (main closes calls in order).
    if (this.session) this.teardown(this.session);
    const session: CallSession = {
      callId: request.callId,
      pc: null,
      mic: null,
      micDevice: 'default',
      micChain: Promise.resolve(),
      closed: false,
      offs: [],
    };
    this.session = session;
    const live = () => {
      if (session.closed) throw new Cancelled('the call ended while its media was set up');
    };
    try {
      if (!request.sdp) throw new Error('the request carries no offer');
      session.mic = await this.openMicrophone(session);
      live();
      this.applyMute();
      const pc = ports.createPeerConnection({ iceServers: [] });
      session.pc = pc;
      this.watch(session, pc);
      await pc.setRemoteDescription({ type: 'offer', sdp: request.sdp });
      live();
      for (const track of session.mic.getAudioTracks()) pc.addTrack(track, session.mic);
      await pc.setLocalDescription(await pc.createAnswer());
      live();
      await iceGathered(pc, this.options.iceTimeoutMs ?? ICE_GATHERING_TIMEOUT_MS, session);
      live();
      const sdp = pc.localDescription?.sdp;
      if (!sdp) throw new Error('no local description');
      await api.replyMedia({ requestId: request.requestId, sdp });
    } catch (error) {
      // Always release what this attempt opened (a close may have raced the microphone).
      const current = this.session === session;
      this.teardown(session);
      if (current) events.connection(null);
      await api.replyMedia({ requestId: request.requestId, error: describe(error) });
    }
  }

  /** True while `session` is the call's media (an abandoned call's late events are ignored). */
  private isCurrent(session: CallSession): boolean {
    return !session.closed && this.session === session;
  }

  /**
   * Opens the chosen microphone; an unplugged or busy choice falls back to the system default.
   * Events only for the current call: a microphone that answers late for an abandoned call says
   * nothing of the one in use now.
   */
  private async openMicrophone(session: CallSession): Promise<MediaStream> {
    const { ports, devices } = this.options;
    const events = this.eventsFor(session);
    const chosen = devices().microphone;
    let stream: MediaStream;
    try {
      stream = await ports.getUserMedia(microphoneConstraints(chosen));
      session.micDevice = chosen;
    } catch (error) {
      if (isDefaultDevice(chosen) || !defaultMayStandIn(error)) {
        events.microphone('broken', microphoneProblem(error));
        throw new MicrophoneFailed(microphoneProblem(error), error);
      }
      try {
        stream = await ports.getUserMedia(microphoneConstraints('default'));
        session.micDevice = 'default';
        events.fallback('microphone', chosen);
      } catch (second) {
        events.microphone('broken', microphoneProblem(second));
        throw new MicrophoneFailed(microphoneProblem(second), second);
      }
    }
    events.microphone('ok', null);
    for (const track of stream.getAudioTracks()) this.onTrackEnded(session, track);
    return stream;
  }

  /** The media events, passed on only while `session` is the call's current media. */
  private eventsFor(session: CallSession): MediaEvents {
    const { events } = this.options;
    return {
      microphone: (health, problem) => {
        if (this.isCurrent(session)) events.microphone(health, problem);
      },
      fallback: (kind, deviceId) => {
        if (this.isCurrent(session)) events.fallback(kind, deviceId);
      },
      connection: (state) => {
        if (this.isCurrent(session)) events.connection(state);
      },
      playback: (blocked) => {
        if (this.isCurrent(session)) events.playback(blocked);
      },
    };
  }

  /** An unplugged microphone ends its track: carry on with the default one, same sender. */
  private onTrackEnded(session: CallSession, track: MediaStreamTrack): void {
    const ended = () => {
      const chosen = this.options.devices().microphone;
      void this.useMicrophone(session, 'default').then((ok) => {
        if (ok && !isDefaultDevice(chosen)) this.eventsFor(session).fallback('microphone', chosen);
      });
    };
    track.addEventListener('ended', ended);
    session.offs.push(() => track.removeEventListener('ended', ended));
  }

  /**
   * The microphone choice or the device list changed during the call (chosen, plugged back, a
   * new system default): use the chosen one now. A live track on that device is kept, unless
   * `reopen` (the system default moved to another device: the open capture stays on the old).
   * A track that ended (its device gone) is opened again at every call, until it works.
   */
  async switchMicrophone(reopen = false): Promise<void> {
    const session = this.session;
    if (!session?.pc) return;
    const chosen = this.options.devices().microphone;
    if (!(await this.useMicrophone(session, chosen, reopen)) && !isDefaultDevice(chosen))
      this.eventsFor(session).fallback('microphone', chosen);
  }

  /** Puts `deviceId` on the call's sender (no renegotiation); one change at a time. */
  private useMicrophone(session: CallSession, deviceId: string, reopen = false): Promise<boolean> {
    const next = session.micChain.then(() => this.swapMicrophone(session, deviceId, reopen));
    session.micChain = next.then(() => undefined);
    return next;
  }

  private async swapMicrophone(
    session: CallSession,
    deviceId: string,
    reopen: boolean,
  ): Promise<boolean> {
    const current = session.mic?.getAudioTracks()[0] ?? null;
    if (session.closed || !session.pc || !session.mic) return false;
    if (current?.readyState === 'live' && session.micDevice === deviceId && !reopen) return true;
    try {
      const stream = await this.options.ports.getUserMedia(microphoneConstraints(deviceId));
      const track = stream.getAudioTracks()[0];
      if (session.closed || !track || !session.pc || !session.mic) {
        for (const t of stream.getTracks()) t.stop();
        return false;
      }
      const sender = session.pc.getSenders().find((s) => s.track === current || !s.track);
      if (!session.held) await sender?.replaceTrack(track);
      if (current) {
        session.mic.removeTrack(current);
        current.stop();
      }
      session.mic.addTrack(track);
      session.micDevice = deviceId;
      this.onTrackEnded(session, track);
      this.applyMute();
      this.eventsFor(session).microphone('ok', null);
      return true;
    } catch (error) {
      // A live microphone stays in use; a dead one leaves the caller hearing nothing: say so.
      if (current?.readyState !== 'live')
        this.eventsFor(session).microphone('broken', microphoneProblem(error));
      return false;
    }
  }

  private watch(session: CallSession, pc: PeerConnection): void {
    const { events } = this.options;
    const onTrack = (event: Event) => {
      const { track, streams } = event as RTCTrackEvent;
      if (track.kind !== 'audio' || session.closed) return;
      void this.play(streams[0] ?? new MediaStream([track]));
    };
    const onState = () => events.connection(pc.connectionState);
    pc.addEventListener('track', onTrack);
    pc.addEventListener('connectionstatechange', onState);
    session.offs.push(() => {
      pc.removeEventListener('track', onTrack);
      pc.removeEventListener('connectionstatechange', onState);
    });
    events.connection(pc.connectionState);
  }

  /** Plays the caller in the one reused <audio>, on the chosen speaker where possible. */
  private async play(stream: MediaStream): Promise<void> {
    const audio = (this.audio ??= this.options.ports.createAudio());
    audio.srcObject = stream;
    await this.routeSpeaker();
    // The call ended (or a newer stream came) while the speaker was being chosen.
    if (audio.srcObject !== stream) return;
    try {
      await audio.play();
      this.options.events.playback(false);
    } catch (error) {
      // A new srcObject interrupts an earlier play(): that is not a refusal.
      if (error instanceof DOMException && error.name === 'AbortError') return;
      this.options.events.playback(true);
    }
  }

  /** Points the remote audio at the chosen speaker (again after a device change). */
  async routeSpeaker(): Promise<void> {
    const audio = this.audio;
    if (!audio?.setSinkId || !audio.srcObject) return;
    const speaker = this.options.devices().speaker;
    try {
      await audio.setSinkId(sinkOf(speaker));
    } catch {
      if (isDefaultDevice(speaker)) return;
      await audio.setSinkId('').catch(() => undefined);
      this.options.events.fallback('speaker', speaker);
    }
  }

  /** After a click: try the remote audio again (autoplay refused it). */
  async resumePlayback(): Promise<void> {
    if (!this.audio?.srcObject) return;
    try {
      await this.audio.play();
      this.options.events.playback(false);
    } catch {
      this.options.events.playback(true);
    }
  }

  /** Mutes by disabling the microphone track (the connection stays up, silence is sent). */
  setMuted(muted: boolean): void {
    this.muted = muted;
    this.applyMute();
  }

  private applyMute(): void {
    for (const track of this.session?.mic?.getAudioTracks() ?? []) track.enabled = !this.muted;
  }

  private async close(request: MediaRequest): Promise<void> {
    if (this.session && this.session.callId === request.callId) this.teardown(this.session);
    this.muted = false;
    this.options.events.connection(null);
    await this.options.api.replyMedia({ requestId: request.requestId });
  }

  /** Ends the window's media whatever main says (e.g. the call left the snapshot). */
  closeAll(): void {
    if (this.session) this.teardown(this.session);
    this.muted = false;
    this.options.events.connection(null);
  }

  private teardown(session: CallSession): void {
    session.closed = true;
    for (const off of session.offs.splice(0)) off();
    for (const track of session.mic?.getTracks() ?? []) track.stop();
    session.pc?.close();
    session.pc = null;
    session.mic = null;
    if (this.session !== session) return;
    this.session = null;
    if (this.audio) {
      this.audio.pause();
      this.audio.srcObject = null;
    }
  }

  /** The call's raw stats report (the quality light reads it); rejects without media. */
  rawStats(): Promise<RTCStatsReport> {
    const pc = this.session?.pc;
    return pc ? pc.getStats() : Promise.reject(new Error('no call media'));
  }

  /** What the call's RTP counters say (for tests and diagnostics); null without a call. */
  async stats(): Promise<MediaStats | null> {
    const session = this.session;
    if (!session?.pc) return null;
    const report = await session.pc.getStats();
    const stats: MediaStats = {
      callId: session.callId,
      connectionState: session.pc.connectionState,
      packetsReceived: 0,
      bytesReceived: 0,
      packetsSent: 0,
      totalAudioEnergy: 0,
      codec: '',
    };
    report.forEach((entry: Record<string, unknown>) => {
      if (entry.kind !== undefined && entry.kind !== 'audio') return;
      if (entry.type === 'inbound-rtp') {
        stats.packetsReceived += Number(entry.packetsReceived ?? 0);
        stats.bytesReceived += Number(entry.bytesReceived ?? 0);
        stats.totalAudioEnergy += Number(entry.totalAudioEnergy ?? 0);
        const codec = report.get(String(entry.codecId)) as { mimeType?: string } | undefined;
        if (codec?.mimeType) stats.codec = codec.mimeType;
      } else if (entry.type === 'outbound-rtp') {
        stats.packetsSent += Number(entry.packetsSent ?? 0);
      }
    });
    return stats;
  }
}
