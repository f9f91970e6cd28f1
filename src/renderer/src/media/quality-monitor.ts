/**
 * The call-quality light's measurements: once a second during a connected call it reads
 * getStats(), turns the counters' change since the last read into one QualitySample (jitter,
 * loss over that second, RTT, E-model MOS) and tracks how long no packet has arrived. It runs
 * only while a call is talking (never on the ringing path) and stops with the call. The time
 * each read costs on this thread is kept, for the budget (≤ 1 ms a second).
 */
import { noAudioReceived, sampleOf, worstOf } from '../../../shared/audio/call-quality';
import type { CallQualitySummary, QualitySample } from '../../../shared/audio/call-quality';

export const QUALITY_POLL_MS = 1000;

/** What the light shows after each read. */
export interface QualityReading {
  /** Null until the second read (a sample is the change between two). */
  sample: QualitySample | null;
  /** How long no packet has arrived (0 while packets flow). */
  silenceMs: number;
  noAudio: boolean;
  worst: CallQualitySummary;
}

export interface QualityMonitorOptions {
  getStats: () => Promise<RTCStatsReport>;
  now?: () => number;
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
  /** Thread time of one read's synchronous part, ms (performance.now by default). */
  cpuNow?: () => number;
  onReading: (reading: QualityReading) => void;
}

interface Counters {
  packetsReceived: number;
  packetsLost: number;
  jitterBufferDelay: number;
  jitterBufferEmittedCount: number;
  jitterMs: number;
  rttMs: number | null;
}

/** Sums the audio inbound counters and picks the freshest RTT out of one report. */
export function readCounters(report: RTCStatsReport): Counters {
  const c: Counters = {
    packetsReceived: 0,
    packetsLost: 0,
    jitterBufferDelay: 0,
    jitterBufferEmittedCount: 0,
    jitterMs: 0,
    rttMs: null,
  };
  let pairRtt: number | null = null;
  report.forEach((entry: Record<string, unknown>) => {
    if (entry.kind !== undefined && entry.kind !== 'audio') return;
    if (entry.type === 'inbound-rtp') {
      c.packetsReceived += num(entry.packetsReceived);
      c.packetsLost += num(entry.packetsLost);
      c.jitterBufferDelay += num(entry.jitterBufferDelay);
      c.jitterBufferEmittedCount += num(entry.jitterBufferEmittedCount);
      c.jitterMs = Math.max(c.jitterMs, num(entry.jitter) * 1000);
    } else if (entry.type === 'remote-inbound-rtp' && typeof entry.roundTripTime === 'number') {
      c.rttMs = entry.roundTripTime * 1000;
    } else if (
      entry.type === 'candidate-pair' &&
      entry.nominated === true &&
      typeof entry.currentRoundTripTime === 'number'
    ) {
      pairRtt = entry.currentRoundTripTime * 1000;
    }
  });
  // RTCP's RTT when the far end sends receiver reports; else ICE's (STUN consent checks).
  if (c.rttMs === null) c.rttMs = pairRtt;
  return c;
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

export class QualityMonitor {
  private timer: unknown = null;
  private last: Counters | null = null;
  private lastPacketAt = 0;
  private worst: CallQualitySummary = worstOf(null, null);
  private busy = false;
  /** On hold the far end sends nothing by design: silence is not "no audio" then. */
  held = false;
  /** Synchronous thread time spent in reads, ms, and how many reads. */
  readonly cost = { ms: 0, reads: 0, maxMs: 0 };

  constructor(private readonly options: QualityMonitorOptions) {}

  /** Adds thread time spent because of a read outside it (e.g. the light's re-render). */
  addCost(ms: number): void {
    this.cost.ms += ms;
    this.cost.maxMs = Math.max(this.cost.maxMs, ms);
  }

  get running(): boolean {
    return this.timer !== null;
  }

  /** Starts reading once a second (a connected call); resets the call's figures. */
  start(): void {
    if (this.timer !== null) return;
    const now = this.now();
    this.last = null;
    this.lastPacketAt = now;
    this.worst = worstOf(null, null);
    const every = this.options.setInterval ?? ((fn, ms) => setInterval(fn, ms));
    this.timer = every(() => void this.read(), QUALITY_POLL_MS);
  }

  /** Stops reading; returns the call's worst figures (null when it never started). */
  stop(): CallQualitySummary | null {
    if (this.timer === null) return null;
    (this.options.clearInterval ?? ((h) => clearInterval(h as number)))(this.timer);
    this.timer = null;
    return this.worst;
  }

  /** One read (the timer calls it; tests may too). */
  async read(): Promise<void> {
    if (this.busy || this.timer === null) return;
    this.busy = true;
    try {
      const report = await this.options.getStats();
      if (this.timer === null) return;
      const cpu = this.options.cpuNow ?? (() => performance.now());
      const began = cpu();
      // Timed from here: walking the report is where Blink builds the stats' JS objects.
      this.options.onReading(this.digest(readCounters(report)));
      const spent = cpu() - began;
      this.cost.ms += spent;
      this.cost.reads += 1;
      this.cost.maxMs = Math.max(this.cost.maxMs, spent);
    } catch {
      // The connection closed under us: the call's end stops the monitor.
    } finally {
      this.busy = false;
    }
  }

  private digest(counters: Counters): QualityReading {
    const now = this.now();
    const last = this.last;
    this.last = counters;
    if (!last || this.held || counters.packetsReceived > last.packetsReceived)
      this.lastPacketAt = now;
    const silenceMs =
      last && counters.packetsReceived <= last.packetsReceived ? now - this.lastPacketAt : 0;
    let sample: QualitySample | null = null;
    if (last) {
      const received = counters.packetsReceived - last.packetsReceived;
      const lost = Math.max(0, counters.packetsLost - last.packetsLost);
      const expected = received + lost;
      const emitted = counters.jitterBufferEmittedCount - last.jitterBufferEmittedCount;
      const buffered = counters.jitterBufferDelay - last.jitterBufferDelay;
      // With nothing received in the second, loss says nothing: silence is its own warning.
      sample =
        expected > 0
          ? sampleOf({
              jitterMs: counters.jitterMs,
              lossPercent: (lost / expected) * 100,
              rttMs: counters.rttMs,
              jitterBufferMs: emitted > 0 ? (buffered / emitted) * 1000 : 0,
            })
          : null;
    }
    this.worst = worstOf(this.worst, sample, silenceMs);
    return { sample, silenceMs, noAudio: noAudioReceived(true, silenceMs), worst: this.worst };
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
