/**
 * The no-answer guard counts rings that rang out only while the agent waits for routed calls
 * (idle, no hold). Before, two calls dialled straight to an agent on lunch (busy/午餐) that rang
 * out relabelled the break busy/未接 on the platform and told the agent they had missed offers
 * they were never made.
 */
import { describe, expect, it } from 'vitest';
import { guardFor } from './support/no-answer-world';

describe('the no-answer guard', () => {
  it('holds an idle agent busy/未接 after two rings out in a row', async () => {
    const { clock, holds, ringOut } = guardFor('idle');
    ringOut('c1');
    ringOut('c2');
    await clock.advanceTo(clock.now() + 1000);
    expect(holds).toEqual(['busy/未接']);
  });

  it('leaves an agent on a chosen break as they are', async () => {
    const { guard, clock, holds, ringOut } = guardFor('busy/午餐');
    ringOut('d1');
    ringOut('d2');
    await clock.advanceTo(clock.now() + 1000);
    expect(holds).toEqual([]);
    expect(guard.misses()).toBe(0);
  });

  it('does not count rings under a hold (a locked screen)', async () => {
    const { guard, ringOut } = guardFor('idle', { reason: 'lock', since: 0 });
    ringOut('l1');
    ringOut('l2');
    expect(guard.misses()).toBe(0);
    expect(guard.current()).toBeNull();
  });
});
