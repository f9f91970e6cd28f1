/**
 * What the gateway must refuse (issue 12, security): another agent's session on every route
 * and method, guessing passwords, lapsed and revoked tokens; and the account's secret key
 * never appears in a response or a log line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentKey } from '../../src/gateway/lockout';
import { EXT, PASSWORDS, platform, send, signIn, startRig, type Rig } from './helpers';

const METHODS = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH'] as const;
/** Every path that names bob or bob's extension, or acts beyond alice's own session. */
const FOREIGN_PATHS = [
  '/callcenter/agent/bob',
  '/callcenter/agent/bob?force=true',
  '/callcenter/agent/bob/keepalive',
  '/callcenter/agent/bob/state',
  '/callcenter/agent/bob/skills',
  '/callcenter/agent/bob/extension',
  `/callcenter/extension/${EXT[2]}`,
  `/callcenter/extension/${EXT[3]}`,
  '/callcenter/agent/BOB',
  '/callcenter/agent/bob%2Fkeepalive',
  '/callcenter/agent/alice/../bob/keepalive',
  '/callcenter/agent/alice/skills',
  '/callcenter/agent/alice/keepalive/extra',
  '/callcenter/agent/alice/state/../../bob/state',
  '/callcenter/queue',
  '/v1/account/x/callcenter/agent/bob',
];
const BODIES: Record<string, unknown> = {
  state: { state: 'idle' },
  skills: { opts: [{ opt: 0 }] },
  extension: { id: EXT[2] },
};

let rig: Rig;
let alice: string;
const responses: string[] = [];
beforeAll(async () => {
  rig = await startRig({
    ratePerSec: 0,
    lockout: { agentFreeFailures: 3, addressFreeFailures: 8, baseDelayMs: 60_000 },
  });
  alice = await signIn(rig, 'alice', PASSWORDS.alice);
  const bob = await signIn(rig, 'bob', PASSWORDS.bob);
  // Bob is really logged in: any request that slipped through would succeed on the platform.
  const r = await platform(rig, 'POST', '/callcenter/agent', bob, {
    name: 'bob',
    extension: EXT[2],
    state: 'idle',
  });
  expect(r.json?.code).toBe('000000');
});
afterAll(async () => {
  await rig?.close();
});

describe("gateway security: alice's token against bob", () => {
  it('refuses every route and method that is not her own, without calling the platform', async () => {
    const before = rig.platformCalls.length;
    const seen: string[] = [];
    for (const path of FOREIGN_PATHS) {
      for (const method of METHODS) {
        const key = path.split('/').pop()!.split('?')[0]!;
        const body =
          method === 'GET' || method === 'DELETE' ? undefined : (BODIES[key] ?? { name: 'bob' });
        const r = await send(rig.gateway.origin, method, `/v1/platform${path}`, {
          token: alice,
          ...(body ? { body } : {}),
        });
        responses.push(r.text);
        seen.push(`${method} ${path} ${r.status}`);
        expect(r.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
        expect(r.status, `${method} ${path}`).toBeLessThan(500);
        expect(r.json?.code, `${method} ${path}`).toMatch(/^GW04/);
      }
    }
    // Sign-ins and changes that name bob, or an extension not assigned to alice.
    const attempts: [string, string, unknown][] = [
      ['POST', '/callcenter/agent', { name: 'bob', extension: EXT[2] }],
      ['POST', '/callcenter/agent', { name: 'alice', extension: EXT[2] }],
      [
        'POST',
        '/callcenter/agent',
        { name: 'alice', extension: EXT[0], skills: [{ name: 'vip', score: 100 }] },
      ],
      ['POST', '/callcenter/agent/alice/extension', { id: EXT[2] }],
      ['POST', '/callcenter/agent/alice/skills', { opts: [{ opt: 0 }] }],
      ['GET', `/callcenter/extension/${EXT[2]}`, undefined],
    ];
    for (const [method, path, body] of attempts) {
      const r = await platform(rig, method, path, alice, body);
      responses.push(r.text);
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.json).toMatchObject({ code: 'GW0403', data: null });
    }
    expect(seen.length).toBeGreaterThanOrEqual(80);
    expect(rig.platformCalls.length).toBe(before);
    // Bob is untouched.
    const bobNow = rig.emulator.store.getAgent('bob');
    expect(bobNow.code).toBe('000000');
    expect(bobNow.data).toMatchObject({ state: 'idle', extension: EXT[2] });
  });

  it('lets skills through once an admin allows them', async () => {
    await platform(rig, 'POST', '/callcenter/agent', alice, { name: 'alice', extension: EXT[0] });
    expect(
      (
        await platform(rig, 'POST', '/callcenter/agent/alice/skills', alice, {
          opts: [{ opt: 1, name: 'vip' }],
        })
      ).status,
    ).toBe(403);
    await rig.admin.setAllowSkills('alice', true);
    const r = await platform(rig, 'POST', '/callcenter/agent/alice/skills', alice, {
      opts: [{ opt: 1, name: 'vip' }],
    });
    expect(r.json?.code).toBe('000000');
    await rig.admin.setAllowSkills('alice', false);
  });
});

describe('gateway security: sign-in lockout', () => {
  it('locks an agent after repeated wrong passwords, even against the right one, with Retry-After', async () => {
    await rig.admin.add('carol', 'carol-pass-1', [EXT[3]!]);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await send(rig.gateway.origin, 'POST', '/v1/session', {
        body: { name: 'carol', password: `guess${i}` },
      });
      statuses.push(r.status);
      responses.push(r.text);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    const right = await send(rig.gateway.origin, 'POST', '/v1/session', {
      body: { name: 'carol', password: 'carol-pass-1' },
    });
    expect(right.status).toBe(429);
    expect(right.json?.code).toBe('GW0423');
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThanOrEqual(30);
    const metrics = await send(rig.gateway.origin, 'GET', '/metrics');
    expect(metrics.text).toMatch(/gateway_locked_out [1-9]/);
    // Another agent is not locked by carol's failures…
    expect(
      (
        await send(rig.gateway.origin, 'POST', '/v1/session', {
          body: { name: 'bob', password: PASSWORDS.bob },
        })
      ).status,
    ).toBe(200);
  });

  it('locks the source address after failures spread over many names', async () => {
    let last = 0;
    for (let i = 0; i < 6; i++) {
      last = (
        await send(rig.gateway.origin, 'POST', '/v1/session', {
          body: { name: `spray${i}`, password: 'x' },
        })
      ).status;
    }
    expect(last).toBe(429);
    const bob = await send(rig.gateway.origin, 'POST', '/v1/session', {
      body: { name: 'bob', password: PASSWORDS.bob },
    });
    expect(bob.status).toBe(429);
    await rig.store.clearFailure('addr:127.0.0.1');
  });

  it('guesses sent all at once get no more password checks than guesses one by one', async () => {
    await rig.admin.add('dave', 'dave-pass-1', [EXT[3]!]);
    const guesses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        send(rig.gateway.origin, 'POST', '/v1/session', {
          body: { name: 'dave', password: `guess${i}` },
        }),
      ),
    );
    const statuses = guesses.map((r) => r.status).sort();
    // Three free failures for a name; the rest meet the lock, whether or not they were sent
    // while the first ones were still being checked.
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(17);
    const right = await send(rig.gateway.origin, 'POST', '/v1/session', {
      body: { name: 'dave', password: 'dave-pass-1' },
    });
    expect(right.status).toBe(429);
    await rig.store.clearFailure(agentKey('dave'));
    await rig.store.clearFailure('addr:127.0.0.1');
  });

  it('agents signing in from one address do not use up its allowance, all at once or locked', async () => {
    // A whole floor behind one NAT address signs in at shift start: right passwords in flight
    // together (more than the address's 8 free failures here) lock nobody out.
    for (let i = 0; i < 12; i++) await rig.admin.add(`floor_${i}`, `floor-pass-${i}`, []);
    const floor = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        send(rig.gateway.origin, 'POST', '/v1/session', {
          body: { name: `floor_${i}`, password: `floor-pass-${i}` },
        }),
      ),
    );
    expect(floor.map((r) => r.status)).toEqual(Array(12).fill(200));
    // A locked-out agent pressing Sign in again and again does not lock the floor's address.
    for (let i = 0; i < 3; i++) {
      await send(rig.gateway.origin, 'POST', '/v1/session', {
        body: { name: 'erin_locked', password: `guess${i}` },
      });
    }
    for (let i = 0; i < 8; i++) {
      const r = await send(rig.gateway.origin, 'POST', '/v1/session', {
        body: { name: 'erin_locked', password: 'any' },
      });
      expect(r.status).toBe(429);
    }
    const alice = await send(rig.gateway.origin, 'POST', '/v1/session', {
      body: { name: 'alice', password: PASSWORDS.alice },
    });
    expect(alice.status).toBe(200);
    await rig.store.clearFailure(agentKey('erin_locked'));
    await rig.store.clearFailure('addr:127.0.0.1');
  });
});

describe('gateway security: a password typed into the name field', () => {
  it('gets the same refusal as any wrong password and leaves no trace in the database', async () => {
    const typed = 'Hunter2Secret99';
    const wrongName = await send(rig.gateway.origin, 'POST', '/v1/session', {
      body: { name: typed, password: 'what-was-meant-as-the-name' },
    });
    const wrongPassword = await send(rig.gateway.origin, 'POST', '/v1/session', {
      body: { name: 'bob', password: typed },
    });
    // No telling an unknown name from a wrong password.
    expect([wrongName.status, wrongName.text]).toEqual([wrongPassword.status, wrongPassword.text]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const rows = await rig.store.listAudit({ limit: 2 });
    expect(rows.map((r) => [r.agent, r.target, r.code])).toEqual([
      ['bob', 'bob', 'GW0401'],
      ['', '(unknown name)', 'GW0401'],
    ]);
    const everything = JSON.stringify([
      await rig.store.listAudit({ limit: 10_000 }),
      await rig.store.getFailure(`agent:${typed}`),
    ]);
    expect(everything).not.toContain(typed);
    await rig.store.clearFailure('addr:127.0.0.1');
  });
});

describe('gateway security: lapsed and revoked tokens', () => {
  it('refuses a revoked token (sign-out of the gateway) and a token of a disabled agent', async () => {
    const token = await signIn(rig, 'bob', PASSWORDS.bob);
    expect((await send(rig.gateway.origin, 'DELETE', '/v1/session', { token })).status).toBe(200);
    const r = await platform(rig, 'GET', '/callcenter/agent/bob/keepalive', token);
    expect(r.status).toBe(401);
    expect(r.json?.code).toBe('GW0401');
    const other = await signIn(rig, 'bob', PASSWORDS.bob);
    await rig.admin.setDisabled('bob', true);
    expect((await platform(rig, 'GET', '/callcenter/agent/bob/keepalive', other)).status).toBe(401);
    expect(
      (
        await send(rig.gateway.origin, 'POST', '/v1/session', {
          body: { name: 'bob', password: PASSWORDS.bob },
        })
      ).status,
    ).toBe(403);
    await rig.admin.setDisabled('bob', false);
    expect((await platform(rig, 'GET', '/callcenter/agent/bob/keepalive', other)).status).toBe(401);
  });

  /** A rig on a clock the test moves (idle 60 s, shift 300 s), alice signed in there. */
  async function clockedAlice() {
    const clock = { now: Date.now() };
    const clocked = await startRig({
      now: () => clock.now,
      idleSeconds: 60,
      absoluteSeconds: 300,
      emulator: rig.emulator,
    });
    const token = await signIn(clocked, 'alice', PASSWORDS.alice);
    await platform(clocked, 'POST', '/callcenter/agent', token, {
      name: 'alice',
      extension: EXT[1],
    });
    const keepalive = (t = token) =>
      platform(clocked, 'GET', '/callcenter/agent/alice/keepalive', t);
    return { clocked, clock, keepalive };
  }

  it('lets a token lapse after the idle period and at the absolute end; keepalives extend it', async () => {
    const { clocked, clock, keepalive } = await clockedAlice();
    try {
      for (let i = 0; i < 4; i++) {
        clock.now += 50_000; // within the idle period each time: the keepalive extends the session
        expect((await keepalive()).status).toBe(200);
      }
      clock.now += 101_000; // 301 s after sign-in: past the absolute end
      expect((await keepalive()).status).toBe(401);
      const idle = await signIn(clocked, 'alice', PASSWORDS.alice);
      // Idle 60 s, and the stored last use may lag a request by up to 5 s: lapsed by 65 s.
      clock.now += 65_000;
      const r = await keepalive(idle);
      expect(r.status).toBe(401);
      responses.push(r.text);
    } finally {
      await clocked.close();
    }
  });

  it('never lapses a token before its idle period after the last request', async () => {
    const { clocked, clock, keepalive } = await clockedAlice();
    try {
      clock.now += 4_999; // a request too soon after the last to be written down as seen
      expect((await keepalive()).status).toBe(200);
      clock.now += 59_000; // 59 s after it: still within the idle period
      expect((await keepalive()).status).toBe(200);
    } finally {
      await clocked.close();
    }
  });
});

describe('gateway security: rate limit', () => {
  it('answers 429 with Retry-After once an agent exceeds their burst, and others carry on', async () => {
    const limited = await startRig({
      ratePerSec: 1,
      burst: 5,
      emulator: rig.emulator,
      store: rig.store,
    });
    try {
      const token = await signIn(limited, 'alice', PASSWORDS.alice);
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        statuses.push(
          (await platform(limited, 'GET', '/callcenter/agent?pageNo=1&pageSize=1', token)).status,
        );
      }
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(statuses.at(-1)).toBe(429);
      const bob = await signIn(limited, 'bob', PASSWORDS.bob);
      expect(
        (await platform(limited, 'GET', '/callcenter/agent?pageNo=1&pageSize=1', bob)).status,
      ).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('gateway security: the secret key', () => {
  it('never appears in a response or a log line', async () => {
    const secret = rig.emulator.credentials!.secretKey;
    expect(secret.length).toBeGreaterThan(8);
    responses.push((await send(rig.gateway.origin, 'GET', '/metrics')).text);
    responses.push((await send(rig.gateway.origin, 'GET', '/healthz')).text);
    for (const text of responses) expect(text).not.toContain(secret);
    for (const line of rig.logs) expect(line).not.toContain(secret);
    expect(responses.length).toBeGreaterThan(80);
  });
});
