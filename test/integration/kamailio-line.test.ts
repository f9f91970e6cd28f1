/**
 * The SIP line against a real Kamailio (the emulator's Kamailio mode) with the emulator's real
 * store as directory: register, wrong password, refresh, dropped and silent connections, a
 * Kamailio restart, stop. Skips with the reason where Kamailio is not installed (fails in CI).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS } from '../../src/emulator/index';
import type { RunningKamailio } from '../../src/emulator/sip/kamailio';
import type { SipLine, SipLineConfig } from '../../src/main/sip/types';
import { missingSystem } from '../support/system';
import {
  FAST_TIMING,
  lineKeeper,
  recordStates,
  recordingWebSocket,
  untilState,
} from '../main/sip/support/line';
import { startTcpProxy } from '../main/sip/support/tcp-proxy';
import type { TcpProxy } from '../main/sip/support/tcp-proxy';
import { expectLegalWalk } from '../main/sip/support/walk';
import {
  DOMAIN,
  demoDirectory,
  portsOf,
  startTestKamailio,
  usrlocContacts,
} from './support/kamailio';
import type { RecordingDirectory } from './support/recording-directory';

const skip = missingSystem('kamailio');
const [alice, bob] = DEMO_EXTENSIONS as [(typeof DEMO_EXTENSIONS)[0], (typeof DEMO_EXTENSIONS)[0]];
let directory: RecordingDirectory;
let kamailio: RunningKamailio;
let proxy: TcpProxy | null = null;
const keeper = lineKeeper();

function newLine(webSocket?: ReturnType<typeof recordingWebSocket>['Ctor']): SipLine {
  return keeper.newLine(webSocket ? { webSocket } : {});
}
function config(
  account: { sipUser: string; password: string },
  extra: Partial<SipLineConfig> = {},
): SipLineConfig {
  return {
    wsUrl: kamailio.wsUrl,
    domain: DOMAIN,
    user: account.sipUser,
    password: account.password,
    expiresSec: 300,
    ...extra,
  };
}

describe.skipIf(skip !== null)(
  `SIP line ↔ real Kamailio${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    beforeAll(async () => {
      directory = demoDirectory();
      kamailio = await startTestKamailio(directory);
    });
    afterEach(async () => {
      await keeper.stopAll();
      await proxy?.close();
      proxy = null;
    });
    afterAll(async () => {
      await kamailio?.stop();
    });

    it('registers; Kamailio holds the contact and the store counts the extension', async () => {
      const line = newLine();
      const states = recordStates(line);
      line.start(config(alice));
      await untilState(line, 'registered');
      expect(states).toEqual(['stopped', 'connecting', 'registering', 'registered']);
      await directory.untilFlag(alice.id, true);
      const contacts = await usrlocContacts(kamailio, alice.sipUser);
      expect(contacts).toHaveLength(1);
      expect(directory.changes.filter((c) => c.extensionId === alice.id).at(-1)?.contact).toBe(
        contacts[0],
      );
    });

    it('wrong password: failed-auth (403 from Kamailio), no retry storm, store flag stays off', async () => {
      const recorder = recordingWebSocket();
      const line = newLine(recorder.Ctor);
      line.start(config(bob, { password: 'not-the-password' }));
      const status = await untilState(line, 'failed-auth');
      expect(status.lastError).toMatchObject({ code: 'sip-auth-failed', detail: '403 Forbidden' });
      line.kick('resume');
      const sentinel = newLine();
      sentinel.start(config(alice));
      await untilState(sentinel, 'registered');
      expect(recorder.sockets).toHaveLength(1);
      expect(line.status()).toMatchObject({ state: 'failed-auth', nextRetryAt: null });
      expect(directory.store.isExtensionRegistered(bob.id)).toBe(false);
    });

    it('refreshes before the granted expiry (Kamailio min_expires lowered to 2 s)', async () => {
      const line = newLine();
      line.start(config(alice, { expiresSec: 4 }));
      await untilState(line, 'registered');
      const states = recordStates(line);
      const mine = () => directory.changes.filter((c) => c.extensionId === alice.id && c.contact);
      const before = mine().length;
      await directory.until(() => mine().length >= before + 2, 'two refreshes seen in usrloc');
      const [first, second] = mine().slice(-2) as [
        (typeof directory.changes)[0],
        (typeof directory.changes)[0],
      ];
      expect(second.expiresAt! - first.expiresAt!).toBeGreaterThan(1_500);
      expect(second.at).toBeLessThan(first.expiresAt!);
      expect(states).toEqual(['registered']);
    });

    it('connection reset → registered again; the store counts it again', async () => {
      proxy = await startTcpProxy(portsOf(kamailio).wsPort);
      const line = newLine();
      line.start(config(alice, { wsUrl: `ws://127.0.0.1:${proxy.port}` }));
      await untilState(line, 'registered');
      const states = recordStates(line);
      proxy.cut();
      const lost = await untilState(line, 'backing-off');
      expect(lost.lastError?.code).toBe('sip-transport');
      await untilState(line, 'registered');
      expectLegalWalk(states);
      await directory.untilFlag(alice.id, true);
      expect(await usrlocContacts(kamailio, alice.sipUser)).toHaveLength(1);
    });

    it('a silent connection is noticed by the keepalive and replaced', async () => {
      proxy = await startTcpProxy(portsOf(kamailio).wsPort);
      const line = newLine();
      line.start(config(alice, { wsUrl: `ws://127.0.0.1:${proxy.port}` }));
      await untilState(line, 'registered');
      proxy.freeze();
      const frozenAt = Date.now();
      await untilState(line, 'backing-off');
      expect(Date.now() - frozenAt).toBeLessThanOrEqual(
        FAST_TIMING.keepaliveIntervalMs! + FAST_TIMING.keepaliveTimeoutMs! + 300,
      );
      await untilState(line, 'registered');
      expect(proxy.accepted()).toBe(2);
      // Same Contact on the new connection: still one binding, not a stale second one.
      expect(await usrlocContacts(kamailio, alice.sipUser)).toHaveLength(1);
    });

    it('stop unregisters: Kamailio drops the contact and the store flag goes off', async () => {
      const line = newLine();
      line.start(config(alice));
      await untilState(line, 'registered');
      await directory.untilFlag(alice.id, true);
      await line.stop();
      expect(await usrlocContacts(kamailio, alice.sipUser)).toEqual([]);
      await directory.untilFlag(alice.id, false);
    });

    it('Kamailio stopped and started again → registered again by itself', async () => {
      const line = newLine();
      line.start(config(alice));
      await untilState(line, 'registered');
      await directory.untilFlag(alice.id, true);
      const ports = portsOf(kamailio);
      await kamailio.stop();
      await untilState(line, 'backing-off');
      await directory.untilFlag(alice.id, false);
      kamailio = await startTestKamailio(directory, ports);
      await untilState(line, 'registered');
      await directory.untilFlag(alice.id, true);
    });
  },
);
