/**
 * What a registrar's 200 OK to the line's REGISTER grants, and what the line makes of it:
 * - `expires=0` (or no expiry at all): no binding the line can keep. The attempt fails with the
 *   expiry named, and the line backs off with growing waits instead of reconnecting every half
 *   second (sip.js would time a refresh of 0 s and register again at once);
 * - an expiry too long for a timer (past 2^31 ms, e.g. 30 days): the line refreshes at the
 *   expiry it asked for instead, and stays registered on one connection (sip.js's timer would
 *   fire at once);
 * - our Contact rewritten (some registrars drop `;transport=ws`): the agent is told the
 *   registrar's 200 OK did not list our Contact, not "0 refused".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger, systemClock } from '../../../src/lib/ports';
import { createSipLine } from '../../../src/main/sip/index';
import type { SipLine } from '../../../src/main/sip/types';
import { waitFor } from '../../support/wait';
import { bareLineConfig, bareServer } from './support/bare-server';
import {
  FAST_TIMING,
  recordStates,
  recordingWebSocket,
  untilState,
  untilStatus,
} from './support/line';

let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.reverse()) await stop();
  stops = [];
});

/** The Contact the REGISTER offers, without the expiry it asks for. */
const contactOf = (register: string) =>
  /^Contact: (.*)$/m
    .exec(register)![1]!
    .trim()
    .replace(/;expires=\d+/, '');
const registers = (server: { received: string[] }) =>
  server.received.filter((m) => m.startsWith('REGISTER ')).length;

/** Backoff waits at their ceiling (random = 1): 100, 200, 400, 800 ms … */
const TIMING = { ...FAST_TIMING, backoffBaseMs: 100, backoffCapMs: 5_000 };

/** A line against a registrar whose 200 OK lists `contact(ours)` for our REGISTER. */
async function granting(contact: (ours: string) => string, expiresSec = 300) {
  const server = await bareServer((register) => ({
    status: '200 OK',
    headers: [`Contact: ${contact(contactOf(register))}`],
  }));
  const { Ctor, sockets } = recordingWebSocket();
  const line: SipLine = createSipLine({
    clock: systemClock,
    logger: silentLogger,
    timing: TIMING,
    random: () => 1,
    webSocket: Ctor,
  });
  stops.push(
    () => server.close(),
    () => line.stop(),
  );
  /** How long the line waited before each retry. */
  const waits: number[] = [];
  line.onStatus((s) => {
    if (s.state === 'backing-off' && s.nextRetryAt) waits.push(s.nextRetryAt - s.since);
  });
  line.start({ ...bareLineConfig(server), expiresSec });
  return { line, server, sockets, waits };
}

describe('a 200 OK granting no time', () => {
  for (const [what, contact] of [
    ['expires=0', (ours: string) => `${ours};expires=0`],
    ['no expires', (ours: string) => ours],
  ] as const) {
    it(`${what}: the agent is told the expiry, and the retries wait longer each time`, async () => {
      const { line, waits } = await granting(contact);
      const states = recordStates(line);
      await untilStatus(line, () => waits.length >= 3, 'three retries', 3_000);
      // (to the 10 ms: the retry time is taken a tick before the state's.)
      expect(waits.slice(0, 3).map((ms) => Math.round(ms / 10) * 10)).toEqual([100, 200, 400]);
      // Never shown registered: the binding was not there to keep.
      expect(states).not.toContain('registered');
      expect(line.status().lastError).toMatchObject({ code: 'sip-rejected' });
      expect(line.status().lastError?.detail).toContain(
        `granted our Contact ${what}: no binding the line can keep`,
      );
    });
  }
});

describe('a 200 OK granting longer than a timer can hold', () => {
  it('30 days: the line stays registered on one connection, refreshing at what it asked', async () => {
    // Asks for 2 s, so the refresh (at 55 %) comes within the test.
    const { line, server, sockets } = await granting((ours) => `${ours};expires=2592000`, 2);
    await untilState(line, 'registered', 3_000);
    const states = recordStates(line);
    const registeredAt = Date.now();
    await waitFor(() => registers(server) >= 2, 'the refresh', 3_000);
    expect(Date.now() - registeredAt).toBeGreaterThanOrEqual(900);
    await new Promise((r) => setTimeout(r, 200));
    expect(states).toEqual(['registered']);
    expect(sockets).toHaveLength(1);
    expect(registers(server)).toBe(2);
  });
});

describe('a 200 OK that lists our Contact rewritten', () => {
  it('without ;transport=ws: the agent is told which Contact was missing', async () => {
    const { line } = await granting((ours) => `${ours.replace(/;transport=ws/i, '')};expires=300`);
    const status = await untilState(line, 'backing-off', 3_000);
    expect(status.lastError).toMatchObject({ code: 'sip-rejected' });
    const detail = status.lastError?.detail ?? '';
    expect(detail).toMatch(
      /^the registrar's 200 OK did not list our Contact <sip:ad[0-9a-f]+@[0-9a-f]+\.invalid;transport=ws> \(it listed <sip:ad[0-9a-f]+@[0-9a-f]+\.invalid>\)$/,
    );
  });
});
