/**
 * The no-answer guard counts rings that rang out only while the agent waits for routed calls
 * (idle, no hold). Before, two calls dialled straight to an agent on lunch (busy/午餐) that rang
 * out relabelled the break busy/未接 on the platform and told the agent they had missed offers
 * they were never made.
 */
import { describe, expect, it } from 'vitest';
import { NoAnswerGuard } from '../../../src/main/core/no-answer-guard';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import { initialSnapshot } from '../../../src/shared/snapshot';
import { silentLogger } from '../../../src/lib/ports';
import { ManualClock } from '../../support/manual-clock';
import type { CallInfo, SessionSnapshot } from '../../../src/shared/snapshot';

/** A guard over an agent in `state` (their choice) and `hold`; the states it holds them in. */
function guardFor(state: string, hold: SessionSnapshot['hold'] = null) {
  const clock = new ManualClock();
  const snap: SessionSnapshot = {
    ...initialSnapshot('http://x', true, 0),
    phase: 'signed-in',
    profile: { name: 'a1', extension: 'e1' },
    state: hold ? 'away/system/lock' : state,
    chosenState: state,
    hold,
  };
  const holds: string[] = [];
  const guard = new NoAnswerGuard({
    session: {
      snapshot: () => snap,
      hold: async (target) => {
        holds.push(target);
        return { ok: true, value: snap };
      },
    },
    settings: () => DEFAULT_SETTINGS, // two rings out in a row
    clock,
    logger: silentLogger,
    publish: () => undefined,
  });
  const ringOut = (id: string) => {
    const call: CallInfo = {
      id,
      caller: '8001',
      phase: 'ringing',
      ringingSince: clock.now(),
      talkingSince: null,
      muted: false,
    };
    guard.ended(call, { reason: 'ring-timeout', detail: null, answered: false }, clock.now());
  };
  return { guard, clock, holds, ringOut };
}

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
