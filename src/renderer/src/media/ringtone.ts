/**
 * The ringtone, made with WebAudio (no asset to ship or fail to load): two tones gated in a
 * ring-ring-pause cadence, rendered once into a buffer that each ring loops, played by one
 * AudioContext straight on the chosen ringer device (AudioContext.setSinkId). The context is
 * made at the first ring and kept for the window's life, suspended between rings so it costs
 * nothing while idle; each ring's source node is stopped and dropped when it ends. No <audio>
 * element and no MediaStream in between: that hop opened a second output stream per ring and
 * doubled the audio threads' work while ringing.
 */
import { isDefaultDevice, sinkOf } from './ports';
import type { MediaPorts } from './ports';

/** One cadence: on 0.4 s, off 0.2 s, on 0.4 s, off 2 s; two tones, short ramps at the edges. */
const CADENCE: readonly [number, number][] = [
  [0, 0.4],
  [0.6, 1.0],
];
const PERIOD_S = 3;
const TONES_HZ = [523.25, 659.25];
const LEVEL = 0.25;
const RAMP_S = 0.02;
/** Enough for the tones (under 700 Hz); a third of the samples of a 48 kHz period. */
const SAMPLE_RATE = 16_000;
/**
 * How long a resume may take before we call it refused (autoplay keeps it pending). A device
 * slow to open (Bluetooth) may take longer: the resume is still awaited, and `onRunning` says
 * when the ring finally sounds.
 */
const RESUME_WAIT_MS = 500;

export type RingtoneOutcome =
  /** Playing on the chosen device. */
  | { kind: 'playing' }
  /** Playing, but on the system default because the chosen ringer failed. */
  | { kind: 'fallback'; deviceId: string }
  /** The engine refused to play without a click (autoplay). */
  | { kind: 'blocked' }
  /** No WebAudio here: nothing can ring. */
  | { kind: 'unavailable' };

/** AudioContext.setSinkId (Chromium 110+; older engines ring on the default device only). */
type SinkContext = AudioContext & { setSinkId?(sinkId: string): Promise<void> };

export class Ringtone {
  private context: SinkContext | null = null;
  /** One period of the cadence, rendered at the first ring and looped by every ring. */
  private period: AudioBuffer | null = null;
  private ring: AudioBufferSourceNode | null = null;
  /** Bumped on every start/stop so a slow start never outlives a later stop. */
  private generation = 0;

  /** `onRunning`: a ring reported blocked started after all (its resume only took long). */
  constructor(
    private readonly ports: MediaPorts,
    private readonly onRunning: () => void = () => undefined,
  ) {}

  get playing(): boolean {
    return this.ring !== null;
  }

  /** Seconds of audio the ringer device has played (advances only while it really plays). */
  get clock(): number | null {
    return this.context?.currentTime ?? null;
  }

  /** Starts ringing on `deviceId` ('default' = system). Safe to call while already ringing. */
  async start(deviceId: string): Promise<RingtoneOutcome> {
    const generation = ++this.generation;
    this.context ??= this.ports.createAudioContext();
    const context = this.context;
    if (!context) return { kind: 'unavailable' };
    let outcome: RingtoneOutcome = { kind: 'playing' };
    try {
      // Choosing the sink before resuming (a running context would reopen its device) and before
      // the ring is scheduled: a new context runs at once on the system default, and a ring
      // scheduled first would sound there until the sink moved.
      if (context.setSinkId) await context.setSinkId(sinkOf(deviceId));
      else if (!isDefaultDevice(deviceId)) outcome = { kind: 'fallback', deviceId };
    } catch {
      if (!isDefaultDevice(deviceId)) {
        await context.setSinkId?.('').catch(() => undefined);
        outcome = { kind: 'fallback', deviceId };
      }
    }
    if (generation !== this.generation) return outcome;
    if (!this.ring) this.ring = this.schedule(context);
    if (!(await this.resume(context, generation))) {
      return generation === this.generation ? { kind: 'blocked' } : outcome;
    }
    return outcome;
  }

  /**
   * True once the context runs; an engine that wants a click first leaves resume() pending. A
   * resume that settles after the wait (a slow device, or the click) and finds this ring still
   * on calls `onRunning`.
   */
  private async resume(context: AudioContext, generation: number): Promise<boolean> {
    if (context.state !== 'running') {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let waited = false;
      const resumed = context.resume().then(
        () => {
          if (waited && generation === this.generation && context.state === 'running')
            this.onRunning();
        },
        () => undefined,
      );
      await Promise.race([
        resumed,
        new Promise<void>((resolve) => (timer = setTimeout(resolve, RESUME_WAIT_MS))),
      ]);
      clearTimeout(timer);
      waited = (context.state as AudioContextState) !== 'running';
    }
    return context.state === 'running';
  }

  /** Plays the cadence in a loop (WebAudio runs it; no timers and no automation here). */
  private schedule(context: AudioContext): AudioBufferSourceNode {
    this.period ??= renderPeriod(context);
    const source = context.createBufferSource();
    source.buffer = this.period;
    source.loop = true;
    source.connect(context.destination);
    source.start();
    return source;
  }

  /** Stops ringing at once and lets the context sleep. */
  stop(): void {
    this.generation++;
    const ring = this.ring;
    this.ring = null;
    if (ring) {
      ring.stop();
      ring.disconnect();
    }
    void this.context?.suspend().catch(() => undefined);
  }

  /** After a click (autoplay refused us): try again; true when it now plays. */
  async unlock(): Promise<boolean> {
    if (!this.context) return false;
    if (!this.ring) return true;
    try {
      await this.context.resume();
      return this.context.state === 'running';
    } catch {
      return false;
    }
  }
}

/** The cadence's samples, once: a few ms of script instead of a long automation list per ring. */
function renderPeriod(context: BaseAudioContext): AudioBuffer {
  const buffer = context.createBuffer(1, PERIOD_S * SAMPLE_RATE, SAMPLE_RATE);
  const samples = buffer.getChannelData(0);
  for (const [on, off] of CADENCE) {
    for (let i = Math.round(on * SAMPLE_RATE); i < Math.round(off * SAMPLE_RATE); i++) {
      const t = i / SAMPLE_RATE;
      const envelope = Math.min(1, (t - on) / RAMP_S, (off - t) / RAMP_S);
      let value = 0;
      for (const hz of TONES_HZ) value += Math.sin(2 * Math.PI * hz * t);
      samples[i] = LEVEL * envelope * value;
    }
  }
  return buffer;
}
