/**
 * The no-answer guard over an agent in a given state, on a manual clock, with the holds it
 * asks for recorded: what the guard's tests drive rings-out through.
 */
import { NoAnswerGuard } from '../../../../src/main/core/no-answer-guard';
import { DEFAULT_SETTINGS } from '../../../../src/shared/settings';
import { initialSnapshot } from '../../../../src/shared/snapshot';
import { silentLogger } from '../../../../src/lib/ports';
import { ManualClock } from '../../../support/manual-clock';
import type { CallInfo, SessionSnapshot } from '../../../../src/shared/snapshot';

/** A guard over an agent in `state` (their choice) and `hold`; the states it holds them in. */
export function guardFor(state: string, hold: SessionSnapshot['hold'] = null) {
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
  /** A ring-out; `phase` 'answering' when it crossed the agent's answer. */
  const ringOut = (id: string, phase: CallInfo['phase'] = 'ringing') => {
    const call: CallInfo = {
      id,
      caller: '8001',
      phase,
      ringingSince: clock.now(),
      talkingSince: null,
      muted: false,
    };
    guard.ended(call, { reason: 'ring-timeout', detail: null, answered: false }, clock.now());
  };
  return { guard, clock, holds, ringOut };
}
