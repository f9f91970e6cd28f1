/**
 * The platform store on its own, on a fake clock: the rules of docs/platform-api/agent-api.md §3–§5 that depend on
 * time (keepalive expiry, replacement, registration expiry), routing, the SIP directory, and the
 * hooks the calls feature and the SIP side use.
 */
import { describe, expect, it } from 'vitest';
import {
  DEMO_EXTENSIONS,
  PlatformStore,
  isRoutable,
  type StoreEvent,
} from '../../src/emulator/index';

const [E1, E2] = DEMO_EXTENSIONS.map((e) => e.id) as [string, string];

function setup(timeoutSec = 300) {
  const clock = { t: 1_700_000_000_000 };
  const logs: string[] = [];
  const store = new PlatformStore({
    now: () => clock.t,
    keepaliveTimeoutSec: timeoutSec,
    log: (m) => logs.push(m),
    hangupTimeoutMs: 200,
  });
  const advance = (sec: number) => (clock.t += sec * 1000);
  return { store, clock, advance, logs };
}

describe('keepalive expiry', () => {
  it('refuses a second login while fresh (040201) and replaces it after expiry', async () => {
    const { store, advance } = setup(10);
    expect((await store.login({ name: 'a', extension: E1, state: 'idle' })).code).toBe('000000');
    advance(9.999);
    expect((await store.login({ name: 'a', extension: E1 })).code).toBe('040201');
    advance(0.001); // exactly the timeout: expired
    expect(store.agentStatus('a')!.keepaliveFresh).toBe(false);
    expect((await store.login({ name: 'a', extension: E2, num: '7' })).code).toBe('000000');
    const agent = store.getAgent('a').data!;
    expect(agent).toMatchObject({ state: 'online', extension: E2, num: '7' });
    // The old login's extension was released with it.
    expect(store.extensionRecords().find((r) => r.id === E1)!.boundTo).toBeNull();
    expect(store.agentStatuses()).toHaveLength(1);
  });

  it('keeps an agent fresh with keepalives and brings an expired one back', () => {
    const { store, advance } = setup(10);
    void store.login({ name: 'a', extension: E1 });
    for (let i = 0; i < 5; i++) {
      advance(8);
      expect(store.keepalive('a').code).toBe('000000');
    }
    expect(store.agentStatus('a')!.keepaliveFresh).toBe(true);
    advance(11);
    expect(store.agentStatus('a')!.keepaliveFresh).toBe(false);
    expect(store.getAgent('a').code).toBe('000000'); // offline, not gone
    expect(store.keepalive('a').code).toBe('000000');
    expect(store.agentStatus('a')!.keepaliveFresh).toBe(true);
    expect(store.keepalive('nobody').code).toBe('040202');
  });

  it('applies a changed timeout at once', () => {
    const { store, advance } = setup(300);
    void store.login({ name: 'a', extension: E1 });
    advance(60);
    expect(store.agentStatus('a')!.keepaliveFresh).toBe(true);
    store.setKeepaliveTimeout(30);
    expect(store.agentStatus('a')!.keepaliveFresh).toBe(false);
    expect(() => store.setKeepaliveTimeout(0)).toThrow(RangeError);
  });

  it('expire() makes the keepalive stale now', async () => {
    const { store } = setup();
    await store.login({ name: 'a', extension: E1 });
    expect(store.expire('a')).toBe(true);
    expect(store.agentStatus('a')!.keepaliveFresh).toBe(false);
    expect(store.expire('b')).toBe(false);
    expect((await store.login({ name: 'a', extension: E1 })).code).toBe('000000');
  });

  it('keeps an expired agent bound: another name cannot take its extension (040102)', async () => {
    const { store } = setup();
    await store.login({ name: 'a', extension: E1 });
    store.expire('a');
    expect((await store.login({ name: 'b', extension: E1 })).code).toBe('040102');
  });
});

describe('routing predicate', () => {
  it('needs state exactly idle, a fresh keepalive and a registered extension', async () => {
    const { store, advance } = setup(10);
    await store.login({ name: 'a', extension: E1, state: 'idle' });
    const routable = () => isRoutable(store.agentStatus('a')!);
    expect(routable()).toBe(false); // not registered
    store.setRegistration(E1, 'sip:10001800001@127.0.0.1:5070;transport=ws', clock(store) + 5000);
    expect(routable()).toBe(true);
    // `idle` takes no reason in the state grammar, so `idle/x` cannot even be set.
    expect(store.forceState('a', 'idle/x').code).toBe('000001');
    store.forceState('a', 'fetching');
    expect(routable()).toBe(false);
    store.forceState('a', 'idle');
    advance(6); // registration lapses by time
    expect(store.isExtensionRegistered(E1)).toBe(false);
    expect(routable()).toBe(false);
    store.setRegistration(E1, 'sip:x@y', null); // no expiry
    expect(routable()).toBe(true);
    advance(10); // keepalive timeout
    expect(routable()).toBe(false);
    store.keepalive('a');
    expect(routable()).toBe(true);
    store.setState('a', 'busy');
    expect(routable()).toBe(false);
  });
});

describe('forced logout and the calls feature', () => {
  it('runs the hang-up hooks (awaited) before removing an agent in a call', async () => {
    const { store } = setup();
    const order: string[] = [];
    store.onForceHangup(async (name) => {
      order.push(`hangup ${name} in ${store.agentStatus(name)!.state}`);
      expect(store.agentStatus(name)!.leaving).toBe(true);
      await new Promise((r) => setTimeout(r, 20));
      order.push('hung up');
    });
    store.onChange((e) => order.push(e.type));
    await store.login({ name: 'a', extension: E1, state: 'idle' });
    store.forceState('a', 'talking/客户');
    expect((await store.logout('a', false)).code).toBe('040203');
    expect((await store.logout('a', true)).code).toBe('000000');
    expect(order).toEqual([
      'agent-login',
      'agent-state',
      'hangup a in talking/客户',
      'hung up',
      'agent-state', // out of the call
      'agent-logout',
    ]);
    expect(store.getAgent('a').code).toBe('040202');
  });

  it('logs out anyway when a hook throws, rejects or hangs (bounded)', async () => {
    const { store, logs } = setup();
    store.onForceHangup(() => {
      throw new Error('boom');
    });
    store.onForceHangup(() => Promise.reject(new Error('nope')));
    store.onForceHangup(() => new Promise<void>(() => {}));
    await store.login({ name: 'a', extension: E1 });
    store.forceState('a', 'fetching');
    const started = Date.now();
    expect((await store.logout('a', true)).code).toBe('000000');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(logs.join('\n')).toMatch(/boom/);
    expect(logs.join('\n')).toMatch(/nope/);
    expect(logs.join('\n')).toMatch(/timed out/);
  });

  it('hangs up an expired login in a call before a new login replaces it', async () => {
    const { store } = setup();
    const hung: string[] = [];
    store.onForceHangup((name) => void hung.push(name));
    await store.login({ name: 'a', extension: E1 });
    store.forceState('a', 'talking');
    store.expire('a');
    expect((await store.login({ name: 'a', extension: E1 })).code).toBe('000000');
    expect(hung).toEqual(['a']);
    expect(store.getAgent('a').data!.state).toBe('online');
  });

  it('forceState accepts any well-formed state and refuses the rest', async () => {
    const { store } = setup();
    await store.login({ name: 'a', extension: E1 });
    expect(store.forceState('a', 'fetching/task1').code).toBe('000000');
    expect(store.forceState('a', 'bogus').code).toBe('000001');
    expect(store.forceState('b', 'idle').code).toBe('040202');
  });
});

describe('a reason with a call word in it', () => {
  it('is taken, then every change and a logout without force are refused as in a call (040203)', async () => {
    // The platform tests "in a call" with contains("fetching") || contains("talking").
    const { store } = setup();
    await store.login({ name: 'a', extension: E1, state: 'idle' });
    expect(store.setState('a', 'busy/talking-to-supervisor').code).toBe('000000');
    expect(store.setState('a', 'idle').code).toBe('040203');
    expect((await store.logout('a', false)).code).toBe('040203');
    expect((await store.logout('a', true)).code).toBe('000000');
  });
});

describe('SIP directory', () => {
  it('looks accounts up by SIP user and follows creation and deletion', () => {
    const { store } = setup();
    const changes: number[] = [];
    store.onAccountsChanged(() => changes.push(store.accounts().length));
    expect(store.lookup('10001800001')).toEqual({
      extensionId: E1,
      sipUser: '10001800001',
      password: 'demo800001',
    });
    expect(store.lookup('800001')).toBeNull();
    const created = store.createExtension({ type: 1, user: '1234567', password: 'abc123' });
    expect(created.code).toBe('000000');
    const id = created.data!.id;
    expect(store.lookup('100011234567')?.extensionId).toBe(id);
    store.setRegistration(id, 'sip:c', null);
    const events: StoreEvent[] = [];
    store.onChange((e) => events.push(e));
    expect(store.deleteExtension(id).code).toBe('000000');
    expect(store.lookup('100011234567')).toBeNull();
    expect(changes).toEqual([6, 5]);
    expect(events).toEqual([{ type: 'registration', extensionId: id, registered: false }]);
    store.setRegistration(id, 'sip:c', null); // deleted: ignored, no throw
  });

  it('reports registration changes and ignores repeats', () => {
    const { store } = setup();
    const events: StoreEvent[] = [];
    store.onChange((e) => events.push(e));
    store.setRegistration(E1, 'sip:a', null);
    store.setRegistration(E1, 'sip:b', null);
    store.setRegistration(E1, null, null);
    expect(events).toEqual([
      { type: 'registration', extensionId: E1, registered: true },
      { type: 'registration', extensionId: E1, registered: false },
    ]);
  });

  it('reset keeps registrations of the demo extensions and drops everything else', async () => {
    const { store } = setup();
    store.setRegistration(E1, 'sip:a', null);
    const extra = store.createExtension({ type: 1, user: '555555', password: 'pw1234' }).data!;
    await store.login({ name: 'a', extension: extra.id });
    store.reset();
    expect(store.agentStatuses()).toEqual([]);
    expect(store.accounts()).toHaveLength(5);
    expect(store.isExtensionRegistered(E1)).toBe(true);
    expect(store.getExtension(extra.id).code).toBe('040103');
  });

  it('starts empty without demo data', () => {
    const store = new PlatformStore({ demoData: false });
    expect(store.accounts()).toEqual([]);
    store.reset();
    expect(store.accounts()).toEqual([]);
  });
});

function clock(store: PlatformStore): number {
  return store.now();
}
