/**
 * The pre-shift audio check: a live microphone meter, a test sound on the speaker, the ringtone
 * on the ringer, and an echo test (record 3 s, play back). Each step ends in a verdict the
 * window puts into words; a chosen device that cannot be used is replaced by the system default
 * and the verdict names that fallback.
 */
import { microphoneProblem } from './microphone-problem';
import { isDefaultDevice, sinkOf } from './ports';
import { Ringtone } from './ringtone';
import { TEST_TONE, playTone } from './tones';
import type { MediaPorts } from './ports';
import type { DeviceRole } from './devices';
import type { MicrophoneProblem } from './microphone-problem';

export const ECHO_RECORD_MS = 3000;
export const RINGTONE_CHECK_MS = 2500;
/** RMS level (0–1) above which the microphone counts as hearing something. */
export const SOUND_LEVEL = 0.01;

export type Verdict =
  | {
      kind: 'mic-ok' | 'mic-silent' | 'speaker-ok' | 'ringer-ok' | 'echo-ok' | 'echo-silent';
      device: string;
    }
  | {
      kind: 'mic-failed' | 'echo-failed';
      /** Why, as the agent is told it: the microphone's problem, or the playback that failed. */
      problem: MicrophoneProblem | 'playback';
      /** The engine's own words, for logs only: never shown. */
      detail: string;
    }
  | { kind: 'blocked' | 'unavailable' };

export interface CheckResult {
  verdict: Verdict;
  /** Set when the chosen device could not be used and the default stood in. */
  fallback: { role: DeviceRole; chosen: string } | null;
}

export interface AudioCheckOptions {
  ports: MediaPorts;
  /** The device each role should use now ('default' = system). */
  device: (role: DeviceRole) => string;
  /** Called with the live microphone level (0–1) while the meter runs. */
  onLevel?: (level: number) => void;
}

function describe(error: unknown): string {
  return error instanceof Error || error instanceof DOMException
    ? `${error.name}: ${error.message}`
    : String(error);
}

/** A chosen microphone the default stands in for, as during a call: not there, or busy. */
function defaultMayStandIn(error: unknown): boolean {
  const problem = microphoneProblem(error);
  return problem === 'none' || problem === 'busy';
}

/** The echo test's playback failed (the element errored): not the microphone's fault. */
class PlaybackError extends Error {
  override name = 'PlaybackError';
}

function failed(
  kind: 'mic-failed' | 'echo-failed',
  problem: MicrophoneProblem | 'playback',
  error: unknown,
): Verdict {
  return { kind, problem, detail: describe(error) };
}

/** A step that a call coming in (or Settings closing) cuts short. */
class Run {
  cancelled = false;
  private settle!: () => void;
  /** Settles when the run is cancelled. */
  readonly stopped = new Promise<void>((resolve) => (this.settle = resolve));

  cancel(): void {
    this.cancelled = true;
    this.settle();
  }

  /** Waits `ms`, or less when cancelled first. */
  async wait(ms: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, ms))), this.stopped]);
    clearTimeout(timer);
  }
}

/** A microphone stream with a level probe. */
interface Probe {
  stream: MediaStream;
  deviceId: string;
  fallback: CheckResult['fallback'];
  level(): number;
  close(): void;
}

export class AudioCheck {
  private probe: Probe | null = null;
  private meterTimer: ReturnType<typeof setInterval> | null = null;
  private peak = 0;
  /** The meter's microphone while it opens: a second Start waits for it instead of a second. */
  private opening: Promise<CheckResult | null> | null = null;
  /** Bumped by every stop, so a microphone that opens after it is closed at once. */
  private meterRun = 0;
  /** The steps running now (ringtone, echo test), for `cancel`. */
  private readonly runs = new Set<Run>();
  private disposed = false;

  constructor(private readonly options: AudioCheckOptions) {}

  /** Opens the chosen microphone (or the default when it is gone or busy) with an analyser. */
  private async openProbe(): Promise<Probe> {
    const { ports } = this.options;
    const chosen = this.options.device('microphone');
    const constraints = (id: string): MediaStreamConstraints => ({
      audio: isDefaultDevice(id) ? true : { deviceId: { exact: id } },
      video: false,
    });
    let stream: MediaStream;
    let deviceId = chosen;
    let fallback: CheckResult['fallback'] = null;
    try {
      stream = await ports.getUserMedia(constraints(chosen));
    } catch (error) {
      if (isDefaultDevice(chosen) || !defaultMayStandIn(error)) throw error;
      stream = await ports.getUserMedia(constraints('default'));
      deviceId = 'default';
      fallback = { role: 'microphone', chosen };
    }
    const context = ports.createAudioContext();
    const analyser = context?.createAnalyser() ?? null;
    if (context && analyser) {
      analyser.fftSize = 1024;
      context.createMediaStreamSource(stream).connect(analyser);
      void context.resume().catch(() => undefined);
    }
    const buffer = new Float32Array(1024);
    return {
      stream,
      deviceId,
      fallback,
      level() {
        if (!analyser) return 0;
        analyser.getFloatTimeDomainData(buffer);
        let sum = 0;
        for (const v of buffer) sum += v * v;
        return Math.sqrt(sum / buffer.length);
      },
      close() {
        for (const track of stream.getTracks()) track.stop();
        void context?.close().catch(() => undefined);
      },
    };
  }

  /** True while the live meter runs. */
  get metering(): boolean {
    return this.probe !== null;
  }

  /** Starts the live meter (null when it runs or was stopped); the verdict comes from `stopMeter`. */
  startMeter(): Promise<CheckResult | null> {
    if (this.opening) return this.opening;
    this.stopMeter();
    if (this.disposed) return Promise.resolve(null);
    const opening = this.openMeter(this.meterRun);
    this.opening = opening;
    void opening.finally(() => {
      if (this.opening === opening) this.opening = null;
    });
    return opening;
  }

  private async openMeter(run: number): Promise<CheckResult | null> {
    let probe: Probe;
    try {
      probe = await this.openProbe();
    } catch (error) {
      if (run !== this.meterRun) return null;
      return { verdict: failed('mic-failed', microphoneProblem(error), error), fallback: null };
    }
    // Stopped (or Settings left) while the microphone opened: it must not stay open.
    if (run !== this.meterRun) {
      probe.close();
      return null;
    }
    this.probe = probe;
    this.peak = 0;
    this.meterTimer = setInterval(() => {
      const level = this.probe?.level() ?? 0;
      this.peak = Math.max(this.peak, level);
      this.options.onLevel?.(level);
    }, 100);
    return null;
  }

  /** Stops the meter: did the microphone hear anything while it ran? */
  stopMeter(): CheckResult | null {
    this.meterRun++;
    this.opening = null;
    if (this.meterTimer) clearInterval(this.meterTimer);
    this.meterTimer = null;
    const probe = this.probe;
    this.probe = null;
    if (!probe) return null;
    probe.close();
    this.options.onLevel?.(0);
    return {
      verdict: { kind: this.peak >= SOUND_LEVEL ? 'mic-ok' : 'mic-silent', device: probe.deviceId },
      fallback: probe.fallback,
    };
  }

  /** Plays the test sound on the speaker (null when cancelled: the sound stops at once). */
  async testSound(): Promise<CheckResult | null> {
    const chosen = this.options.device('speaker');
    const run = this.begin();
    try {
      if (run.cancelled) return null;
      const outcome = await playTone(this.options.ports, chosen, TEST_TONE, run.stopped);
      if (run.cancelled) return null;
      if (outcome.kind === 'blocked' || outcome.kind === 'unavailable')
        return { verdict: { kind: outcome.kind }, fallback: null };
      return {
        verdict: { kind: 'speaker-ok', device: outcome.deviceId },
        fallback: outcome.kind === 'fallback' ? { role: 'speaker', chosen } : null,
      };
    } finally {
      this.runs.delete(run);
    }
  }

  /** A step `cancel` can cut short (cut short from the start once disposed). */
  private begin(): Run {
    const run = new Run();
    if (this.disposed) run.cancel();
    else this.runs.add(run);
    return run;
  }

  /** Plays the ringtone on the ringer for a moment (null when cancelled). */
  async ringtone(): Promise<CheckResult | null> {
    const chosen = this.options.device('ringer');
    // The check's own context, closed when it ends: a Ringtone keeps its context for good.
    const contexts: AudioContext[] = [];
    const ringtone = new Ringtone({
      ...this.options.ports,
      createAudioContext: () => {
        const context = this.options.ports.createAudioContext();
        if (context) contexts.push(context);
        return context;
      },
    });
    const run = this.begin();
    try {
      const outcome = await ringtone.start(chosen);
      if (run.cancelled) return null;
      if (outcome.kind === 'blocked' || outcome.kind === 'unavailable')
        return { verdict: { kind: outcome.kind }, fallback: null };
      await run.wait(RINGTONE_CHECK_MS);
      if (run.cancelled) return null;
      const fell = outcome.kind === 'fallback';
      return {
        verdict: { kind: 'ringer-ok', device: fell ? 'default' : chosen },
        fallback: fell ? { role: 'ringer', chosen } : null,
      };
    } finally {
      this.runs.delete(run);
      ringtone.stop();
      for (const context of contexts) void context.close().catch(() => undefined);
    }
  }

  /**
   * Records `ECHO_RECORD_MS` of the microphone and plays it back on the speaker (null when
   * cancelled: then the recording stops at once and is never played).
   */
  async echo(
    onPhase: (phase: 'recording' | 'playing') => void = () => {},
  ): Promise<CheckResult | null> {
    this.stopMeter();
    const run = this.begin();
    try {
      return await this.recordAndPlay(run, onPhase);
    } finally {
      this.runs.delete(run);
    }
  }

  private async recordAndPlay(
    run: Run,
    onPhase: (phase: 'recording' | 'playing') => void,
  ): Promise<CheckResult | null> {
    let probe: Probe;
    try {
      probe = await this.openProbe();
    } catch (error) {
      if (run.cancelled) return null;
      return { verdict: failed('echo-failed', microphoneProblem(error), error), fallback: null };
    }
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, probe.level())), 100);
    try {
      if (run.cancelled) return null;
      onPhase('recording');
      const recorder = new MediaRecorder(probe.stream);
      const chunks: Blob[] = [];
      recorder.ondataavailable = (event) => chunks.push(event.data);
      const stopped = new Promise((resolve) => (recorder.onstop = resolve));
      recorder.start();
      await run.wait(ECHO_RECORD_MS);
      recorder.stop();
      await stopped;
      clearInterval(sampler);
      probe.close();
      if (run.cancelled) return null;
      onPhase('playing');
      const speaker = await this.playBack(new Blob(chunks, { type: recorder.mimeType }), run);
      if (run.cancelled) return null;
      if (speaker.blocked) return { verdict: { kind: 'blocked' }, fallback: null };
      const silent = peak < SOUND_LEVEL;
      return {
        verdict: {
          kind: silent ? 'echo-silent' : 'echo-ok',
          device: silent ? probe.deviceId : speaker.deviceId,
        },
        fallback: probe.fallback ?? speaker.fallback,
      };
    } catch (error) {
      if (run.cancelled) return null;
      // The microphone opened: what failed is recording or playing it back, not the microphone.
      return { verdict: failed('echo-failed', 'playback', error), fallback: probe.fallback };
    } finally {
      clearInterval(sampler);
      probe.close();
    }
  }

  /** Plays the recording back; throws a PlaybackError when the element fails to play it. */
  private async playBack(
    blob: Blob,
    run: Run,
  ): Promise<{ deviceId: string; fallback: CheckResult['fallback']; blocked?: true }> {
    const chosen = this.options.device('speaker');
    const audio = new Audio();
    let deviceId = chosen;
    let fallback: CheckResult['fallback'] = null;
    try {
      await audio.setSinkId(sinkOf(chosen));
    } catch {
      if (!isDefaultDevice(chosen)) {
        await audio.setSinkId('').catch(() => undefined);
        deviceId = 'default';
        fallback = { role: 'speaker', chosen };
      }
    }
    if (run.cancelled) return { deviceId, fallback };
    const url = URL.createObjectURL(blob);
    try {
      audio.src = url;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const ended = new Promise<void>((resolve, reject) => {
        audio.onended = () => resolve();
        audio.onerror = () => reject(new PlaybackError('the recording could not be played'));
        // A recording that started but never says "ended" (a stalled element) counts as played.
        timer = setTimeout(resolve, ECHO_RECORD_MS + 2000);
      });
      ended.catch(() => undefined);
      try {
        await audio.play();
      } catch (error) {
        // Autoplay rules refused it: the agent clicks and tries again, as for the test sound.
        if (error instanceof DOMException && error.name === 'NotAllowedError')
          return { deviceId, fallback, blocked: true };
        throw new PlaybackError(describe(error));
      }
      try {
        await Promise.race([ended, run.stopped]);
      } finally {
        clearTimeout(timer);
      }
    } finally {
      audio.pause();
      URL.revokeObjectURL(url);
    }
    return { deviceId, fallback };
  }

  /** Stops whatever runs now, without a verdict: nothing records or plays on (a call came in). */
  cancel(): void {
    this.stopMeter();
    for (const run of this.runs) run.cancel();
    this.runs.clear();
  }

  /** Releases everything (leaving Settings). */
  dispose(): void {
    this.disposed = true;
    this.cancel();
  }
}
