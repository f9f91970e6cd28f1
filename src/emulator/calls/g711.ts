/**
 * G.711 μ-law (PCMU, RTP payload type 0) by hand, so the emulator's media endpoint needs no codec
 * library: a tone generator that yields 20 ms packets, and the decoder the receive side uses to
 * measure what arrived.
 */

/** Samples per second of PCMU. */
export const PCMU_RATE = 8000;
/** Samples in one 20 ms packet (the usual ptime). */
export const SAMPLES_PER_PACKET = 160;

const BIAS = 0x84;
const CLIP = 32635;

/** One 16-bit linear sample to a μ-law byte (ITU-T G.711). */
export function linearToMulaw(sample: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  s = Math.min(s, CLIP) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** One μ-law byte to a 16-bit linear sample. */
export function mulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + BIAS) << exponent) - BIAS;
  return u & 0x80 ? -magnitude : magnitude;
}

/** A continuous sine (default 440 Hz at about -10 dBFS), μ-law encoded one packet at a time. */
export class ToneGenerator {
  private phase = 0;

  constructor(
    private readonly frequencyHz = 440,
    private readonly amplitude = 0.3,
  ) {}

  /** The next 20 ms of tone; the phase carries over, so packets join without clicks. */
  next(): Buffer {
    const payload = Buffer.alloc(SAMPLES_PER_PACKET);
    const step = (2 * Math.PI * this.frequencyHz) / PCMU_RATE;
    for (let i = 0; i < SAMPLES_PER_PACKET; i++) {
      payload[i] = linearToMulaw(Math.sin(this.phase) * this.amplitude * 32767);
      this.phase = (this.phase + step) % (2 * Math.PI);
    }
    return payload;
  }
}
