/**
 * Runs the QualityMonitor for the talking call: it starts once the call's audio is connected
 * (never while ringing), reports the worst figures to main when "no audio received" changes and
 * once more, final, when the call's media goes; the light reads `reading`.
 */
import { nextTick, shallowRef } from 'vue';
import { QualityMonitor } from './quality-monitor';
import type { QualityReading } from './quality-monitor';
import type { CallQualityReport } from '../../../shared/audio/quality-schema';

export interface QualityTrackerOptions {
  /** The current call's stats; rejects when it has no media. */
  getStats: () => Promise<RTCStatsReport>;
  report: (report: CallQualityReport) => void;
}

export function qualityTracker(options: QualityTrackerOptions) {
  const reading = shallowRef<QualityReading | null>(null);
  let callId: string | null = null;
  let noAudio = false;
  const monitor = new QualityMonitor({
    getStats: options.getStats,
    onReading(next) {
      // The light's re-render counts towards the polling's cost too (Vue flushes in a microtask).
      const began = performance.now();
      reading.value = next;
      void nextTick(() => monitor.addCost(performance.now() - began));
      if (callId && next.noAudio !== noAudio) {
        noAudio = next.noAudio;
        options.report({ callId, worst: next.worst, noAudio, final: false });
      }
    },
  });

  function stop(): void {
    const worst = monitor.stop();
    if (callId && worst) options.report({ callId, worst, noAudio: false, final: true });
    callId = null;
    noAudio = false;
    reading.value = null;
  }

  /** Call after any change of the call or its audio connection (held: on hold). */
  function follow(id: string | null, talking: boolean, connected: boolean, held = false): void {
    monitor.held = held;
    if (callId && callId !== id) stop();
    if (id && talking && connected && !monitor.running) {
      callId = id;
      monitor.start();
    }
  }

  return { reading, follow, stop, cost: monitor.cost };
}
