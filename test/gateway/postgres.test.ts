/**
 * Several gateway instances on one PostgreSQL (issue 12): a token issued by instance 1 is
 * honoured by instance 2, a revocation on one is seen by the other, lockout counts are shared,
 * and both write to the same audit log. PostgreSQL is a throwaway cluster (test/support).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index';
import { openStore } from '../../src/gateway/store/open';
import type { GatewayStore } from '../../src/gateway/store/port';
import { missingPostgres, startTestPostgres, type TestPostgres } from '../support/postgres';
import { EXT, PASSWORDS, platform, send, signIn, startRig, type Rig } from './helpers';

const missing = missingPostgres();

describe.skipIf(missing !== null)(
  `gateway on PostgreSQL${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let pgServer: TestPostgres;
    let emulator: RunningEmulator;
    let storeA: GatewayStore;
    let storeB: GatewayStore;
    let one: Rig;
    let two: Rig;

    beforeAll(async () => {
      pgServer = await startTestPostgres();
      emulator = await startEmulator({ port: 0, log: () => undefined });
      // Two instances migrate the same database at once: the advisory lock keeps them apart.
      [storeA, storeB] = await Promise.all([openStore(pgServer.url), openStore(pgServer.url)]);
      one = await startRig({
        store: storeA,
        emulator,
        lockout: { agentFreeFailures: 2, baseDelayMs: 60_000 },
      });
      two = await startRig({
        store: storeB,
        emulator,
        lockout: { agentFreeFailures: 2, baseDelayMs: 60_000 },
      });
    }, 90_000);
    afterAll(async () => {
      await one?.close();
      await two?.close();
      await storeA?.close();
      await storeB?.close();
      await emulator?.close();
      await pgServer?.stop();
    });

    it('accepts on instance 2 a token issued by instance 1, and a revocation on 2 ends it on 1', async () => {
      expect((await send(one.gateway.origin, 'GET', '/healthz')).json).toMatchObject({
        store: 'postgres',
      });
      const token = await signIn(one, 'alice', PASSWORDS.alice);
      const login = await platform(two, 'POST', '/callcenter/agent', token, {
        name: 'alice',
        extension: EXT[0],
      });
      expect(login.json?.code).toBe('000000');
      expect((await platform(one, 'GET', '/callcenter/agent/alice/keepalive', token)).status).toBe(
        200,
      );
      expect((await send(two.gateway.origin, 'DELETE', '/v1/session', { token })).status).toBe(200);
      expect((await platform(one, 'GET', '/callcenter/agent/alice/keepalive', token)).status).toBe(
        401,
      );
    });

    it('shares lockout between instances', async () => {
      for (const rig of [one, two]) {
        await send(rig.gateway.origin, 'POST', '/v1/session', {
          body: { name: 'bob', password: 'wrong' },
        });
      }
      const r = await send(one.gateway.origin, 'POST', '/v1/session', {
        body: { name: 'bob', password: PASSWORDS.bob },
      });
      expect(r.status).toBe(429);
    });

    it('writes both instances into one audit log', async () => {
      await new Promise((r) => setTimeout(r, 300));
      const rows = await storeA.listAudit({ agent: 'alice', limit: 20 });
      expect(rows.map((r) => r.action)).toEqual(
        expect.arrayContaining(['sign-in', 'login', 'keepalive', 'sign-out']),
      );
    });
  },
);
