/**
 * The quality monitor against scripted getStats() reports: each second's sample comes from the
 * counters' change, "no audio received" after 3 s without packets, the worst figures kept.
 */
import { describe, expect, it } from 'vitest';
import { QualityMonitor, readCounters } from '../../src/renderer/src/media/quality-monitor';
import type { QualityReading } from '../../src/renderer/src/media/quality-monitor';

function report(entries: Record<string, unknown>[]): RTCStatsReport {
  const map = new Map(entries.map((e, i) => [String(e.id ?? i), e]));
  return map as unknown as RTCStatsReport;
}

function inbound(received: number, lost: number, jitterS = 0.002, emitted = received) {
  return [
    {
      type: 'inbound-rtp',
      kind: 'audio',
      packetsReceived: received,
      packetsLost: lost,
      jitter: jitterS,
      jitterBufferDelay: emitted * 0.04,
      jitterBufferEmittedCount: emitted,
    },
    { type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: 0.05 },
    { type: 'inbound-rtp', kind: 'video', packetsReceived: 999999 },
  ];
}

function world() {
  let now = 0;
  let next: RTCStatsReport = report([]);
  const readings: QualityReading[] = [];
  const monitor = new QualityMonitor({
    getStats: async () => next,
    now: () => now,
    setInterval: () => 1,
    clearInterval: () => undefined,
    onReading: (r) => readings.push(r),
  });
  monitor.start();
  return {
    monitor,
    readings,
    async tick(entries: Record<string, unknown>[]) {
      now += 1000;
      next = report(entries);
      await monitor.read();
      return readings.at(-1)!;
    },
  };
}

describe('quality monitor', () => {
  it('reads audio counters only, and RTT from RTCP (else from ICE)', () => {
    expect(readCounters(report(inbound(100, 2)))).toMatchObject({
      packetsReceived: 100,
      packetsLost: 2,
      rttMs: 50,
    });
    expect(
      readCounters(
        report([
          { type: 'candidate-pair', nominated: true, currentRoundTripTime: 0.12 },
          { type: 'inbound-rtp', kind: 'audio', packetsReceived: 1 },
        ]),
      ).rttMs,
    ).toBeCloseTo(120);
  });

  it('grades each second from the change in counters', async () => {
    const w = world();
    expect((await w.tick(inbound(50, 0))).sample).toBeNull();
    const clean = await w.tick(inbound(100, 0));
    expect(clean.sample).toMatchObject({ lossPercent: 0, rttMs: 50 });
    expect(clean.sample!.mos).toBeGreaterThan(4.3);
    const lossy = await w.tick(inbound(145, 5, 0.04));
    expect(lossy.sample!.lossPercent).toBeCloseTo(10);
    expect(lossy.sample!.jitterMs).toBeCloseTo(40);
    expect(lossy.sample!.mos).toBeLessThan(3.6);
    expect(lossy.worst).toMatchObject({ maxLossPercent: 10, samples: 2 });
    expect(lossy.worst.minMos).toBe(lossy.sample!.mos);
  });

  it('says "no audio received" after 3 s without a packet, and clears when packets return', async () => {
    const w = world();
    await w.tick(inbound(50, 0));
    await w.tick(inbound(100, 0));
    expect((await w.tick(inbound(100, 0))).noAudio).toBe(false);
    expect((await w.tick(inbound(100, 0))).noAudio).toBe(false);
    const silent = await w.tick(inbound(100, 0));
    expect(silent).toMatchObject({ noAudio: true, silenceMs: 3000 });
    const back = await w.tick(inbound(150, 0));
    expect(back.noAudio).toBe(false);
    expect(back.worst.longestSilenceMs).toBe(3000);
  });

  it('keeps the thread time of its reads, and stops with the call', async () => {
    const w = world();
    await w.tick(inbound(50, 0));
    await w.tick(inbound(100, 0));
    expect(w.monitor.cost.reads).toBe(2);
    expect(w.monitor.stop()).toMatchObject({ samples: 1 });
    await w.tick(inbound(150, 0));
    expect(w.readings).toHaveLength(2);
    expect(w.monitor.stop()).toBeNull();
  });
});

describe('quality monitor on hold', () => {
  it('does not call a held call silent', async () => {
    const w = world();
    await w.tick(inbound(50, 0));
    w.monitor.held = true;
    for (let i = 0; i < 4; i++) expect((await w.tick(inbound(50, 0))).noAudio).toBe(false);
    w.monitor.held = false;
    await w.tick(inbound(50, 0));
    await w.tick(inbound(50, 0));
    expect((await w.tick(inbound(50, 0))).noAudio).toBe(true);
  });
});
