/** The retry schedule: short first retries, then exponential with jitter up to the cap. */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SIP_TIMING,
  refreshDelayMs,
  registerTimeoutMs,
  retryDelay,
} from '../../../src/main/sip/timing';

const t = DEFAULT_SIP_TIMING;

describe('SIP timing', () => {
  it('keeps the first retries within the base ceiling, then doubles up to the cap', () => {
    const ceiling = (failures: number) => retryDelay(failures, t, () => 1);
    const floor = (failures: number) => retryDelay(failures, t, () => 0);
    for (let f = 1; f <= t.quickRetries + 1; f++) expect(ceiling(f)).toBe(t.backoffBaseMs);
    expect(ceiling(t.quickRetries + 2)).toBe(t.backoffBaseMs * 2);
    expect(ceiling(t.quickRetries + 3)).toBe(t.backoffBaseMs * 4);
    expect(ceiling(100)).toBe(t.backoffCapMs);
    expect(floor(100)).toBe(t.backoffBaseMs / 2);
  });

  it('spreads retries (jitter) between the floor and the ceiling', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelay(20, t)));
    expect(delays.size).toBeGreaterThan(10);
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(t.backoffBaseMs / 2);
    for (const d of delays) expect(d).toBeLessThanOrEqual(t.backoffCapMs);
  });

  it('refreshes at ~55% of the granted expiry and bounds the REGISTER wait below it', () => {
    expect(refreshDelayMs(300, t)).toBe(165_000);
    expect(registerTimeoutMs(300, t)).toBe(t.registerTimeoutMs);
    expect(registerTimeoutMs(10, t)).toBe(3_000);
  });
});
