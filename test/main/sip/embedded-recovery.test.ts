/**
 * The SIP line recovering from what the network and the server do to it, against the embedded
 * registrar: a dropped connection, a silent one, an unanswered REGISTER, a server that is gone
 * for a while. Every wait is on a status or registration event.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { SipLine } from '../../../src/main/sip/types';
import type { SipStatus } from '../../../src/shared/snapshot';
import { lineConfig, startEmbeddedServer } from './support/embedded-server';
import type { EmbeddedServer } from './support/embedded-server';
import { FAST_TIMING, lineKeeper, recordStates, untilState, untilStatus } from './support/line';
import { MemoryDirectory, demoAccounts } from './support/memory-directory';
import { startTcpProxy } from './support/tcp-proxy';
import { expectLegalWalk } from './support/walk';

const [alice] = demoAccounts(1) as [ReturnType<typeof demoAccounts>[0]];
let directory: MemoryDirectory;
let embedded: EmbeddedServer;
const keeper = lineKeeper();
const cleanups: (() => Promise<void>)[] = [];

function newLine(): SipLine {
  return keeper.newLine();
}

beforeEach(async () => {
  directory = new MemoryDirectory();
  embedded = await startEmbeddedServer(directory);
});
afterEach(async () => {
  await keeper.stopAll();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await embedded.close();
});

describe('SIP line recovery (embedded registrar)', () => {
  it('connection dropped → backing-off with the reason and the retry time → registered again', async () => {
    const line = newLine();
    line.start(lineConfig(embedded.wsUrl, alice));
    await untilState(line, 'registered');
    const states = recordStates(line);
    embedded.sip.bindingFor(alice.extensionId)!.connection.drop();
    const lost = await untilState(line, 'backing-off');
    expect(lost.lastError?.code).toBe('sip-transport');
    expect(lost.nextRetryAt).toBeGreaterThan(lost.since);
    expect(lost.nextRetryAt! - lost.since).toBeLessThanOrEqual(FAST_TIMING.backoffBaseMs!);
    const back = await untilState(line, 'registered');
    expect(back).toMatchObject({ lastError: null, nextRetryAt: null });
    expectLegalWalk(states);
    expect(states).toEqual([
      'registered',
      'backing-off',
      'connecting',
      'registering',
      'registered',
    ]);
    const flags = directory.changes.map((c) => c.contact !== null);
    expect(flags).toEqual([true, false, true]);
  });

  it('a silent connection is noticed by the WebSocket keepalive, then registered again', async () => {
    const proxy = await startTcpProxy(embedded.port);
    cleanups.push(() => proxy.close());
    const line = newLine();
    line.start(lineConfig(`ws://127.0.0.1:${proxy.port}/sip`, alice));
    await untilState(line, 'registered');
    proxy.freeze();
    const frozenAt = Date.now();
    const lost = await untilState(line, 'backing-off');
    const noticedIn = Date.now() - frozenAt;
    expect(noticedIn).toBeLessThanOrEqual(
      FAST_TIMING.keepaliveIntervalMs! + FAST_TIMING.keepaliveTimeoutMs! + 300,
    );
    expect(lost.lastError?.code).toBe('sip-transport');
    await untilState(line, 'registered');
    expect(proxy.accepted()).toBe(2);
    // The new REGISTER (same Contact, new connection) took over the binding.
    expect(directory.registered(alice.extensionId)).toBe(true);
  });

  it('an unanswered REGISTER times out (sip-timeout) and a fresh attempt follows', async () => {
    const silent = new WebSocketServer({
      port: 0,
      host: '127.0.0.1',
      handleProtocols: () => 'sip',
    });
    cleanups.push(() => new Promise((resolve) => silent.close(() => resolve())));
    await new Promise((resolve) => silent.once('listening', resolve));
    let connections = 0;
    silent.on('connection', () => (connections += 1));
    const { port } = silent.address() as { port: number };
    const line = newLine();
    const states = recordStates(line);
    line.start(lineConfig(`ws://127.0.0.1:${port}`, alice));
    const timedOut = await untilState(line, 'backing-off');
    expect(timedOut.lastError?.code).toBe('sip-timeout');
    await untilStatus(line, (s) => s.state === 'registering' && connections >= 2, 'second attempt');
    expectLegalWalk(states);
  });

  it('server gone: keeps retrying with growing waits, registers as soon as it is back', async () => {
    const line = newLine();
    line.start(lineConfig(embedded.wsUrl, alice));
    await untilState(line, 'registered');
    const waits: number[] = [];
    line.onStatus((s: SipStatus) => {
      if (s.state === 'backing-off' && s.nextRetryAt) waits.push(s.nextRetryAt - s.since);
    });
    const port = embedded.port;
    await embedded.close();
    await untilStatus(line, () => waits.length >= 6, 'six retries');
    // Nothing listens: the waits stay under the low 'unreachable' ceiling.
    expect(Math.max(...waits)).toBeLessThanOrEqual(FAST_TIMING.unreachableCapMs!);
    expect(line.status().lastError?.code).toBe('sip-transport');
    expect(directory.registered(alice.extensionId)).toBe(false);
    embedded = await startEmbeddedServer(directory, port);
    const backAt = Date.now();
    await untilState(line, 'registered');
    expect(Date.now() - backAt).toBeLessThanOrEqual(FAST_TIMING.unreachableCapMs! + 500);
    expect(directory.registered(alice.extensionId)).toBe(true);
  });
});
