/**
 * ITU-T G.107 E-model, reduced to what a softphone can measure: mouth-to-ear delay and packet
 * loss. Every other parameter keeps its G.107 default (Table 2), so with no delay and no loss
 * R = 93.2 (the default R of G.107 §7.1). Idte/Idle keep their default-parameter values (the
 * WebRTC echo canceller holds TELR at or above the default 65 dB), so delay enters through Idd.
 * Codec impairment follows G.113 Appendix I: G.711 with packet-loss concealment, Ie = 0,
 * Bpl = 25.1 (Opus is not tabled in G.113; its concealment is at least as good, so G.711's
 * figures are a conservative stand-in).
 */

/** R with every G.107 parameter at its default: Ro − Is − Id(T=0) + A. */
export const DEFAULT_R = 93.2;

export interface CodecImpairment {
  /** Equipment impairment factor Ie (G.113). */
  ie: number;
  /** Packet-loss robustness factor Bpl (G.113). */
  bpl: number;
}

/** G.711 with packet-loss concealment (G.113 Appendix I). */
export const G711_PLC: CodecImpairment = { ie: 0, bpl: 25.1 };

/** Delay impairment Idd for an absolute one-way delay `ta` in ms (G.107 §7.3, eq. 7-27). */
export function delayImpairment(ta: number): number {
  if (!(ta > 100)) return 0;
  const x = Math.log(ta / 100) / Math.log(2);
  return 25 * (Math.pow(1 + x ** 6, 1 / 6) - 3 * Math.pow(1 + (x / 3) ** 6, 1 / 6) + 2);
}

/**
 * Effective equipment impairment Ie,eff for `lossPercent` % packet loss (G.107 eq. 7-29),
 * random loss unless `burstR` > 1.
 */
export function lossImpairment(
  lossPercent: number,
  codec: CodecImpairment = G711_PLC,
  burstR = 1,
): number {
  const ppl = Math.min(100, Math.max(0, lossPercent));
  return codec.ie + ((95 - codec.ie) * ppl) / (ppl / burstR + codec.bpl);
}

export interface EModelInput {
  /** Mouth-to-ear delay, ms (network one way + jitter buffer + packetisation). */
  oneWayDelayMs: number;
  /** Packets lost, percent of packets expected. */
  lossPercent: number;
  codec?: CodecImpairment;
  burstR?: number;
}

/** The transmission rating factor R (0–100). */
export function rFactor(input: EModelInput): number {
  const r =
    DEFAULT_R -
    delayImpairment(input.oneWayDelayMs) -
    lossImpairment(input.lossPercent, input.codec, input.burstR);
  return Math.min(100, Math.max(0, r));
}

/** MOS (conversational quality estimate, 1–4.5) from R, G.107 Annex B eq. B-4. */
export function mosFromR(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
}

/** MOS estimate for a measured delay and loss. */
export function estimateMos(input: EModelInput): number {
  return mosFromR(rFactor(input));
}
