/**
 * Wrong passwords sent under an agent's name from elsewhere must not lock that agent out at
 * their own desk (a denial of service anyone who can guess `agent_07` could run against a whole
 * floor), while guessing stays as slow as before: from one address, and spread over many. On
 * SQLite and on PostgreSQL (the lockout counts live in the shared database).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/gateway/store/open';
import { addressScope } from '../../src/gateway/lockout';
import type { GatewayStore } from '../../src/gateway/store/port';
import { missingPostgres, startTestPostgres, type TestPostgres } from '../support/postgres';
import { PASSWORDS, send, startRig, type Rig } from './helpers';

const DAY = 24 * 3600_000;
const DESK = '10.1.0.5';
const ATTACKER = '10.66.0.9';

/** Signs in through a trusted proxy that names the client `from`. */
function signInFrom(rig: Rig, name: string, password: string, from: string) {
  return send(rig.gateway.origin, 'POST', '/v1/session', {
    body: { name, password },
    headers: { 'X-Forwarded-For': from },
  });
}

const statusesOf = async (replies: Promise<{ status: number }>[]) =>
  (await Promise.all(replies)).map((r) => r.status);

function lockoutSuite(kind: string, openDatabase: () => Promise<GatewayStore>) {
  describe(`targeted lockout (${kind})`, () => {
    /** A gateway behind a trusted proxy on a clock the test moves; locks of a minute and up. */
    async function rig() {
      const store = await openDatabase();
      const clock = { now: 2e12 };
      const r = await startRig({
        store,
        trustProxy: true,
        now: () => clock.now,
        lockout: { baseDelayMs: 60_000 },
      });
      return {
        r,
        clock,
        async close() {
          await r.close();
          await store.close();
        },
      };
    }

    it('an agent signs in at their desk while another address has failed 100 times for their name', async () => {
      const { r, close } = await rig();
      try {
        // Yesterday's shift: alice signed in at her desk.
        expect((await signInFrom(r, 'alice', PASSWORDS.alice, DESK)).status).toBe(200);
        const hammer = (n: number) =>
          Array.from({ length: n }, (_, i) => signInFrom(r, 'alice', `guess-${i}`, ATTACKER));
        const first = [];
        for (let i = 0; i < 60; i++) first.push((await hammer(1)[0]!).status);
        // …and while the rest of the hundred are in flight, alice signs in at her desk.
        const [atDesk, ...rest] = await statusesOf([
          signInFrom(r, 'alice', PASSWORDS.alice, DESK),
          ...hammer(40),
        ]);
        expect(atDesk).toBe(200);
        // The attacker's address had five password checks, no more: then the lock.
        const all = [...first, ...rest];
        expect(all.filter((s) => s === 401)).toHaveLength(5);
        expect(all.filter((s) => s === 429)).toHaveLength(95);
        // It stays locked for that name, even with the right password.
        const locked = await signInFrom(r, 'alice', PASSWORDS.alice, ATTACKER);
        expect(locked.status).toBe(429);
        expect(locked.json?.code).toBe('GW0423');
        expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(30);
        // Another agent's sign-in from that address is not held up (5 failures, not 50).
        expect((await signInFrom(r, 'bob', PASSWORDS.bob, ATTACKER)).status).toBe(200);
        // And alice at her desk again, later, after more hammering.
        await statusesOf(hammer(20));
        expect((await signInFrom(r, 'alice', PASSWORDS.alice, DESK)).status).toBe(200);
      } finally {
        await close();
      }
    });

    it('guessing spread over many addresses is slowed as from one, and her desk is not locked', async () => {
      const { r, clock, close } = await rig();
      try {
        expect((await signInFrom(r, 'alice', PASSWORDS.alice, DESK)).status).toBe(200);
        // 50 addresses, two guesses each, all at once: five password checks in all.
        const spread = await statusesOf(
          Array.from({ length: 100 }, (_, i) =>
            signInFrom(r, 'alice', `guess-${i}`, `10.80.${i % 50}.1`),
          ),
        );
        expect(spread.filter((s) => s === 401)).toHaveLength(5);
        expect(spread.filter((s) => s === 429)).toHaveLength(95);
        // An address the name never signed in from is locked out of it, as before…
        expect((await signInFrom(r, 'alice', PASSWORDS.alice, '10.99.0.1')).status).toBe(429);
        // …but her own desk is not.
        expect((await signInFrom(r, 'alice', PASSWORDS.alice, DESK)).status).toBe(200);
        // When the lock runs out, one more guess from anywhere is checked, and the lock doubles.
        clock.now += 61_000;
        const next = await statusesOf(
          Array.from({ length: 10 }, (_, i) => signInFrom(r, 'alice', `late-${i}`, `10.81.${i}.1`)),
        );
        expect(next.filter((s) => s === 401)).toHaveLength(1);
        clock.now += 61_000; // the doubled lock (2 min) still holds
        expect((await signInFrom(r, 'alice', 'late-x', '10.82.0.1')).status).toBe(429);
        expect((await signInFrom(r, 'alice', PASSWORDS.alice, DESK)).status).toBe(200);
      } finally {
        await close();
      }
    });

    it('guessing from her own desk still locks that desk; agent unlock lifts it', async () => {
      const { r, close } = await rig();
      try {
        expect((await signInFrom(r, 'alice', PASSWORDS.alice, DESK)).status).toBe(200);
        const guesses = await statusesOf(
          Array.from({ length: 12 }, (_, i) => signInFrom(r, 'alice', `guess-${i}`, DESK)),
        );
        expect(guesses.filter((s) => s === 401)).toHaveLength(5);
        expect((await signInFrom(r, 'alice', PASSWORDS.alice, DESK)).status).toBe(429);
        await r.admin.unlock('alice');
        expect((await signInFrom(r, 'alice', PASSWORDS.alice, DESK)).status).toBe(200);
      } finally {
        await close();
      }
    });

    it('a desk counts as hers for 30 days after she last signed in there', async () => {
      const { r, clock, close } = await rig();
      try {
        expect((await signInFrom(r, 'alice', PASSWORDS.alice, DESK)).status).toBe(200);
        const lockName = async () => {
          for (let i = 0; i < 6; i++) await signInFrom(r, 'alice', `guess-${i}`, `10.70.${i}.1`);
        };
        clock.now += 29 * DAY;
        await lockName();
        expect((await signInFrom(r, 'alice', PASSWORDS.alice, DESK)).status).toBe(200);
        clock.now += 31 * DAY; // 31 days after that sign-in: a stranger's address again
        await lockName();
        expect((await signInFrom(r, 'alice', PASSWORDS.alice, DESK)).status).toBe(429);
      } finally {
        await close();
      }
    });

    it('a new desk IT marks as hers (agent desk) lets her in while her name is locked from elsewhere', async () => {
      const { r, clock, close } = await rig();
      const NEW_DESK = '10.1.0.77';
      try {
        for (let i = 0; i < 6; i++) await signInFrom(r, 'alice', `guess-${i}`, `10.72.${i}.1`);
        // A desk she never signed in from: the name's lock applies there.
        expect((await signInFrom(r, 'alice', PASSWORDS.alice, NEW_DESK)).status).toBe(429);
        expect(await r.admin.addDesk('alice', ` ${NEW_DESK} `)).toBe(NEW_DESK);
        expect((await signInFrom(r, 'alice', PASSWORDS.alice, NEW_DESK)).status).toBe(200);
        // Only hers, and only that desk: bob and other addresses are as they were.
        expect((await signInFrom(r, 'alice', PASSWORDS.alice, '10.1.0.78')).status).toBe(429);
        // An IPv6 desk by its /64; a bad address or a name no agent has is refused.
        expect(await r.admin.addDesk('alice', '2001:db8:0:7:abcd::1')).toBe('2001:db8:0:7::/64');
        expect(
          (await signInFrom(r, 'alice', PASSWORDS.alice, '2001:db8:0:7:1234::99')).status,
        ).toBe(200);
        await expect(r.admin.addDesk('alice', '10.1.0.300')).rejects.toThrow(
          'is not an IP address',
        );
        await expect(r.admin.addDesk('ghost', NEW_DESK)).rejects.toThrow('no agent named ghost');
        // Marked, it lasts as a sign-in there would: 30 days.
        clock.now += 31 * DAY;
        for (let i = 0; i < 6; i++) await signInFrom(r, 'alice', `again-${i}`, `10.73.${i}.1`);
        expect((await signInFrom(r, 'alice', PASSWORDS.alice, '10.1.0.79')).status).toBe(429);
      } finally {
        await close();
      }
    });

    it('an IPv6 desk is hers by its /64, so a rotating privacy address still counts', async () => {
      const { r, close } = await rig();
      try {
        expect((await signInFrom(r, 'alice', PASSWORDS.alice, '2001:db8:0:5:1::10')).status).toBe(
          200,
        );
        for (let i = 0; i < 6; i++)
          await signInFrom(r, 'alice', `guess-${i}`, `2001:db8:9:${i}::1`);
        expect(
          (await signInFrom(r, 'alice', PASSWORDS.alice, '2001:db8:0:5:9a3c:11ff:fe00:77')).status,
        ).toBe(200);
        // An IPv4 client through a dual-stack socket is the same desk as its plain address.
        expect((await signInFrom(r, 'alice', PASSWORDS.alice, DESK)).status).toBe(429);
        expect((await signInFrom(r, 'bob', PASSWORDS.bob, `::ffff:${DESK}`)).status).toBe(200);
        for (let i = 0; i < 6; i++) await signInFrom(r, 'bob', `guess-${i}`, `10.71.${i}.1`);
        expect((await signInFrom(r, 'bob', PASSWORDS.bob, DESK)).status).toBe(200);
      } finally {
        await close();
      }
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'gw-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
lockoutSuite('sqlite', () => openStore(join(dir, `gateway-${files++}.db`)));

/**
 * A database from before known addresses (schema version 3), with sessions open, is upgraded:
 * `rewind` turns a current one back into such a database.
 */
function upgradeTest(open: () => Promise<GatewayStore>, rewind: () => Promise<void>) {
  it('counts the desks of the sessions open at the upgrade as the agents’ own', async () => {
    const store = await open();
    await store.addAgent({
      name: 'alice',
      passwordHash: null,
      disabled: false,
      allowSkills: false,
      createdAt: 1,
    });
    const session = { agent: 'alice', createdAt: 5e12, lastSeenAt: 5e12, expiresAt: 6e12 };
    await store.createSession({ ...session, tokenHash: 'a', sourceAddress: `::ffff:${DESK}` });
    await store.createSession({ ...session, tokenHash: 'b', sourceAddress: '10.1.0.6' });
    // An IPv6 desk, twice in its /64 (a privacy address changes daily), and one in another /64.
    await store.createSession({ ...session, tokenHash: 'c', sourceAddress: '2001:db8:7:1::5' });
    const later = { ...session, createdAt: 5.5e12 };
    await store.createSession({ ...later, tokenHash: 'd', sourceAddress: '2001:DB8:7:1:a:b:c:d' });
    await store.createSession({ ...session, tokenHash: 'e', sourceAddress: '2001:db8:7:2::5' });
    await store.close();
    await rewind();
    const upgraded = await open();
    try {
      expect(await upgraded.knownAddressAt('alice', DESK)).toBe(5e12);
      expect(await upgraded.knownAddressAt('alice', '10.1.0.6')).toBe(5e12);
      expect(await upgraded.knownAddressAt('alice', '10.1.0.7')).toBeNull();
      // Kept as the lockout looks desks up: by the /64, the latest sign-in there.
      expect(await upgraded.knownAddresses('alice')).toEqual([
        { address: addressScope('2001:db8:7:1::ffff'), lastAt: 5.5e12 },
        { address: DESK, lastAt: 5e12 },
        { address: '10.1.0.6', lastAt: 5e12 },
        { address: addressScope('2001:db8:7:2::1'), lastAt: 5e12 },
      ]);
    } finally {
      await upgraded.close();
    }
  });
}

/** Back to the schema before known_addresses (version 3), the later steps undone too. */
const REWIND =
  'DROP INDEX audit_subject; DROP TABLE known_addresses; UPDATE schema_version SET version = 3;';
describe('upgrading a SQLite database', () => {
  const file = join(dir, 'upgrade.db');
  upgradeTest(
    () => openStore(file),
    async () => {
      const db = new Database(file);
      db.exec(REWIND);
      db.close();
    },
  );
});

const pgMissing = missingPostgres();
let server: TestPostgres | null = null;
afterAll(async () => {
  await server?.stop();
});
describe.skipIf(pgMissing !== null)(
  `postgres${pgMissing ? ` (skipped: ${pgMissing})` : ''}`,
  () => {
    lockoutSuite('postgres', async () => {
      server ??= await startTestPostgres();
      return openStore(await server.newDatabase());
    });
    describe('upgrading a PostgreSQL database', () => {
      let url = '';
      upgradeTest(
        async () => {
          server ??= await startTestPostgres();
          url ||= await server.newDatabase();
          return openStore(url);
        },
        async () => {
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          await client.query(REWIND).finally(() => client.end());
        },
      );
    });
  },
);
