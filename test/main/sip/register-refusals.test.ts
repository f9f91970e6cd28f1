/**
 * How the line takes a registrar's refusals that carry more than a status:
 * - `503` with `Retry-After` (a registrar under overload): the line waits at least what it asked
 *   (up to a cap) instead of its own short backoff, so a floor of desktops does not keep an
 *   outage going;
 * - `423 Interval Too Brief`: sip.js registers again by itself with the Min-Expires asked for;
 *   a refusal of that REGISTER is reported at once and as what it was (a 403 there is refused
 *   credentials), not after the register watchdog as a timeout, retried forever. That retry is
 *   the only one: a registrar that answers 423 again, or asks for a Min-Expires no longer than
 *   what the line sent, fails the attempt (the agent sees why) and the line backs off, instead
 *   of sending REGISTERs as fast as the connection carries them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger, systemClock } from '../../../src/lib/ports';
import { createSipLine } from '../../../src/main/sip/index';
import { retryAfterMs, retryDelay, DEFAULT_SIP_TIMING } from '../../../src/main/sip/timing';
import type { SipLine } from '../../../src/main/sip/types';
import { waitFor } from '../../support/wait';
import { bareLineConfig, bareServer } from './support/bare-server';
import { FAST_TIMING, recordStates, untilState, untilStatus } from './support/line';

const registers = (server: { received: string[] }) =>
  server.received.filter((m) => m.startsWith('REGISTER ')).length;

let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.reverse()) await stop();
  stops = [];
});

async function lineAgainst(
  refuse: Parameters<typeof bareServer>[0],
  timing = FAST_TIMING,
): Promise<{ line: SipLine; server: Awaited<ReturnType<typeof bareServer>> }> {
  const server = await bareServer(refuse);
  const line = createSipLine({ clock: systemClock, logger: silentLogger, timing });
  stops.push(
    () => server.close(),
    () => line.stop(),
  );
  line.start(bareLineConfig(server));
  return { line, server };
}

describe('503 with Retry-After', () => {
  it('is not asked again before the time it gave', async () => {
    const { line, server } = await lineAgainst(() => ({
      status: '503 Service Unavailable',
      headers: ['Retry-After: 30'],
    }));
    const status = await untilState(line, 'backing-off');
    const wait = status.nextRetryAt! - Date.now();
    // At least the 30 s asked (plus up to a tenth, to spread a floor's returns), not FAST_TIMING's
    // 100–400 ms.
    expect(wait).toBeGreaterThan(29_000);
    expect(wait).toBeLessThanOrEqual(33_000);
    expect(status.lastError?.detail).toContain('503');
    await new Promise((r) => setTimeout(r, 800));
    expect(registers(server)).toBe(1);
  });

  it('a wait beyond the cap is cut to the cap', async () => {
    const { line } = await lineAgainst(
      () => ({ status: '503 Service Unavailable', headers: ['Retry-After: 86400 (maintenance)'] }),
      { ...FAST_TIMING, retryAfterCapMs: 2_000 },
    );
    const status = await untilState(line, 'backing-off');
    expect(status.nextRetryAt! - Date.now()).toBeLessThanOrEqual(2_200);
  });

  it('a 503 without one keeps the line’s own backoff', async () => {
    const { line, server } = await lineAgainst(() => ({ status: '503 Service Unavailable' }));
    await untilStatus(line, () => registers(server) >= 3, 'three REGISTERs', 5_000);
  });
});

describe('423 Interval Too Brief', () => {
  // A register watchdog far longer than the test waits: an answer by then is the refusal's own.
  const SLOW_WATCHDOG = { ...FAST_TIMING, registerTimeoutMs: 20_000 };

  it('registers with the Min-Expires asked for', async () => {
    const { line, server } = await lineAgainst((register) =>
      /expires=300/.test(register)
        ? { status: '423 Interval Too Brief', headers: ['Min-Expires: 600'] }
        : null,
    );
    await untilState(line, 'registered', 3_000);
    expect(server.received.filter((m) => m.startsWith('REGISTER ')).at(-1)).toMatch(/expires=600/);
  });

  it('a 403 to the REGISTER sent again is refused credentials, at once', async () => {
    const { line, server } = await lineAgainst(
      (register) =>
        /expires=300/.test(register)
          ? { status: '423 Interval Too Brief', headers: ['Min-Expires: 600'] }
          : { status: '403 Forbidden' },
      SLOW_WATCHDOG,
    );
    const status = await untilState(line, 'failed-auth', 3_000);
    expect(status.lastError).toMatchObject({ code: 'sip-auth-failed' });
    expect(status.lastError?.detail).toContain('403');
    expect(registers(server)).toBe(2);
  });

  it('a registrar that keeps answering 423 gets one retry, then the line backs off and says why', async () => {
    const { line, server } = await lineAgainst(
      () => ({ status: '423 Interval Too Brief', headers: ['Min-Expires: 600'] }),
      SLOW_WATCHDOG,
    );
    const status = await untilState(line, 'backing-off', 3_000);
    expect(status.lastError).toMatchObject({ code: 'sip-rejected' });
    expect(status.lastError?.detail).toMatch(/^423 .*Min-Expires 600/);
    const sent = server.received.filter((m) => m.startsWith('REGISTER '));
    expect(sent.map((m) => /;expires=(\d+)/.exec(m)?.[1])).toEqual(['300', '600']);
    // Each later attempt sends two more, on the backoff: a handful a second, not thousands.
    await new Promise((r) => setTimeout(r, 500));
    expect(registers(server)).toBeLessThanOrEqual(12);
  });

  it('a Min-Expires no longer than what the line sent is not followed', async () => {
    const { line, server } = await lineAgainst(
      () => ({ status: '423 Interval Too Brief', headers: ['Min-Expires: 300'] }),
      SLOW_WATCHDOG,
    );
    const status = await untilState(line, 'backing-off', 3_000);
    expect(status.lastError?.detail).toMatch(/^423 .*Min-Expires 300.*expires=300/);
    expect(registers(server)).toBe(1);
  });

  it('a refresh refused 423 gets its own retry, and the line stays registered', async () => {
    let answered = 0;
    const { line, server } = await lineAgainst((register) => {
      answered += 1;
      const contact = /^Contact: (.*)$/m.exec(register)![1]!.trim();
      // First a short grant, so the refresh comes within the test; then a minimum raised.
      if (answered === 1) return { status: '200 OK', headers: [`Contact: ${contact};expires=2`] };
      if (/expires=300/.test(register))
        return { status: '423 Interval Too Brief', headers: ['Min-Expires: 600'] };
      return null;
    }, SLOW_WATCHDOG);
    await untilState(line, 'registered', 3_000);
    const states = recordStates(line);
    await waitFor(() => registers(server) >= 3, 'the refresh and its retry', 4_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(server.received.filter((m) => m.startsWith('REGISTER ')).at(-1)).toMatch(/expires=600/);
    expect(states).toEqual(['registered']);
    expect(registers(server)).toBe(3);
  });

  it('without Min-Expires it is a refusal at once, retried on the backoff', async () => {
    const { line } = await lineAgainst(() => ({ status: '423 Interval Too Brief' }), SLOW_WATCHDOG);
    const status = await untilState(line, 'backing-off', 3_000);
    expect(status.lastError).toMatchObject({ code: 'sip-rejected' });
    expect(status.lastError?.detail).toContain('423');
  });
});

describe('retryDelay and Retry-After', () => {
  it('reads the seconds of every form RFC 3261 allows, and nothing else', () => {
    expect(retryAfterMs('120')).toBe(120_000);
    expect(retryAfterMs(' 18000;duration=3600')).toBe(18_000_000);
    expect(retryAfterMs('120 (I am in a meeting)')).toBe(120_000);
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs('1.5')).toBeUndefined();
    expect(retryAfterMs('-5')).toBeUndefined();
  });

  it('waits the longer of the backoff and what was asked', () => {
    const t = DEFAULT_SIP_TIMING;
    const half = () => 0.5;
    expect(retryDelay(1, t, true, half, 0)).toBe(retryDelay(1, t, true, half));
    expect(retryDelay(1, t, true, half, 10_000)).toBe(10_500);
    expect(retryDelay(1, t, true, half, 10 * 3_600_000)).toBe(t.retryAfterCapMs * 1.05);
  });
});
