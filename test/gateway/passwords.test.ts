/**
 * An unknown agent name must not answer faster than a known one with a wrong password, also at a
 * site that changed the cost of its hashes (GATEWAY_SCRYPT_LOG_N): otherwise timing the gateway's
 * refusals lists its agents' names.
 */
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
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
