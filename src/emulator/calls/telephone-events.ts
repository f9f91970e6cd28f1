/**
 * RFC 4733 telephone-events (keypad tones sent as RTP events, not as audio) turned into digits,
 * for both of the emulator's customer endpoints: the WebRTC one of the embedded mode and the
 * plain RTP one of the edge mode. The payloads come from the network, so nothing here throws.
 */

/** Event codes 0–15 (RFC 4733 §3.2) as the keypad writes them; other codes are not digits. */
const EVENT_DIGITS = '0123456789*#ABCD';
/** RFC 4733 §2.3: event (8 bits), E|R|volume (8 bits), duration (16 bits). */
const EVENT_PAYLOAD_BYTES = 4;
const END_BIT = 0x80;
/** How many events are remembered as counted: far more than can still be in flight. */
const REMEMBERED = 32;

/**
 * One digit per event, noted at the first end-of-event packet that arrives. An event is known
 * by its stream and RTP timestamp (§2.5.1.3), so the end packet's repeats (§2.5.1.4), copies and
 * late stragglers are counted once, in whatever order they come.
 */
export class TelephoneEventDecoder {
  private text = '';
  private readonly counted = new Set<string>();

  /** Every digit decoded so far, in the order their events ended. */
  get digits(): string {
    return this.text;
  }

  /** Takes one telephone-event packet's payload; returns the digit it completed, if any. */
  push(payload: Uint8Array, timestamp: number, ssrc: number): string | null {
    if (payload.length < EVENT_PAYLOAD_BYTES) return null;
    if ((payload[1]! & END_BIT) === 0) return null;
    const digit = EVENT_DIGITS[payload[0]!];
    if (digit === undefined) return null;
    const key = `${ssrc >>> 0}:${timestamp >>> 0}`;
    if (this.counted.has(key)) return null;
    this.counted.add(key);
    if (this.counted.size > REMEMBERED) {
      // A Set iterates in insertion order: the first is the oldest.
      this.counted.delete(this.counted.values().next().value!);
    }
    this.text += digit;
    return digit;
  }
}
