import { describe, expect, it } from 'vitest';
import { share } from '../../src/renderer/src/stores/share';

/** What the window's snapshot mirror keeps of each push (see stores/session.ts). */
describe('share: a pushed snapshot keeps what did not change', () => {
  const prev = {
    state: 'idle',
    missed: [{ id: 'm1', caller: '1', at: 1 }],
    sip: { state: 'registered', lastError: null },
    call: null as null | { id: string },
  };

  it('a push with no news is the same object (nothing re-renders)', () => {
    expect(share(prev, JSON.parse(JSON.stringify(prev)))).toBe(prev);
  });

  it('a change keeps every untouched part by reference and takes the new one', () => {
    const next = { ...JSON.parse(JSON.stringify(prev)), call: { id: 'c1' } };
    const out = share(prev, next);
    expect(out).not.toBe(prev);
    expect(out).toEqual(next);
    expect(out.missed).toBe(prev.missed);
    expect(out.sip).toBe(prev.sip);
    expect(out.call).toEqual({ id: 'c1' });
  });

  it('arrays: a new item is a change, equal items keep their identity', () => {
    const next = JSON.parse(JSON.stringify(prev));
    next.missed.unshift({ id: 'm2', caller: '2', at: 2 });
    const out = share(prev, next);
    expect(out.missed).not.toBe(prev.missed);
    expect(out.missed).toHaveLength(2);
    expect(out.missed[0]).toEqual({ id: 'm2', caller: '2', at: 2 });
    // Matched by id: m1 moved down one place and is still the same object.
    expect(out.missed[1]).toBe(prev.missed[0]);
  });

  it('a removed key is a change', () => {
    const { call: _call, ...rest } = JSON.parse(JSON.stringify(prev));
    const out = share(prev, rest as typeof prev);
    expect(out).not.toBe(prev);
    expect('call' in out).toBe(false);
  });
});
