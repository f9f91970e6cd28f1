/**
 * One suite, two adapters: what the gateway stores behaves the same on SQLite and on
 * PostgreSQL (a throwaway cluster, see test/support/postgres.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { purgeAudit } from '../../src/gateway/audit';
import { addressKey, agentKey, DEFAULT_LOCKOUT, Lockout } from '../../src/gateway/lockout';
import { openStore } from '../../src/gateway/store/open';
import type { GatewayStore } from '../../src/gateway/store/port';
import { missingPostgres, startTestPostgres, type TestPostgres } from '../support/postgres';

function storeSuite(name: string, open: () => Promise<GatewayStore>) {
  describe(`gateway store (${name})`, () => {
    let store: GatewayStore;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('migrates twice without harm and answers a ping', async () => {
      await store.migrate();
      await store.ping();
    });

    it('adds an agent once, with skills editing off and no extensions', async () => {
      expect(await store.addAgent(agent('alice'))).toBe(true);
      expect(await store.addAgent(agent('alice'))).toBe(false);
      const got = await store.getAgent('alice');
      expect(got).toMatchObject({
        name: 'alice',
        disabled: false,
        allowSkills: false,
        extensions: [],
      });
      expect(await store.getAgent('nobody')).toBeNull();
    });

    it('updates password, disabled and skills flags', async () => {
      await store.addAgent(agent('bob'));
      expect(
        await store.updateAgent('bob', { passwordHash: 'h2', disabled: true, allowSkills: true }),
      ).toBe(true);
      expect(await store.getAgent('bob')).toMatchObject({
        passwordHash: 'h2',
        disabled: true,
        allowSkills: true,
      });
      expect(await store.updateAgent('ghost', { disabled: true })).toBe(false);
    });

    it('replaces the extensions an agent may use, sorted', async () => {
      await store.addAgent(agent('carol'));
      expect(await store.setExtensions('carol', ['1002', '1001'])).toBe(true);
      expect((await store.getAgent('carol'))?.extensions).toEqual(['1001', '1002']);
      await store.setExtensions('carol', ['1003']);
      expect((await store.getAgent('carol'))?.extensions).toEqual(['1003']);
      expect(await store.setExtensions('ghost', ['1'])).toBe(false);
      const listed = await store.listAgents();
      expect(listed.find((a) => a.name === 'carol')?.extensions).toEqual(['1003']);
    });

    it('keeps sessions by token hash, touches only forward, revokes one or all', async () => {
      await store.addAgent(agent('dave'));
      const s = {
        tokenHash: 'th1',
        agent: 'dave',
        createdAt: 1000,
        lastSeenAt: 1000,
        expiresAt: 9000,
        sourceAddress: '127.0.0.1',
      };
      await store.createSession(s);
      await store.createSession({ ...s, tokenHash: 'th2' });
      expect(await store.findSession('th1')).toEqual(s);
      await store.touchSession('th1', 2000);
      await store.touchSession('th1', 1500);
      expect((await store.findSession('th1'))?.lastSeenAt).toBe(2000);
      expect(await store.revokeSession('th1')).toBe(true);
      expect(await store.findSession('th1')).toBeNull();
      expect(await store.revokeAgentSessions('dave')).toBe(1);
      expect(await store.findSession('th2')).toBeNull();
    });

    it('purges expired and idle sessions, and removing an agent drops theirs', async () => {
      await store.addAgent(agent('erin'));
      const base = { agent: 'erin', createdAt: 0, sourceAddress: '::1' };
      await store.createSession({ ...base, tokenHash: 'old', lastSeenAt: 100, expiresAt: 10_000 });
      await store.createSession({
        ...base,
        tokenHash: 'over',
        lastSeenAt: 5_000,
        expiresAt: 4_000,
      });
      await store.createSession({
        ...base,
        tokenHash: 'live',
        lastSeenAt: 5_000,
        expiresAt: 10_000,
      });
      expect(await store.purgeSessions(4_500, 1_000)).toBe(2);
      expect(await store.findSession('live')).not.toBeNull();
      expect(await store.removeAgent('erin')).toBe(true);
      expect(await store.findSession('live')).toBeNull();
      expect(await store.removeAgent('erin')).toBe(false);
    });

    it('records failures and counts locked keys', async () => {
      await store.putFailure({ key: 'agent:x', count: 1, lastAt: 10, lockedUntil: 0 });
      await store.putFailure({ key: 'agent:x', count: 6, lastAt: 20, lockedUntil: 5_000 });
      await store.putFailure({ key: 'addr:1.2.3.4', count: 9, lastAt: 20, lockedUntil: 9_000 });
      expect(await store.getFailure('agent:x')).toEqual({
        key: 'agent:x',
        count: 6,
        lastAt: 20,
        lockedUntil: 5_000,
      });
      expect(await store.countLocked(6_000)).toBe(1);
      await store.clearFailure('agent:x');
      expect(await store.getFailure('agent:x')).toBeNull();
    });

    it('counts attempts made all at once one by one: each sees the others (a lock holds)', async () => {
      const bump = (old: { count: number } | null) => ({
        key: 'agent:parallel',
        count: (old?.count ?? 0) + 1,
        lastAt: 1,
        lockedUntil: 0,
      });
      await Promise.all(
        Array.from({ length: 40 }, () => store.updateFailure('agent:parallel', bump)),
      );
      expect((await store.getFailure('agent:parallel'))?.count).toBe(40);
      expect(await store.updateFailure('agent:parallel', () => null)).toBeNull();
      expect(await store.getFailure('agent:parallel')).toBeNull();
      // A key never seen reaches `next` as null, and nothing is left behind when it keeps none.
      let seen: unknown = 'not called';
      expect(await store.updateFailure('agent:never', (old) => ((seen = old), null))).toBeNull();
      expect(seen).toBeNull();
      expect(await store.getFailure('agent:never')).toBeNull();
    });

    it('purges only failure rows whose last failure and lock end are both old, in batches', async () => {
      await store.putFailure({ key: 'addr:quiet', count: 3, lastAt: 100, lockedUntil: 0 });
      await store.putFailure({ key: 'addr:was-locked', count: 60, lastAt: 100, lockedUntil: 900 });
      await store.putFailure({ key: 'addr:recent', count: 1, lastAt: 1_500, lockedUntil: 0 });
      await store.putFailure({ key: 'addr:still-locked', count: 9, lastAt: 100, lockedUntil: 5e9 });
      const bulk = Array.from({ length: 1_050 }, (_, i) => `agent:bulk-${i}`);
      for (const key of bulk) await store.putFailure({ key, count: 1, lastAt: 10, lockedUntil: 0 });
      const kept = async () =>
        (
          await Promise.all(
            ['addr:quiet', 'addr:was-locked', 'addr:recent', 'addr:still-locked'].map((key) =>
              store.getFailure(key),
            ),
          )
        ).map((r) => r?.key ?? null);

      expect(await store.purgeFailures(1_000, 2)).toBe(2);
      // The lockout's purge goes on batch after batch until nothing old is left.
      const halfHour = DEFAULT_LOCKOUT.forgetMs;
      const gone = await new Lockout(store, DEFAULT_LOCKOUT).purge(1_000 + halfHour, 500);
      expect(gone).toBeGreaterThanOrEqual(1_050);
      expect(await kept()).toEqual([null, null, 'addr:recent', 'addr:still-locked']);
      expect(await store.getFailure(bulk[1_049]!)).toBeNull();
    });

    it('a floor behind one NAT address with typos all day long is never locked out', async () => {
      // One typo every 20 minutes, each followed by the right password: never a quiet half hour.
      // Counted only up, the address passed its 50 at the 50th typo and locked everyone behind it.
      const lockout = new Lockout(store, DEFAULT_LOCKOUT);
      const address = `10.7.${name.length}.1`;
      let t = 2e12;
      for (let i = 0; i < 60; i++) {
        t += 20 * 60_000;
        expect(await lockout.attempt('nat_alice', address, t)).toBe(0);
        await lockout.failed(address, t);
        expect(await lockout.attempt('nat_alice', address, t + 1)).toBe(0);
        await lockout.succeed('nat_alice', address, t + 1);
      }
      expect(await lockout.lockedUntil('nat_bob', address, t + 60_000)).toBe(0);
      // Guessing from that address as fast as it goes still locks it.
      for (let i = 0; i < DEFAULT_LOCKOUT.addressFreeFailures; i++) {
        await lockout.failed(address, t + 60_000 + i);
      }
      expect(await lockout.lockedUntil('nat_bob', address, t + 61_000)).toBeGreaterThan(0);
    });

    it('the lockout purge forgets names and addresses that stopped trying, never a lock in force', async () => {
      // The longest lock (1 h) outlasts the forget period (10 min): a purge that looked only
      // at the last failure would lift this lock after 10 minutes.
      const minute = 60_000;
      const lockout = new Lockout(store, {
        agentFreeFailures: 2,
        addressFreeFailures: 2,
        baseDelayMs: 60 * minute,
        maxDelayMs: 60 * minute,
        forgetMs: 10 * minute,
        knownAddressMs: 30 * minute,
      });
      const t0 = 2e12;
      expect(await lockout.attempt('tried_once', '10.9.0.1', t0)).toBe(0);
      await lockout.failed('10.9.0.1', t0); // its password was wrong
      expect(await lockout.attempt('locked_out', '10.9.0.2', t0)).toBe(0);
      // The second attempt may still be checked; it locks what comes after it.
      expect(await lockout.attempt('locked_out', '10.9.0.2', t0)).toBe(0);
      expect(await lockout.attempt('locked_out', '10.9.0.2', t0)).toBe(t0 + 60 * minute);
      const rows = () =>
        Promise.all(
          [agentKey('tried_once'), addressKey('10.9.0.1'), agentKey('locked_out')].map(
            async (key) => (await store.getFailure(key)) !== null,
          ),
        );

      await lockout.purge(t0 + 30 * minute);
      expect(await lockout.lockedUntil('locked_out', '10.9.9.9', t0 + 30 * minute)).toBe(
        t0 + 60 * minute,
      );
      expect(await rows()).toEqual([true, true, true]);

      await lockout.purge(t0 + 61 * minute);
      expect(await rows()).toEqual([false, false, true]);
      await lockout.purge(t0 + 121 * minute);
      expect(await rows()).toEqual([false, false, false]);
      // Forgotten or purged, a name's next failure counts from one: nothing locks it at once.
      expect(await lockout.attempt('locked_out', '10.9.0.3', t0 + 122 * minute)).toBe(0);
      expect(await lockout.lockedUntil('locked_out', '10.9.0.3', t0 + 122 * minute)).toBe(0);
    });

    it('keeps where each agent signed in, and clears a name’s per-address counts at once', async () => {
      await store.addAgent(agent('kim'));
      await store.rememberAddress('kim', '10.4.0.1', 1_000);
      await store.rememberAddress('kim', '10.4.0.1', 500); // an older sign-in landing late
      await store.rememberAddress('kim', '10.4.0.2', 3_000);
      await store.rememberAddress('nobody_here', '10.4.0.1', 1_000); // no such agent: not kept
      expect(await store.knownAddressAt('kim', '10.4.0.1')).toBe(1_000);
      expect(await store.knownAddressAt('kim', '10.4.0.9')).toBeNull();
      expect(await store.knownAddressAt('nobody_here', '10.4.0.1')).toBeNull();
      expect(await store.purgeKnownAddresses(2_000, 10)).toBe(1);
      expect(await store.knownAddressAt('kim', '10.4.0.1')).toBeNull();
      expect(await store.knownAddressAt('kim', '10.4.0.2')).toBe(3_000);
      expect(await store.removeAgent('kim')).toBe(true);
      expect(await store.knownAddressAt('kim', '10.4.0.2')).toBeNull();

      for (const key of ['pair:abc@10.1.1.1', 'pair:abc@10.1.1.2', 'pair:abd@10.1.1.1']) {
        await store.putFailure({ key, count: 9, lastAt: 1, lockedUntil: 5e12 });
      }
      // `_` and `%` are no wildcards here.
      expect(await store.clearFailurePrefix('pair:a_c@')).toBe(0);
      expect(await store.clearFailurePrefix('pair:abc@')).toBe(2);
      expect(await store.getFailure('pair:abd@10.1.1.1')).not.toBeNull();
      await store.clearFailure('pair:abd@10.1.1.1');
    });

    it('appends audit rows and lists them newest first, per agent', async () => {
      const row = {
        agent: 'alice',
        action: 'keepalive',
        target: 'alice',
        status: 200,
        code: '000000',
        sourceAddress: '127.0.0.1',
      };
      await store.appendAudit([
        { ...row, at: 1 },
        { ...row, at: 2, agent: 'bob', target: 'alice', status: 403, code: 'GW0403' },
      ]);
      await store.appendAudit([{ ...row, at: 3 }]);
      await store.appendAudit([]);
      const all = await store.listAudit({ limit: 10 });
      expect(all.map((r) => r.at)).toEqual([3, 2, 1]);
      expect(all[1]).toEqual({ ...row, at: 2, agent: 'bob', status: 403, code: 'GW0403' });
      expect((await store.listAudit({ agent: 'alice', limit: 1 })).map((r) => r.at)).toEqual([3]);
    });

    it('lists failure rows by key prefix, and an agent’s desks and sessions, most recent first', async () => {
      const rec = (key: string, count: number) => ({ key, count, lastAt: 7e12, lockedUntil: 0 });
      await store.putFailure(rec('pair:feed@10.0.0.1', 2));
      await store.putFailure(rec('pair:feed@10.0.0.2', 4));
      await store.putFailure(rec('pair:feedface@10.0.0.1', 9));
      await store.putFailure(rec('agent:feed', 1));
      const listed = await store.listFailurePrefix('pair:feed@');
      expect(listed.map((r) => [r.key, r.count])).toEqual([
        ['pair:feed@10.0.0.1', 2],
        ['pair:feed@10.0.0.2', 4],
      ]);
      expect(await store.listFailurePrefix('pair:none@')).toEqual([]);

      await store.addAgent(agent('desky'));
      await store.rememberAddress('desky', '10.0.0.9', 100);
      await store.rememberAddress('desky', '10.0.0.8', 300);
      await store.rememberAddress('desky', '10.0.0.7', 200);
      expect(await store.knownAddresses('desky')).toEqual([
        { address: '10.0.0.8', lastAt: 300 },
        { address: '10.0.0.7', lastAt: 200 },
        { address: '10.0.0.9', lastAt: 100 },
      ]);
      expect(await store.knownAddresses('nobody')).toEqual([]);

      const session = (tokenHash: string, lastSeenAt: number) => ({
        tokenHash,
        agent: 'desky',
        createdAt: 50,
        lastSeenAt,
        expiresAt: 9e12,
        sourceAddress: `10.0.0.${lastSeenAt / 100}`,
      });
      await store.createSession(session('t-old', 100));
      await store.createSession(session('t-new', 300));
      expect(await store.listAgentSessions('desky')).toEqual([
        session('t-new', 300),
        session('t-old', 100),
      ]);
      expect(await store.listAgentSessions('nobody')).toEqual([]);
    });

    it('the audit about an agent: the target’s first word, with or without who asked', async () => {
      const row = { status: 200, code: '000000', sourceAddress: 'console', agent: 'admin:li' };
      const t0 = 4e12;
      await store.appendAudit([
        { ...row, at: t0 + 1, action: 'agent password', target: 'dora' },
        { ...row, at: t0 + 2, action: 'agent desk', target: 'dora 10.0.0.5' },
        { ...row, at: t0 + 3, action: 'agent extensions', target: 'dora 1001,1002' },
        { ...row, at: t0 + 4, action: 'agent add', target: 'dora2' },
        { ...row, at: t0 + 5, action: 'agent add', target: 'do' },
        { ...row, at: t0 + 6, action: 'sessions revoke', target: 'erin dora' },
        { ...row, at: t0 + 7, agent: 'dora', action: 'keepalive', target: 'dora' },
        { ...row, at: t0 + 8, agent: 'erin', action: 'state', target: '' },
      ]);
      const about = await store.listAudit({ about: 'dora', limit: 10 });
      expect(about.map((r) => r.at - t0)).toEqual([7, 3, 2, 1]);
      expect(about[1]).toMatchObject({ action: 'agent extensions', target: 'dora 1001,1002' });
      expect(
        (await store.listAudit({ agent: 'admin:li', about: 'dora', limit: 10 })).map(
          (r) => r.at - t0,
        ),
      ).toEqual([3, 2, 1]);
      expect((await store.listAudit({ about: 'dora', limit: 2 })).map((r) => r.at - t0)).toEqual([
        7, 3,
      ]);
      expect(await store.listAudit({ about: 'nobody', limit: 10 })).toEqual([]);
    });

    it('the audit purge takes only rows older than its cut-off, batch by batch', async () => {
      const row = {
        agent: 'carol',
        action: 'keepalive',
        target: 'carol',
        status: 200,
        code: '000000',
        sourceAddress: '127.0.0.1',
      };
      const t0 = 3e12;
      // 2,500 old rows (a day's keepalives of a few agents), then two at and after the cut-off.
      await store.appendAudit(Array.from({ length: 2_500 }, (_, i) => ({ ...row, at: t0 + i })));
      await store.appendAudit([
        { ...row, at: t0 + 10_000, action: 'state' },
        { ...row, at: t0 + 10_001, action: 'logout' },
      ]);
      expect(await store.purgeAudit(t0 + 10_000, 1_000)).toBe(1_000);
      // The rest of the old rows (and the earlier tests' rows, also old) in later batches.
      expect(await purgeAudit(store, t0 + 10_000, 1_000)).toBeGreaterThanOrEqual(1_500);
      const left = await store.listAudit({ agent: 'carol', limit: 10 });
      expect(left.map((r) => r.action)).toEqual(['logout', 'state']);
      expect(await purgeAudit(store, t0 + 10_000)).toBe(0);
    });
  });
}

function agent(name: string) {
  return { name, passwordHash: 'h', disabled: false, allowSkills: false, createdAt: 1 };
}

const dir = mkdtempSync(join(tmpdir(), 'gw-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
storeSuite('sqlite', () => openStore(join(dir, 'gateway.db')));

const pgMissing = missingPostgres();
let server: TestPostgres | null = null;
afterAll(async () => {
  await server?.stop();
});
describe.skipIf(pgMissing !== null)(
  `postgres${pgMissing ? ` (skipped: ${pgMissing})` : ''}`,
  () => {
    storeSuite('postgres', async () => {
      server = await startTestPostgres();
      return openStore(server.url);
    });
  },
);
