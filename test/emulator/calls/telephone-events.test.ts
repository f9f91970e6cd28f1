/**
 * The RFC 4733 decoder both customer endpoints use (embedded WebRTC and edge plain RTP): one digit
 * per event however its packets arrive, and nothing thrown for whatever the network brings.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TelephoneEventDecoder } from '../../../src/emulator/calls/telephone-events';

const SSRC = 0x1234_5678;

/** One telephone-event payload (§2.3): event, E bit + volume 10, duration. */
function payload(event: number, end: boolean, duration = 800): Uint8Array {
  return Uint8Array.of(event, (end ? 0x80 : 0) | 10, duration >> 8, duration & 0xff);
}

/** What a sender puts on the wire for one event: progress packets, then the end three times. */
function eventPackets(event: number, timestamp: number, ssrc = SSRC) {
  return [
    ...[160, 320, 480].map((d) => ({ p: payload(event, false, d), timestamp, ssrc })),
    ...[1, 2, 3].map(() => ({ p: payload(event, true, 800), timestamp, ssrc })),
  ];
}

function decode(packets: { p: Uint8Array; timestamp: number; ssrc: number }[]): string {
  const decoder = new TelephoneEventDecoder();
  for (const { p, timestamp, ssrc } of packets) decoder.push(p, timestamp, ssrc);
  return decoder.digits;
}

describe('RFC 4733 telephone-event decoder', () => {
  it('notes one digit per event, at its first end packet, the repeated ends counted once', () => {
    const decoder = new TelephoneEventDecoder();
    expect(decoder.push(payload(1, false), 1000, SSRC)).toBeNull();
    expect(decoder.digits).toBe('');
    expect(decoder.push(payload(1, true), 1000, SSRC)).toBe('1');
    expect(decoder.push(payload(1, true), 1000, SSRC)).toBeNull();
    expect(decoder.push(payload(1, true), 1000, SSRC)).toBeNull();
    expect(decoder.digits).toBe('1');
  });

  it('maps event codes 0–15 to 0–9 * # A–D', () => {
    const packets = Array.from({ length: 16 }, (_, event) =>
      eventPackets(event, 1000 * (event + 1)),
    );
    expect(decode(packets.flat())).toBe('0123456789*#ABCD');
  });

  it('counts duplicates and late stragglers once, in whatever order they come', () => {
    const one = eventPackets(1, 1000);
    const two = eventPackets(2, 2000);
    const hash = eventPackets(11, 3000);
    // 2's end packets overtake 1's and its own start; copies of 1's and 2's come after #.
    const packets = [
      ...one.slice(0, 3),
      ...two.slice(3),
      ...two.slice(0, 3),
      ...one.slice(3),
      ...hash,
      one[5]!,
      one[3]!,
      ...two,
    ];
    expect(decode(packets)).toBe('21#');
  });

  it('tells events apart by stream: the same timestamp on another SSRC is another event', () => {
    expect(decode([...eventPackets(5, 7000, 1), ...eventPackets(6, 7000, 2)])).toBe('56');
  });

  it('ignores event codes that are not keypad digits (flash, and codes no one defined)', () => {
    const packets = [
      ...eventPackets(16, 1000), // flash
      ...eventPackets(17, 2000),
      ...eventPackets(255, 3000),
      ...eventPackets(9, 4000),
    ];
    expect(decode(packets)).toBe('9');
  });

  it('ignores truncated payloads without throwing', () => {
    const decoder = new TelephoneEventDecoder();
    for (const bytes of [[], [1], [1, 0x80], [1, 0x80, 0]]) {
      expect(decoder.push(Uint8Array.from(bytes), 1000, SSRC)).toBeNull();
    }
    expect(decoder.digits).toBe('');
    // The same event complete afterwards still counts.
    expect(decoder.push(payload(1, true), 1000, SSRC)).toBe('1');
  });

  it('never throws on any bytes, and only ever yields keypad characters', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            bytes: fc.uint8Array({ maxLength: 12 }),
            timestamp: fc.oneof(fc.integer(), fc.double()),
            ssrc: fc.oneof(fc.integer(), fc.double()),
          }),
        ),
        (packets) => {
          const decoder = new TelephoneEventDecoder();
          for (const { bytes, timestamp, ssrc } of packets) decoder.push(bytes, timestamp, ssrc);
          expect(decoder.digits).toMatch(/^[0-9*#A-D]*$/);
        },
      ),
    );
  });
});
