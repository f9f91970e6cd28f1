/** The retry schedule: exponential with jitter; a low ceiling while nothing accepts connections. */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SIP_TIMING,
  refreshPercent,
  registerTimeoutMs,
  retryDelay,
} from '../../../src/main/sip/timing';

const t = DEFAULT_SIP_TIMING;
const ceiling = (failures: number, reached = true) => retryDelay(failures, t, reached, () => 1);
const floor = (failures: number, reached = true) => retryDelay(failures, t, reached, () => 0);

describe('SIP timing', () => {
  it('doubles the ceiling from ~0.5 s up to the 30 s cap once the server has answered', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((f) => ceiling(f))).toEqual([
      500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
    expect(floor(100)).toBe(t.backoffBaseMs / 2);
  });

  it('keeps retrying within ~1.5 s while the port refuses (a restarting server is found fast)', () => {
    expect([1, 2, 3, 50].map((f) => ceiling(f, false))).toEqual([500, 1_000, 1_500, 1_500]);
  });

  it('spreads retries (jitter) between the floor and the ceiling', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelay(20, t, true)));
    expect(delays.size).toBeGreaterThan(10);
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(t.backoffBaseMs / 2);
    for (const d of delays) expect(d).toBeLessThanOrEqual(t.backoffCapMs);
  });

  it('notices a dead connection within 30 s, refreshes at ~55%, bounds the REGISTER wait', () => {
    expect(t.keepaliveIntervalMs + t.keepaliveTimeoutMs).toBeLessThanOrEqual(30_000);
    expect(refreshPercent(t)).toBe(55);
    expect(registerTimeoutMs(300, t)).toBe(t.registerTimeoutMs);
    expect(registerTimeoutMs(10, t)).toBe(3_000);
  });
});
