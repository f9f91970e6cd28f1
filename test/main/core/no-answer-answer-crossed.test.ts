/**
 * A ring-out that crosses the agent's answer (the platform's CANCEL arrives while the answer is
 * being made) is no sign the agent walked away: it must not count toward the no-answer limit,
 * or an agent who answers late twice is set busy/未接 and told they missed calls they took up.
 */
import { expect, it } from 'vitest';
import { NoAnswerGuard } from '../../../src/main/core/no-answer-guard';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import { initialSnapshot } from '../../../src/shared/snapshot';
import { silentLogger } from '../../../src/lib/ports';
import { ManualClock } from '../../support/manual-clock';
import type { CallInfo, SessionSnapshot } from '../../../src/shared/snapshot';

it('two ring-outs that crossed the agent’s answer leave the agent routable', async () => {
  const clock = new ManualClock();
  const snap: SessionSnapshot = {
    ...initialSnapshot('http://x', true, 0),
    phase: 'signed-in',
    profile: { name: 'a1', extension: 'e1' },
    state: 'idle',
    chosenState: 'idle',
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
  for (const id of ['c1', 'c2']) {
    const answering: CallInfo = {
      id,
      caller: '8001',
      phase: 'answering',
      ringingSince: clock.now(),
      talkingSince: null,
      muted: false,
    };
    guard.ended(answering, { reason: 'ring-timeout', detail: null, answered: false }, clock.now());
  }
  await clock.advanceTo(clock.now() + 1000);
  expect(holds).toEqual([]);
  expect(guard.current()).toBeNull();
  expect(guard.misses()).toBe(0);
});
