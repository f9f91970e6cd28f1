/**
 * The gateway's database goes away and comes back, as an operator sees it: /healthz and every
 * request answer at once (503, GW0503) rather than hang, the process keeps running, and when
 * the database is back the agents' sessions work again without a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/gateway/store/postgres';
import { openStore } from '../../src/gateway/store/open';
import type { GatewayStore } from '../../src/gateway/store/port';
import { missingPostgres, startTestPostgres, type TestPostgres } from '../support/postgres';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { waitFor } from '../support/wait';
import { PASSWORDS, platform, send, signIn, startRig } from './helpers';
import { Hop } from './tcp-hop';

const within = async <T>(ms: number, work: Promise<T>): Promise<T> => {
  const started = Date.now();
  const value = await work;
  expect(Date.now() - started).toBeLessThan(ms);
  return value;
};

describe('a database host that stops answering', () => {
  it('healthz and sign-in answer 503 within seconds instead of hanging', async () => {
    const hop = new Hop(null);
    await hop.open();
    const store = openPostgresStore(`postgres://gw:pw@127.0.0.1:${hop.port}/gw`, {
      connectTimeoutMs: 300,
      queryTimeoutMs: 300,
    });
    // startGateway does not migrate a store it is given; agents are never reached here.
    const rig = await startRig({ store: fakeSeeded(store) });
    try {
      const health = await within(3_000, send(rig.gateway.origin, 'GET', '/healthz'));
      expect(health.status).toBe(503);
      const signIn = await within(
        3_000,
        send(rig.gateway.origin, 'POST', '/v1/session', {
          body: { name: 'alice', password: PASSWORDS.alice },
        }),
      );
      expect(signIn.status).toBe(503);
      expect(signIn.json?.code).toBe('GW0503');
      const metrics = await within(3_000, send(rig.gateway.origin, 'GET', '/metrics'));
      expect(metrics.text).toContain('gateway_store_up 0');
      // Unknown while the database is away: no sample, rather than "nobody is locked out".
      expect(metrics.text).not.toMatch(/^gateway_locked_out /m);
    } finally {
      await rig.close();
      await store.close();
      await hop.cut();
    }
  }, 20_000);
});

/** The rig seeds alice and bob when it finds no alice: answer that she exists. */
function fakeSeeded(store: GatewayStore): GatewayStore {
  return Object.assign(Object.create(store) as GatewayStore, {
    getAgent: async () => ({}) as never,
    close: () => store.close(),
  });
}

const missing = missingPostgres();

describe.skipIf(missing !== null)(
  `PostgreSQL goes away and comes back${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let pgServer: TestPostgres;
    beforeAll(async () => {
      pgServer = await startTestPostgres();
    }, 90_000);
    afterAll(async () => {
      await pgServer?.stop();
    });

    it('requests get GW0503 while it is gone; the same session works once it is back', async () => {
      const pgPort = Number(new URL(pgServer.url).port);
      const hop = new Hop(pgPort);
      await hop.open();
      const url = new URL(pgServer.url);
      url.port = String(hop.port);
      const store = await openStore(url.toString());
      const rig = await startRig({ store });
      try {
        const token = await signIn(rig, 'alice', PASSWORDS.alice);
        const keepalive = () => platform(rig, 'GET', '/callcenter/agent/alice/keepalive', token);
        expect((await keepalive()).status).toBe(200);

        await hop.cut();
        const down = await within(5_000, keepalive());
        expect(down.status).toBe(503);
        expect(down.json?.code).toBe('GW0503');
        expect((await send(rig.gateway.origin, 'GET', '/healthz')).status).toBe(503);

        await hop.open();
        const health = await send(rig.gateway.origin, 'GET', '/healthz');
        expect(health.json).toEqual({ status: 'ok', store: 'postgres' });
        // The token issued before the outage still holds: no agent has to sign in again.
        expect((await keepalive()).status).toBe(200);
      } finally {
        await rig.close();
        await store.close();
        await hop.cut();
      }
    }, 60_000);
  },
);

describe('the audit log across an outage', () => {
  it('rows written while the database refuses them are kept and land when it is back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-audit-'));
    const real = await openStore(join(dir, 'gateway.db'));
    let down = false;
    const store = Object.assign(Object.create(real) as GatewayStore, {
      appendAudit: (rows: Parameters<GatewayStore['appendAudit']>[0]) =>
        down ? Promise.reject(new Error('database is down')) : real.appendAudit(rows),
    });
    const rig = await startRig({ store });
    try {
      down = true;
      for (let i = 0; i < 3; i++) {
        await send(rig.gateway.origin, 'POST', '/v1/session', {
          body: { name: 'bob', password: 'wrong-password' },
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await real.listAudit({ agent: 'bob', limit: 10 })).toEqual([]);
      down = false;
      await waitFor(
        async () => (await real.listAudit({ agent: 'bob', limit: 10 })).length === 3,
        'the kept rows written',
        5_000,
      );
      const metrics = await send(rig.gateway.origin, 'GET', '/metrics');
      expect(metrics.text).toContain('gateway_audit_dropped_total 0');
      // One line when writes fail, one when they resume: not one per batch.
      const audit = rig.logs.filter((line) => line.includes('audit'));
      expect(audit).toEqual([
        expect.stringContaining('audit rows not written; kept to retry'),
        expect.stringContaining('audit writes resumed'),
      ]);
    } finally {
      await rig.close();
      await real.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);
});
