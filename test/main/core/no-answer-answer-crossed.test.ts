/**
 * A ring-out that crosses the agent's answer (the platform's CANCEL arrives while the answer is
 * being made) is no sign the agent walked away: it must not count toward the no-answer limit,
 * or an agent who answers late twice is set busy/未接 and told they missed calls they took up.
 */
import { expect, it } from 'vitest';
import { guardFor } from './support/no-answer-world';

it('two ring-outs that crossed the agent’s answer leave the agent routable', async () => {
  const { guard, clock, holds, ringOut } = guardFor('idle');
  for (const id of ['c1', 'c2']) ringOut(id, 'answering');
  await clock.advanceTo(clock.now() + 1000);
  expect(holds).toEqual([]);
  expect(guard.current()).toBeNull();
  expect(guard.misses()).toBe(0);
});
