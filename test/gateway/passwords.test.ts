/**
 * An unknown agent name must not answer faster than a known one with a wrong password, also at a
 * site that changed the cost of its hashes (GATEWAY_SCRYPT_LOG_N): otherwise timing the gateway's
 * refusals lists its agents' names.
 */
import { performance } from 'node:perf_hooks';
import { describe, expect, it, vi } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/gateway/passwords';

async function medianMs(run: () => Promise<unknown>, times = 7): Promise<number> {
  const spent: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await run();
    spent.push(performance.now() - start);
  }
  return spent.sort((a, b) => a - b)[Math.floor(times / 2)]!;
}

describe('refusing a sign-in', () => {
  it('costs the same for an unknown name as for a wrong password, at the site’s hash cost', async () => {
    // A cheaper cost than the default: the old fixed dummy made unknown names ~8× slower.
    const stored = await hashPassword('the-right-one', { logN: 11, r: 8, p: 1 });
    expect(await verifyPassword('the-right-one', stored)).toBe(true);
    expect(await verifyPassword('anything', null)).toBe(false); // warms the unknown-name path
    const known = await medianMs(() => verifyPassword('a-wrong-guess', stored));
    const unknown = await medianMs(() => verifyPassword('a-wrong-guess', null));
    expect(unknown / known).toBeLessThan(4);
    expect(known / unknown).toBeLessThan(4);
  });
});

describe('the first refusals after a gateway start', () => {
  it('cost the same for unknown names as for wrong passwords, before anyone signs in', async () => {
    // As in a freshly started process (new modules): nothing verified yet. The agents' hashes
    // (TEST_SCRYPT, logN 10) are far cheaper than the default cost (14), as at a site that
    // lowered GATEWAY_SCRYPT_LOG_N.
    vi.resetModules();
    const { send, startRig } = await import('./helpers');
    const rig = await startRig({ lockout: { agentFreeFailures: 100, addressFreeFailures: 100 } });
    try {
      const refuse = (name: string) =>
        send(rig.gateway.origin, 'POST', '/v1/session', {
          body: { name, password: 'a-wrong-guess' },
        }).then((r) => expect(r.status).toBe(401));
      let n = 0;
      // Unknown names first: a wrong password for a known name would set the cost by itself.
      // The first requests to a fresh process are slow whatever they cost (code warming up).
      for (let i = 0; i < 5; i++) await refuse(`nobody_${n++}`);
      const unknown = await medianMs(() => refuse(`nobody_${n++}`), 9);
      const known = await medianMs(() => refuse('alice'), 9);
      expect(unknown / known).toBeLessThan(4);
      expect(known / unknown).toBeLessThan(4);
    } finally {
      await rig.close();
    }
  });
});
