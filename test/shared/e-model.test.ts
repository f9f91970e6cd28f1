import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_R,
  delayImpairment,
  estimateMos,
  lossImpairment,
  mosFromR,
  rFactor,
} from '../../src/shared/audio/e-model';
import {
  gradeOf,
  hintsOf,
  noAudioReceived,
  sampleOf,
  worstOf,
} from '../../src/shared/audio/call-quality';

describe('E-model (ITU-T G.107)', () => {
  it('gives the default R of 93.2 (MOS 4.41) with no delay and no loss', () => {
    expect(rFactor({ oneWayDelayMs: 0, lossPercent: 0 })).toBeCloseTo(DEFAULT_R, 5);
    expect(mosFromR(93.2)).toBeCloseTo(4.41, 2);
  });

  it('maps R to MOS as G.107 Annex B tabulates it', () => {
    // G.107 Annex B, Table B.1 / Figure B.1: R → MOS.
    expect(mosFromR(90)).toBeCloseTo(4.34, 2);
    expect(mosFromR(80)).toBeCloseTo(4.02, 2);
    expect(mosFromR(70)).toBeCloseTo(3.6, 2);
    expect(mosFromR(60)).toBeCloseTo(3.1, 2);
    expect(mosFromR(50)).toBeCloseTo(2.58, 2);
    expect(mosFromR(0)).toBe(1);
    expect(mosFromR(-5)).toBe(1);
    expect(mosFromR(100)).toBe(4.5);
  });

  it('charges no delay impairment up to 100 ms, then the Idd curve', () => {
    expect(delayImpairment(0)).toBe(0);
    expect(delayImpairment(100)).toBe(0);
    // X = log2(Ta/100): Ta = 200 → X = 1; Ta = 400 → X = 2 (eq. 7-27 by hand).
    expect(delayImpairment(200)).toBeCloseTo(3.04, 2);
    expect(delayImpairment(400)).toBeCloseTo(24.07, 1);
    expect(delayImpairment(800)).toBeGreaterThan(delayImpairment(400));
  });

  it('charges loss by Ie,eff with G.711+PLC figures (G.113: Ie 0, Bpl 25.1)', () => {
    expect(lossImpairment(0)).toBe(0);
    expect(lossImpairment(2)).toBeCloseTo((95 * 2) / 27.1, 5);
    expect(lossImpairment(10)).toBeCloseTo(27.07, 2);
    // Bursty loss hurts more than random loss at the same rate.
    expect(lossImpairment(10, undefined, 2)).toBeGreaterThan(lossImpairment(10));
  });

  it('puts 10 % loss at 150 ms one way in the poor band (MOS ≈ 3.4)', () => {
    const mos = estimateMos({ oneWayDelayMs: 150, lossPercent: 10 });
    expect(mos).toBeGreaterThan(3.2);
    expect(mos).toBeLessThan(3.5);
  });

  it('never rises as delay or loss grows, and stays within 1–4.5', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 2000, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 500, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        (delay, loss, moreDelay, moreLoss) => {
          const mos = estimateMos({ oneWayDelayMs: delay, lossPercent: loss });
          expect(mos).toBeGreaterThanOrEqual(1);
          expect(mos).toBeLessThanOrEqual(4.5);
          const worse = estimateMos({
            oneWayDelayMs: delay + moreDelay,
            lossPercent: Math.min(100, loss + moreLoss),
          });
          expect(worse).toBeLessThanOrEqual(mos + 1e-9);
        },
      ),
    );
  });
});

describe('call quality rules', () => {
  const clean = sampleOf({ jitterMs: 2, lossPercent: 0, rttMs: 20, jitterBufferMs: 20 });
  const lossy = sampleOf({ jitterMs: 45, lossPercent: 10, rttMs: 300, jitterBufferMs: 80 });

  it('grades a clean call good and a lossy, jittery one poor, with hints', () => {
    expect(gradeOf(clean)).toBe('good');
    expect(hintsOf(clean)).toEqual([]);
    expect(gradeOf(lossy)).toBe('poor');
    expect(hintsOf(lossy)).toEqual(['loss', 'jitter']);
    expect(hintsOf({ ...clean, rttMs: 600 })).toEqual(['delay']);
  });

  it('keeps the worst figures of a call', () => {
    let worst = worstOf(null, clean);
    worst = worstOf(worst, lossy, 1200);
    worst = worstOf(worst, clean);
    expect(worst).toEqual({
      minMos: lossy.mos,
      maxJitterMs: 45,
      maxLossPercent: 10,
      maxRttMs: 300,
      longestSilenceMs: 1200,
      samples: 3,
    });
    expect(worstOf(null, null).maxRttMs).toBeNull();
  });

  it('says "no audio received" after 3 s without packets on a connected call only', () => {
    expect(noAudioReceived(true, 2999)).toBe(false);
    expect(noAudioReceived(true, 3000)).toBe(true);
    expect(noAudioReceived(false, 10_000)).toBe(false);
  });
});
