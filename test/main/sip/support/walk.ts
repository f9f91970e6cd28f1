/** Checks that a state sequence a real line went through only used transitions of the table. */
import { expect } from 'vitest';
import type { SipState } from '../../../../src/shared/snapshot';
import { SIP_EVENTS, nextSipState } from '../../../../src/main/sip/state-machine';

export function expectLegalWalk(states: SipState[]): void {
  for (let i = 1; i < states.length; i++) {
    const from = states[i - 1]!;
    const to = states[i]!;
    const legal = SIP_EVENTS.some((event) => nextSipState(from, event) === to);
    expect(
      legal,
      `${from} → ${to} is not in the transition table (walk: ${states.join(' → ')})`,
    ).toBe(true);
  }
}
