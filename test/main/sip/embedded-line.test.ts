/**
 * The SIP line against the embedded registrar on loopback: registration, wrong credentials,
 * refresh, kicks, account change and stop — with the directory's registered flag checked each time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SipLine } from '../../../src/main/sip/types';
import { lineConfig, startEmbeddedServer } from './support/embedded-server';
import type { EmbeddedServer } from './support/embedded-server';
import { lineKeeper, recordStates, recordingWebSocket, untilState } from './support/line';
import { MemoryDirectory, demoAccounts } from './support/memory-directory';
import { startTcpProxy } from './support/tcp-proxy';
import { expectLegalWalk } from './support/walk';

const [alice, bob] = demoAccounts(2) as [
  ReturnType<typeof demoAccounts>[0],
  ReturnType<typeof demoAccounts>[0],
];
let directory: MemoryDirectory;
let embedded: EmbeddedServer;
const keeper = lineKeeper();

function newLine(webSocket?: ReturnType<typeof recordingWebSocket>['Ctor']): SipLine {
  return keeper.newLine(webSocket ? { webSocket } : {});
}

beforeEach(async () => {
  directory = new MemoryDirectory();
  embedded = await startEmbeddedServer(directory);
});
afterEach(async () => {
  await keeper.stopAll();
  await embedded.close();
});

describe('SIP line ↔ embedded registrar', () => {
  it('registers the extension; the directory and the registrar know its contact', async () => {
    const line = newLine();
    const states = recordStates(line);
    const started = Date.now();
    line.start(lineConfig(embedded.wsUrl, alice));
    const status = await untilState(line, 'registered');
    expect(status).toMatchObject({
      aor: `sip:${alice.sipUser}@sip.oneyun.com`,
      lastError: null,
      nextRetryAt: null,
    });
    expect(status.since).toBeGreaterThanOrEqual(started);
    expect(states).toEqual(['stopped', 'connecting', 'registering', 'registered']);
    expectLegalWalk(states);
    expect(directory.registered(alice.extensionId)).toBe(true);
    const binding = embedded.sip.bindingFor(alice.extensionId);
    expect(binding?.contact).toBe(directory.contact(alice.extensionId));
    expect(binding?.connection.userAgent.isConnected()).toBe(true);
  });

  it('wrong password: failed-auth, says so, and never retries (not even on a kick)', async () => {
    const recorder = recordingWebSocket();
    const line = newLine(recorder.Ctor);
    const states = recordStates(line);
    line.start(lineConfig(embedded.wsUrl, alice, { password: 'wrong-password' }));
    const status = await untilState(line, 'failed-auth');
    expect(status.lastError?.code).toBe('sip-auth-failed');
    expect(status.nextRetryAt).toBeNull();
    line.kick('online');
    expect(line.status().state).toBe('failed-auth');
    // A sentinel line registering afterwards bounds the time the bad line had to misbehave.
    const sentinel = newLine();
    sentinel.start(lineConfig(embedded.wsUrl, bob));
    await untilState(sentinel, 'registered');
    expect(recorder.sockets).toHaveLength(1);
    expect(line.status().state).toBe('failed-auth');
    expect(directory.registered(alice.extensionId)).toBe(false);
    expectLegalWalk(states);
    // New credentials (a new start) get it out.
    line.start(lineConfig(embedded.wsUrl, alice));
    await untilState(line, 'registered');
  });

  it('refreshes well before the granted expiry, without leaving registered', async () => {
    const line = newLine();
    line.start(lineConfig(embedded.wsUrl, alice, { expiresSec: 2 }));
    await untilState(line, 'registered');
    const states = recordStates(line);
    const first = directory.changes.find((c) => c.extensionId === alice.extensionId && c.contact)!;
    await directory.until(
      () =>
        directory.changes.filter((c) => c.extensionId === alice.extensionId && c.contact).length >=
        3,
      'two refreshes',
    );
    const [, second] = directory.changes.filter((c) => c.extensionId === alice.extensionId);
    expect(second!.contact).toBe(first.contact);
    // Refreshed at ~55% of 2 s, long before the binding would have run out.
    expect(second!.at - first.at).toBeLessThan(1_500);
    expect(second!.at).toBeLessThan(first.expiresAt!);
    expect(states).toEqual(['registered']);
    expect(directory.changes.every((c) => c.contact !== null)).toBe(true);
  });

  it('kick (resume/unlock/online): fresh connection and REGISTER, same binding', async () => {
    const recorder = recordingWebSocket();
    const line = newLine(recorder.Ctor);
    line.start(lineConfig(embedded.wsUrl, alice));
    await untilState(line, 'registered');
    const states = recordStates(line);
    for (const reason of ['resume', 'unlock', 'online'] as const) {
      line.kick(reason);
      expect(line.status().state).toBe('connecting');
      await untilState(line, 'registered');
    }
    expect(recorder.sockets).toHaveLength(4);
    expectLegalWalk(states);
    await directory.until(() => embedded.sip.connections().length === 1, 'old connections closed');
    expect(embedded.sip.bindingFor(alice.extensionId)?.connection).toBe(
      embedded.sip.connections()[0],
    );
    expect(directory.registered(alice.extensionId)).toBe(true);
  });

  it('another extension: the old one is unregistered, the new one registered', async () => {
    const line = newLine();
    line.start(lineConfig(embedded.wsUrl, alice));
    await untilState(line, 'registered');
    line.start(lineConfig(embedded.wsUrl, alice)); // same account again: nothing to do
    expect(line.status().state).toBe('registered');
    line.start(lineConfig(embedded.wsUrl, bob));
    const status = await untilState(line, 'registered');
    expect(status.aor).toBe(`sip:${bob.sipUser}@sip.oneyun.com`);
    await directory.until(() => !directory.registered(alice.extensionId), 'alice unregistered');
    expect(directory.registered(bob.extensionId)).toBe(true);
  });

  it('stop unregisters before it resolves, and closes the connection', async () => {
    const line = newLine();
    line.start(lineConfig(embedded.wsUrl, alice));
    await untilState(line, 'registered');
    const started = Date.now();
    await line.stop();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(line.status()).toMatchObject({ state: 'stopped', aor: null, nextRetryAt: null });
    expect(directory.registered(alice.extensionId)).toBe(false);
    expect(directory.changes.at(-1)).toMatchObject({
      extensionId: alice.extensionId,
      contact: null,
    });
    await directory.until(() => embedded.sip.connections().length === 0, 'connection closed');
    line.kick('online'); // stopped: ignored
    expect(line.status().state).toBe('stopped');
  });

  it('stop is bounded when the registrar does not answer the un-REGISTER', async () => {
    const proxy = await startTcpProxy(embedded.port);
    try {
      // Default keepalive: the silent connection is not noticed before stop.
      const line = keeper.newLine({ timing: { unregisterTimeoutMs: 1_000 } });
      line.start(lineConfig(`ws://127.0.0.1:${proxy.port}/sip`, alice));
      await untilState(line, 'registered');
      proxy.freeze();
      const started = Date.now();
      await line.stop();
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(950);
      expect(took).toBeLessThan(1_500);
      expect(line.status().state).toBe('stopped');
    } finally {
      await proxy.close();
    }
  });
});
