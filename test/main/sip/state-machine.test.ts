/** Walks the SIP registration's transition table: every state × every event. */
import { describe, expect, it } from 'vitest';
import { SIP_STATES } from '../../../src/shared/snapshot';
import type { SipState } from '../../../src/shared/snapshot';
import { SIP_EVENTS, nextSipState } from '../../../src/main/sip/state-machine';
import type { SipEvent } from '../../../src/main/sip/state-machine';

// The table as the issue describes it, written out independently of the implementation.
const EXPECTED: Record<SipState, Partial<Record<SipEvent, SipState>>> = {
  stopped: { start: 'connecting' },
  connecting: {
    start: 'connecting',
    kick: 'connecting',
    connected: 'registering',
    failed: 'backing-off',
    stop: 'stopped',
  },
  registering: {
    start: 'connecting',
    kick: 'connecting',
    registered: 'registered',
    failed: 'backing-off',
    'auth-rejected': 'failed-auth',
    stop: 'stopped',
  },
  registered: {
    start: 'connecting',
    kick: 'connecting',
    failed: 'backing-off',
    'auth-rejected': 'failed-auth',
    stop: 'stopped',
  },
  'backing-off': {
    start: 'connecting',
    kick: 'connecting',
    retry: 'connecting',
    failed: 'backing-off',
    stop: 'stopped',
  },
  'failed-auth': { start: 'connecting', stop: 'stopped' },
};

describe('SIP state machine', () => {
  for (const state of SIP_STATES) {
    for (const event of SIP_EVENTS) {
      const expected = EXPECTED[state][event] ?? null;
      it(`${state} --${event}--> ${expected ?? '(ignored)'}`, () => {
        expect(nextSipState(state, event)).toBe(expected);
      });
    }
  }

  it('reaches every state from stopped', () => {
    const seen = new Set<SipState>(['stopped']);
    const queue: SipState[] = ['stopped'];
    while (queue.length) {
      const state = queue.shift()!;
      for (const event of SIP_EVENTS) {
        const next = nextSipState(state, event);
        if (next && !seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    expect([...seen].sort()).toEqual([...SIP_STATES].sort());
  });

  it('can always be stopped, and only a new start leaves failed-auth', () => {
    for (const state of SIP_STATES)
      expect(nextSipState(state, 'stop') ?? 'stopped').toBe('stopped');
    const exits = SIP_EVENTS.filter((event) => nextSipState('failed-auth', event) !== null);
    expect(exits).toEqual(['start', 'stop']);
  });

  it('never retries on its own after wrong credentials or when stopped', () => {
    for (const event of ['retry', 'kick', 'failed', 'connected', 'registered'] as const) {
      expect(nextSipState('failed-auth', event)).toBeNull();
      expect(nextSipState('stopped', event)).toBeNull();
    }
  });
});
