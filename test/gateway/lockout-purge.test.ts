/**
 * The sign-in failures table does not grow for good: every few minutes a running gateway drops
 * the rows of names and addresses that stopped trying, and keeps those that still count
 * towards a lockout or hold one. (What the purge may delete, on both stores: store.test.ts.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LOCKOUT_PURGE_EVERY_MS } from '../../src/gateway/index';
import { addressKey, agentKey } from '../../src/gateway/lockout';
import { waitFor } from '../support/wait';
import { PASSWORDS, send, startRig } from './helpers';

afterEach(() => {
  vi.useRealTimers();
});

describe('a running gateway purges the lockout table', () => {
  it('forgets a name quiet for longer than the forget period, keeps a recent lockout', async () => {
    // Only the purge schedule runs on the fake clock; sockets and waits stay real.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let clock = 2e12;
    const rig = await startRig({ now: () => clock, trustProxy: true });
    const signIn = (name: string, password: string, from: string) =>
      send(rig.gateway.origin, 'POST', '/v1/session', {
        body: { name, password },
        headers: { 'X-Forwarded-For': from },
      }).then((r) => r.status);
    try {
      // A name no agent has, tried once and never again: the row a spraying run leaves behind.
      expect(await signIn('sprayed_name', 'x', '10.7.0.1')).toBe(401);
      expect(await rig.store.getFailure(agentKey('sprayed_name'))).not.toBeNull();

      clock += 31 * 60_000;
      for (let i = 0; i < 5; i++) await signIn('bob', 'wrong-password', '10.7.0.2');
      expect(await signIn('bob', PASSWORDS.bob, '10.7.0.2')).toBe(429);

      vi.advanceTimersByTime(LOCKOUT_PURGE_EVERY_MS);
      await waitFor(
        async () => (await rig.store.getFailure(agentKey('sprayed_name'))) === null,
        'the quiet name’s row to be purged',
      );
      expect(await rig.store.getFailure(addressKey('10.7.0.1'))).toBeNull();
      // bob failed a moment ago: still locked out, the count kept.
      expect(await signIn('bob', PASSWORDS.bob, '10.7.0.2')).toBe(429);
      expect((await rig.store.getFailure(agentKey('bob')))?.count).toBe(5);
    } finally {
      await rig.close();
    }
  });
});
