/**
 * How a call sounds, from what getStats() says once a second: the light's grade, the hints the
 * agent reads when it is poor, the worst figures kept with the call, and the "no audio received"
 * rule. The window measures; these rules judge (one home for every judgement).
 */
import { estimateMos } from './e-model';

/** One second of a call as measured (null = the engine did not say). */
export interface QualitySample {
  /** Inbound interarrival jitter, ms. */
  jitterMs: number;
  /** Packets lost over the last interval, percent of expected. */
  lossPercent: number;
  /** Round-trip time, ms (from RTCP; null until the first report). */
  rttMs: number | null;
  /** E-model MOS estimate (1–4.5). */
  mos: number;
}

export type QualityGrade = 'good' | 'fair' | 'poor';
export type QualityHint = 'loss' | 'jitter' | 'delay';

/** The worst figures of one call, kept with the call's record. */
export interface CallQualitySummary {
  /** Lowest MOS seen. */
  minMos: number;
  maxJitterMs: number;
  maxLossPercent: number;
  /** Highest RTT seen; null when the engine never reported one. */
  maxRttMs: number | null;
  /** Longest stretch with a connected call and no packet received, ms. */
  longestSilenceMs: number;
  /** Samples taken. */
  samples: number;
}

/** No packet for this long on a connected call = "no audio received". */
export const NO_AUDIO_MS = 3000;
/** Packetisation delay added to the mouth-to-ear estimate (20 ms frames). */
const PACKETISATION_MS = 20;
const GOOD_MOS = 4.0;
const FAIR_MOS = 3.6;
const HINT_LOSS_PERCENT = 3;
const HINT_JITTER_MS = 30;
const HINT_RTT_MS = 400;

/** A MOS estimate from measured figures: one way = RTT / 2 + jitter buffer + packetisation. */
export function sampleOf(figures: {
  jitterMs: number;
  lossPercent: number;
  rttMs: number | null;
  jitterBufferMs: number;
}): QualitySample {
  const oneWayDelayMs =
    (figures.rttMs ?? 0) / 2 + Math.max(figures.jitterBufferMs, 0) + PACKETISATION_MS;
  return {
    jitterMs: figures.jitterMs,
    lossPercent: figures.lossPercent,
    rttMs: figures.rttMs,
    mos: estimateMos({ oneWayDelayMs, lossPercent: figures.lossPercent }),
  };
}

/** ≥ 4.0 good (users satisfied), ≥ 3.6 fair (some dissatisfied), below poor (G.107 Annex B). */
export function gradeOf(sample: QualitySample): QualityGrade {
  return sample.mos >= GOOD_MOS ? 'good' : sample.mos >= FAIR_MOS ? 'fair' : 'poor';
}

/** What to say when quality is not good, most telling first. */
export function hintsOf(sample: QualitySample): QualityHint[] {
  const hints: QualityHint[] = [];
  if (sample.lossPercent >= HINT_LOSS_PERCENT) hints.push('loss');
  if (sample.jitterMs >= HINT_JITTER_MS) hints.push('jitter');
  if (sample.rttMs !== null && sample.rttMs >= HINT_RTT_MS) hints.push('delay');
  return hints;
}

/** Folds one sample (and the current silence) into a call's worst figures. */
export function worstOf(
  summary: CallQualitySummary | null,
  sample: QualitySample | null,
  silenceMs = 0,
): CallQualitySummary {
  const base: CallQualitySummary = summary ?? {
    minMos: 4.5,
    maxJitterMs: 0,
    maxLossPercent: 0,
    maxRttMs: null,
    longestSilenceMs: 0,
    samples: 0,
  };
  const next = { ...base, longestSilenceMs: Math.max(base.longestSilenceMs, silenceMs) };
  if (!sample) return next;
  return {
    ...next,
    minMos: Math.min(base.minMos, sample.mos),
    maxJitterMs: Math.max(base.maxJitterMs, sample.jitterMs),
    maxLossPercent: Math.max(base.maxLossPercent, sample.lossPercent),
    maxRttMs: sample.rttMs === null ? base.maxRttMs : Math.max(base.maxRttMs ?? 0, sample.rttMs),
    samples: base.samples + 1,
  };
}

/** True when a connected call has received nothing for NO_AUDIO_MS. */
export function noAudioReceived(connected: boolean, silenceMs: number): boolean {
  return connected && silenceMs >= NO_AUDIO_MS;
}
