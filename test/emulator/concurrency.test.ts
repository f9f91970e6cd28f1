/**
 * Concurrent requests on one agent never interleave: the per-agent lock on its own, then over
 * HTTP — racing state changes, racing logins, and the platform's non-blocking lock: a request
 * that finds the agent's lock held (a forced logout whose hang-up is slow, a request made slow)
 * is refused at once, 000004 (a logout 040203); with `lockWaitMs` it waits its turn instead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentLock } from '../../src/emulator/agent-lock';
import { call, code, control, EXT, login, startTest, type TestEmulator } from './helpers';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until `check` holds (bounded). */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Runs a quick task on `key` that notes `value` in `ran` when it runs; 'busy' if refused. */
const quick = (queue: AgentLock, key: string, value: string, ran: string[] = []) =>
  queue.run(
    key,
    () => {
      ran.push(value);
      return value;
    },
    () => 'busy',
  );

describe('AgentLock', () => {
  it('runs tasks on one key one at a time, in arrival order', async () => {
    const queue = new AgentLock(() => 5000);
    const log: string[] = [];
    let running = 0;
    const task = (id: number) => async () => {
      running++;
      expect(running).toBe(1);
      log.push(`start ${id}`);
      await sleep(5 - (id % 3));
      log.push(`end ${id}`);
      running--;
      return id;
    };
    const results = await Promise.all(
      [0, 1, 2, 3, 4].map((i) => queue.run('a', task(i), () => -1)),
    );
    expect(results).toEqual([0, 1, 2, 3, 4]);
    expect(log).toEqual([0, 1, 2, 3, 4].flatMap((i) => [`start ${i}`, `end ${i}`]));
    expect(queue.activeKeys).toBe(0);
  });

  it('lets different keys run side by side', async () => {
    const queue = new AgentLock(() => 5000);
    let overlap = 0;
    let running = 0;
    const task = async () => {
      running++;
      overlap = Math.max(overlap, running);
      await sleep(10);
      running--;
    };
    await Promise.all(['a', 'b', 'c'].map((k) => queue.run(k, task, () => undefined)));
    expect(overlap).toBe(3);
  });

  it("with no wait (the platform's lock), answers busy() at once to a request that finds it held", async () => {
    const queue = new AgentLock(() => 0);
    const ran: string[] = [];
    let finish!: () => void;
    const holding = queue.run(
      'a',
      () => new Promise<string>((r) => (finish = () => r('first'))),
      () => 'busy',
    );
    const refused = quick(queue, 'a', 'second', ran);
    const other = quick(queue, 'b', 'other');
    expect(await refused).toBe('busy');
    expect(await other).toBe('other');
    finish();
    expect(await holding).toBe('first');
    expect(ran).toEqual([]);
    expect(await quick(queue, 'a', 'next')).toBe('next');
    expect(queue.activeKeys).toBe(0);
  });

  it('answers busy() to a request that waited longer than the limit, which then never runs', async () => {
    const queue = new AgentLock(() => 30);
    const ran: string[] = [];
    const slow = queue.run(
      'a',
      async () => {
        await sleep(100);
        ran.push('slow');
        return 'slow';
      },
      () => 'busy',
    );
    const late = quick(queue, 'a', 'late', ran);
    expect(await late).toBe('busy');
    expect(await slow).toBe('slow');
    // Order still holds for what comes next.
    expect(await quick(queue, 'a', 'next')).toBe('next');
    expect(ran).toEqual(['slow']);
  });

  it('keeps going after a task throws', async () => {
    const queue = new AgentLock(() => 5000);
    const failing = queue.run(
      'a',
      async () => {
        await sleep(5);
        throw new Error('x');
      },
      () => 0,
    );
    const after = queue.run(
      'a',
      () => 2,
      () => 0,
    );
    await expect(failing).rejects.toThrow('x');
    expect(await after).toBe(2);
  });
});

describe('over HTTP', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTest();
  });
  afterAll(() => emu.close());

  it('50 concurrent state changes on one agent: all succeed, one of them wins, nothing breaks', async () => {
    await login(emu, 'a1', EXT[0]);
    const states = Array.from({ length: 50 }, (_, i) =>
      i % 3 === 0 ? 'idle' : i % 3 === 1 ? `busy/r${i}` : `away/层${i}/x`,
    );
    const codes = await Promise.all(
      states.map((state) => code(call(emu, 'POST', '/callcenter/agent/a1/state', { state }))),
    );
    expect(new Set(codes)).toEqual(new Set(['000000']));
    const agent = (await call(emu, 'GET', '/callcenter/agent/a1')).json.data as { state: string };
    expect(states).toContain(agent.state);
    const dump = (await control(emu, 'state')).json as {
      agents: { name: string; state: string }[];
    };
    expect(dump.agents).toHaveLength(1);
    expect(dump.agents[0]!.state).toBe(agent.state);
    expect(emu.logs).toEqual([]);
    await control(emu, 'reset', {});
  });

  it('20 concurrent logins of one name: exactly one wins, the rest get 040201', async () => {
    const codes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        code(call(emu, 'POST', '/callcenter/agent', { name: 'same', extension: EXT[i % 5] })),
      ),
    );
    expect(codes.filter((c) => c === '000000')).toHaveLength(1);
    expect(codes.filter((c) => c === '040201')).toHaveLength(19);
    const bound = emu.store.extensionRecords().filter((r) => r.boundTo !== null);
    expect(bound).toHaveLength(1);
    await control(emu, 'reset', {});
  });

  it('concurrent logins of different names on one extension: exactly one binds it', async () => {
    const codes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        code(call(emu, 'POST', '/callcenter/agent', { name: `n${i}`, extension: EXT[0] })),
      ),
    );
    expect(codes.filter((c) => c === '000000')).toHaveLength(1);
    expect(codes.filter((c) => c === '040102')).toHaveLength(19);
    await control(emu, 'reset', {});
  });

  it('refuses a request at once while a slow forced logout holds the agent: 000004, a logout 040203', async () => {
    const off = emu.store.onForceHangup(() => sleep(800));
    try {
      await login(emu, 'a1', EXT[0]);
      emu.store.forceState('a1', 'talking');
      const logout = code(call(emu, 'DELETE', '/callcenter/agent/a1?force=true'));
      const leaving = () => emu.store.agentStatus('a1')?.leaving === true;
      await until(leaving, 'the forced logout to start');
      const started = Date.now();
      const refused = await Promise.all([
        code(call(emu, 'POST', '/callcenter/agent/a1/state', { state: 'idle' })),
        code(call(emu, 'GET', '/callcenter/agent/a1/keepalive')),
        code(call(emu, 'GET', '/callcenter/agent/a1')),
        code(call(emu, 'DELETE', '/callcenter/agent/a1?force=true')),
      ]);
      // The platform's lock never waits: answered long before the hang-up is over.
      expect(Date.now() - started).toBeLessThan(600);
      expect(refused).toEqual(['000004', '000004', '000004', '040203']);
      // Other agents were never held up.
      await login(emu, 'b1', EXT[1]);
      expect(await logout).toBe('000000');
      // Refused requests never ran: the logout stands, nothing came back.
      expect(emu.store.agentStatus('a1')).toBeNull();
    } finally {
      off();
      await control(emu, 'reset', {});
    }
  });

  it('with lockWaitMs, a request behind a slow forced logout waits its turn, or gets 000004 past it', async () => {
    const off = emu.store.onForceHangup(() => sleep(300));
    try {
      await control(emu, 'config', { lockWaitMs: 5000 });
      await login(emu, 'a1', EXT[0]);
      emu.store.forceState('a1', 'talking');
      // Within the limit: the state change waits for the logout and then finds no agent.
      const logout = code(call(emu, 'DELETE', '/callcenter/agent/a1?force=true'));
      const leaving = () => emu.store.agentStatus('a1')?.leaving === true;
      await until(leaving, 'the forced logout to start');
      const queued = code(call(emu, 'POST', '/callcenter/agent/a1/state', { state: 'idle' }));
      expect(await logout).toBe('000000');
      expect(await queued).toBe('040202');

      await control(emu, 'config', { lockWaitMs: 50 });
      await login(emu, 'a1', EXT[0]);
      emu.store.forceState('a1', 'talking');
      const logout2 = code(call(emu, 'DELETE', '/callcenter/agent/a1?force=true'));
      await until(leaving, 'the second forced logout to start');
      const busy = code(call(emu, 'GET', '/callcenter/agent/a1/keepalive'));
      expect(await busy).toBe('000004');
      expect(await logout2).toBe('000000');
    } finally {
      off();
      await control(emu, 'config', { lockWaitMs: 0 });
      await control(emu, 'reset', {});
    }
  });

  it('slow: the next request is applied, then holds the lock before its reply', async () => {
    await login(emu, 'a1', EXT[0], { state: 'busy' });
    expect((await control(emu, 'agents/a1/slow', { ms: 300 })).json).toEqual({ ok: true });
    const started = Date.now();
    const change = code(call(emu, 'POST', '/callcenter/agent/a1/state', { state: 'idle' }));
    await until(() => emu.store.agentStatus('a1')?.state === 'idle', 'the change applied');
    // Its reply still on the way: a sign-out finds the lock held, as on the real platform.
    expect(await code(call(emu, 'DELETE', '/callcenter/agent/a1'))).toBe('040203');
    expect(await code(call(emu, 'GET', '/callcenter/agent/a1/keepalive'))).toBe('000004');
    expect(await change).toBe('000000');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    // Only the next request: the one after answers at once and works.
    expect(await code(call(emu, 'DELETE', '/callcenter/agent/a1'))).toBe('000000');
    // Bad input: refused, nothing kept.
    await login(emu, 'a1', EXT[0]);
    for (const bad of [{}, { ms: 0 }, { ms: 60_001 }, { ms: 1.5 }, { ms: '5' }, { ms: 5, x: 1 }]) {
      expect((await control(emu, 'agents/a1/slow', bad)).status).toBe(400);
    }
    expect((await control(emu, 'agents/nobody/slow', { ms: 5 })).status).toBe(404);
    expect((await fetch(`${emu.origin}/emulator/agents/a1/slow`)).status).toBe(405);
    // A reset forgets a slow request still to come.
    await control(emu, 'agents/a1/slow', { ms: 2000 });
    await control(emu, 'reset', {});
    const quick = Date.now();
    await login(emu, 'a1', EXT[0]);
    expect(await code(call(emu, 'GET', '/callcenter/agent/a1/keepalive'))).toBe('000000');
    expect(Date.now() - quick).toBeLessThan(500);
    await control(emu, 'reset', {});
  });
});
