/**
 * A registrar (or a proxy in front of it) that accepts the REGISTER and then drops the
 * connection. A registration counts as working only once it held for `registrationHeldMs`: one
 * lost sooner is one more failure, so the line backs off with growing waits instead of opening a
 * new connection every half second; one that held resets the backoff, so after a real one-off
 * drop the agent is registered again within the first, short wait.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { silentLogger, systemClock } from '../../../src/lib/ports';
import { createSipLine } from '../../../src/main/sip/index';
import type { SipTiming } from '../../../src/main/sip/timing';
import { bareLineConfig } from './support/bare-server';
import { FAST_TIMING, untilStatus } from './support/line';

let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.reverse()) await stop();
  stops = [];
});

/** A registrar that answers every REGISTER 200 OK and cuts the connection `dropAfterMs` later. */
async function flappingRegistrar(dropAfterMs: number) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'sip' });
  await new Promise<void>((done) => wss.once('listening', () => done()));
  let connections = 0;
  wss.on('connection', (ws) => {
    connections += 1;
    ws.on('message', (data) => {
      const text = String(data);
      if (!text.startsWith('REGISTER ')) return;
      const header = (name: string) =>
        new RegExp(`^${name}: (.*)$`, 'mi').exec(text)?.[1]?.trim() ?? '';
      ws.send(
        [
          'SIP/2.0 200 OK',
          `Via: ${header('Via')}`,
          `From: ${header('From')}`,
          `To: ${header('To')};tag=reg1`,
          `Call-ID: ${header('Call-ID')}`,
          `CSeq: ${header('CSeq')}`,
          `Contact: ${header('Contact')}`,
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      );
      setTimeout(() => ws.terminate(), dropAfterMs);
    });
  });
  stops.push(
    () =>
      new Promise<void>((done) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => done());
      }),
  );
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    connections: () => connections,
  };
}

/** The waits before the line's first three retries (at the backoff's ceiling: random = 1). */
async function firstWaits(dropAfterMs: number, timing: Partial<SipTiming>) {
  const server = await flappingRegistrar(dropAfterMs);
  const line = createSipLine({
    clock: systemClock,
    logger: silentLogger,
    timing: { ...FAST_TIMING, backoffBaseMs: 100, backoffCapMs: 5_000, ...timing },
    random: () => 1,
  });
  stops.push(() => line.stop());
  const waits: number[] = [];
  line.onStatus((s) => {
    if (s.state === 'backing-off' && s.nextRetryAt) waits.push(s.nextRetryAt - s.since);
  });
  line.start(bareLineConfig(server));
  await untilStatus(line, () => waits.length >= 3, 'three retries', 4_000);
  // (to the 10 ms: the retry time is taken a tick before the state's.)
  return { waits: waits.slice(0, 3).map((ms) => Math.round(ms / 10) * 10), server };
}

describe('a registrar that accepts the REGISTER and then drops the connection', () => {
  it('dropped at once: each retry waits longer (not a new connection every half second)', async () => {
    const { waits, server } = await firstWaits(50, { registrationHeldMs: 30_000 });
    expect(waits).toEqual([100, 200, 400]);
    expect(server.connections()).toBe(3);
  });

  it('dropped after the registration held: the backoff starts over each time', async () => {
    const { waits } = await firstWaits(300, { registrationHeldMs: 200 });
    expect(waits).toEqual([100, 100, 100]);
  });
});
