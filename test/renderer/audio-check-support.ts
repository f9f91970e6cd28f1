/**
 * Media doubles for the audio check's tests (happy-dom has no analyser, MediaRecorder or real
 * microphone): a context that measures a microphone heard at a level and can be closed, media
 * ports that count what is still open, and a recorder that hands back one chunk on stop.
 */
import { FakeAudioContext, FakeMediaPorts, FakeStream, FakeTrack } from './calls-support';

/** An AudioContext that can also measure a microphone (analyser) and be closed. */
export class CheckContext extends FakeAudioContext {
  closed = false;
  constructor(private readonly level: () => number) {
    super();
  }
  createAnalyser() {
    const level = this.level;
    return {
      fftSize: 2048,
      getFloatTimeDomainData(buffer: Float32Array) {
        buffer.fill(level());
      },
    };
  }
  createMediaStreamSource() {
    return { connect: <T>(node: T) => node };
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Media doubles whose microphone is heard at `level` and whose contexts can be closed. */
export class CheckPorts extends FakeMediaPorts {
  level = 0.05;
  override createAudioContext = (): AudioContext => {
    const context = new CheckContext(() => this.level);
    this.contexts.push(context);
    return context as unknown as AudioContext;
  };
  /** Microphone opens wait for `grant()` (the OS taking its time). */
  gate(): { grant: () => void } {
    const waiting: (() => void)[] = [];
    this.openMicrophone = () =>
      new Promise((resolve) =>
        waiting.push(() => resolve(new FakeStream([new FakeTrack(`mic-${waiting.length}`)]))),
      );
    return { grant: () => waiting.splice(0).forEach((open) => open()) };
  }
  get liveTracks(): number {
    return this.microphones.flatMap((s) => s.tracks).filter((t) => t.readyState === 'live').length;
  }
  get openContexts(): number {
    return (this.contexts as CheckContext[]).filter((c) => !c.closed).length;
  }
}

/** MediaRecorder and <audio> as the echo test uses them (happy-dom has neither). */
export class FakeRecorder {
  static all: FakeRecorder[] = [];
  state: 'inactive' | 'recording' = 'inactive';
  mimeType = 'audio/webm';
  ondataavailable: ((event: { data: Blob }) => void) | null = null;
  onstop: (() => void) | null = null;
  constructor(readonly stream: FakeStream) {
    FakeRecorder.all.push(this);
  }
  start(): void {
    this.state = 'recording';
  }
  stop(): void {
    if (this.state === 'inactive') return;
    this.state = 'inactive';
    queueMicrotask(() => {
      this.ondataavailable?.({ data: new Blob(['voice']) });
      this.onstop?.();
    });
  }
}
