import { describe, expect, it } from 'vitest';
import { callReadiness } from '../../src/shared/availability';
import { initialSnapshot } from '../../src/shared/snapshot';
import type { SessionSnapshot } from '../../src/shared/snapshot';

function idle(patch: Partial<SessionSnapshot> = {}): SessionSnapshot {
  const base = initialSnapshot('http://x', true, 0);
  return {
    ...base,
    phase: 'signed-in',
    state: 'idle',
    platform: { ...base.platform, health: 'ok' },
    sip: { ...base.sip, state: 'registered' },
    ...patch,
  };
}

describe('callReadiness with no audio output', () => {
  it('is a warning instead of ready, and never hides trouble or a state', () => {
    expect(callReadiness(idle(), 'ok', true)).toEqual({ kind: 'no-output' });
    expect(callReadiness(idle(), 'ok', false)).toEqual({ kind: 'ready' });
    expect(callReadiness(idle(), 'broken', true)).toMatchObject({ kind: 'trouble' });
    expect(callReadiness(idle({ state: 'busy' }), 'ok', true)).toMatchObject({
      kind: 'not-offered',
    });
  });
});
