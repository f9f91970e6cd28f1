/**
 * The ringtone, made with WebAudio (no asset to ship or fail to load): two tones gated in a
 * ring-ring-pause cadence, sent through a MediaStream into one <audio> so it can play on the
 * chosen ringer device (setSinkId). One AudioContext for the window's life, suspended between
 * rings so it costs nothing while idle; each ring's nodes are stopped and dropped when it ends.
 */
import { isDefaultDevice, sinkOf } from './ports';
import type { AudioOut, MediaPorts } from './ports';

/** One cadence: on 0.4 s, off 0.2 s, on 0.4 s, off 2 s. */
const CADENCE: readonly [number, number][] = [
  [0, 0.4],
  [0.6, 1.0],
];
const PERIOD_S = 3;
/** Cadences scheduled per ring; the platform gives up long before (45 s by default). */
const SCHEDULED_S = 600;
const LEVEL = 0.25;

export type RingtoneOutcome =
  /** Playing on the chosen device. */
  | { kind: 'playing' }
  /** Playing, but on the system default because the chosen ringer failed. */
  | { kind: 'fallback'; deviceId: string }
  /** The engine refused to play without a click (autoplay). */
  | { kind: 'blocked' }
  /** No WebAudio here: nothing can ring. */
  | { kind: 'unavailable' };

interface Ring {
  nodes: AudioScheduledSourceNode[];
  gain: GainNode;
}

export class Ringtone {
  private context: AudioContext | null = null;
  private destination: MediaStreamAudioDestinationNode | null = null;
  private audio: AudioOut | null = null;
  private ring: Ring | null = null;
  /** Bumped on every start/stop so a slow start never outlives a later stop. */
  private generation = 0;

  constructor(private readonly ports: MediaPorts) {}

  get playing(): boolean {
    return this.ring !== null;
  }

  /** Starts ringing on `deviceId` ('default' = system). Safe to call while already ringing. */
  async start(deviceId: string): Promise<RingtoneOutcome> {
    const generation = ++this.generation;
    if (!this.context) {
      this.context = this.ports.createAudioContext();
      if (!this.context) return { kind: 'unavailable' };
      this.destination = this.context.createMediaStreamDestination();
      this.audio = this.ports.createAudio();
      this.audio.srcObject = this.destination.stream;
    }
    const context = this.context;
    const audio = this.audio!;
    if (!this.ring) this.ring = this.schedule(context);
    let outcome: RingtoneOutcome = { kind: 'playing' };
    if (audio.setSinkId) {
      try {
        await audio.setSinkId(sinkOf(deviceId));
      } catch {
        if (!isDefaultDevice(deviceId)) {
          await audio.setSinkId('').catch(() => undefined);
          outcome = { kind: 'fallback', deviceId };
        }
      }
    }
    if (generation !== this.generation) return outcome;
    try {
      void context.resume().catch(() => undefined);
      await audio.play();
    } catch (error) {
      if (generation !== this.generation) return outcome;
      if (error instanceof DOMException && error.name === 'AbortError') return outcome;
      return { kind: 'blocked' };
    }
    return outcome;
  }

  /** Builds this ring's tones and cadence (WebAudio runs it; no timers here). */
  private schedule(context: AudioContext): Ring {
    const gain = context.createGain();
    const t0 = context.currentTime + 0.05;
    gain.gain.setValueAtTime(0, 0);
    for (let start = 0; start < SCHEDULED_S; start += PERIOD_S) {
      for (const [on, off] of CADENCE) {
        // Short ramps: no clicks at the edges.
        gain.gain.setValueAtTime(0, t0 + start + on);
        gain.gain.linearRampToValueAtTime(LEVEL, t0 + start + on + 0.02);
        gain.gain.setValueAtTime(LEVEL, t0 + start + off - 0.02);
        gain.gain.linearRampToValueAtTime(0, t0 + start + off);
      }
    }
    gain.connect(this.destination!);
    const nodes = [523.25, 659.25].map((frequency) => {
      const osc = context.createOscillator();
      osc.frequency.value = frequency;
      osc.connect(gain);
      osc.start(t0);
      return osc;
    });
    return { nodes, gain };
  }

  /** Stops ringing at once and lets the context sleep. */
  stop(): void {
    this.generation++;
    const ring = this.ring;
    this.ring = null;
    if (ring) {
      for (const node of ring.nodes) {
        node.stop();
        node.disconnect();
      }
      ring.gain.disconnect();
    }
    this.audio?.pause();
    void this.context?.suspend().catch(() => undefined);
  }

  /** After a click (autoplay refused us): try again; true when it now plays. */
  async unlock(): Promise<boolean> {
    if (!this.context || !this.audio) return false;
    try {
      await this.context.resume();
      if (this.ring) await this.audio.play();
      return true;
    } catch {
      return false;
    }
  }
}
