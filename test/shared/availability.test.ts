import { describe, expect, it } from 'vitest';
import {
  callReadiness,
  hasNoEnabledSkill,
  isInCall,
  isStaleCallState,
} from '../../src/shared/availability';
import { initialSnapshot } from '../../src/shared/snapshot';
import type { CallInfo, SessionSnapshot } from '../../src/shared/snapshot';

const call: CallInfo = {
  id: 'c1',
  caller: '138',
  phase: 'ringing',
  ringingSince: 0,
  talkingSince: null,
  muted: false,
};
function healthy(state: string, over: Partial<SessionSnapshot> = {}): SessionSnapshot {
  const base = initialSnapshot('http://x', true, 0);
  return {
    ...base,
    phase: 'signed-in',
    state,
    platform: { ...base.platform, health: 'ok' },
    sip: { ...base.sip, state: 'registered' },
    microphone: 'ok',
    ...over,
  };
}

describe('isInCall', () => {
  it('is true while the platform rings or talks, or a call is on the line', () => {
    expect(isInCall(healthy('fetching'))).toBe(true);
    expect(isInCall(healthy('talking/呼入'))).toBe(true);
    expect(isInCall(healthy('idle', { call }))).toBe(true);
    expect(isInCall(healthy('idle'))).toBe(false);
    expect(isInCall(null)).toBe(false);
  });

  it('is false for a call state the platform could not confirm since the line has no call', () => {
    const unseen = (state: string, health: 'unreachable' | 'faulty' | 'auth-failed' | 'unknown') =>
      healthy(state, { platform: { ...healthy(state).platform, health } });
    // The call ended while the platform was down or the gateway token lapsed: choices open.
    for (const health of ['unreachable', 'faulty', 'auth-failed'] as const) {
      expect(isInCall(unseen('talking', health))).toBe(false);
      expect(isStaleCallState(unseen('fetching/x', health))).toBe(true);
    }
    // A call on the line is a call, whatever the platform; so is a state read back just now.
    expect(isInCall(unseen('talking', 'unreachable'))).toBe(false);
    expect(isInCall({ ...unseen('talking', 'unreachable'), call })).toBe(true);
    expect(isStaleCallState({ ...unseen('talking', 'unreachable'), call })).toBe(false);
    expect(isStaleCallState(healthy('talking'))).toBe(false);
    expect(isStaleCallState(unseen('busy', 'unreachable'))).toBe(false);
    // Never read back at all: no word to be stale (a snapshot a real session never shows).
    expect(isStaleCallState(unseen('talking', 'unknown'))).toBe(false);
  });
});

describe('callReadiness', () => {
  it('is ready only when exactly idle with every link fine', () => {
    expect(callReadiness(healthy('idle'), 'ok')).toEqual({ kind: 'ready' });
    expect(callReadiness(healthy('idle'), 'unknown')).toEqual({
      kind: 'unknown',
      links: ['microphone'],
    });
  });

  it.each([
    ['online', 'online'],
    ['busy/小休', 'busy'],
    ['away', 'away'],
    ['fetching', 'ringing'],
    ['talking', 'talking'],
  ])('%s → not offered (%s)', (state, why) => {
    expect(callReadiness(healthy(state), 'ok')).toEqual({ kind: 'not-offered', why });
  });

  it('names an unrouted call, and signed-out as offline', () => {
    expect(callReadiness(healthy('idle', { call }), 'ok')).toEqual({
      kind: 'not-offered',
      why: 'ringing',
    });
    const talking = { ...call, phase: 'talking' as const };
    expect(callReadiness(healthy('idle', { call: talking }), 'ok')).toMatchObject({
      why: 'talking',
    });
    expect(callReadiness(initialSnapshot('http://x', true, 0), 'ok')).toEqual({
      kind: 'not-offered',
      why: 'offline',
    });
  });

  it('puts trouble first and names it', () => {
    const s = healthy('busy');
    const platform = (health: 'unreachable' | 'auth-failed', code?: string) => ({
      ...s,
      platform: {
        ...s.platform,
        health,
        lastError: code ? { code: code as 'transport', message: '' } : null,
      },
    });
    const trouble = (snap: SessionSnapshot, mic: 'ok' | 'broken' = 'ok') => {
      const r = callReadiness(snap, mic);
      return r.kind === 'trouble' ? r.trouble : r.kind;
    };
    expect(trouble(platform('unreachable', 'transport'))).toBe('platform-unreachable');
    expect(trouble(platform('unreachable', 'http-error'))).toBe('platform-error');
    expect(trouble(platform('unreachable', 'gateway-trouble'))).toBe('gateway-trouble');
    expect(trouble(platform('unreachable', '010002'))).toBe('platform-refused');
    // Through the agent gateway: no answer, or a bare HTTP error, is the gateway's.
    const viaGateway = (snap: SessionSnapshot): SessionSnapshot => ({
      ...snap,
      access: { mode: 'gateway', signInNeeded: false },
    });
    expect(trouble(viaGateway(platform('unreachable', 'transport')))).toBe('gateway-unreachable');
    expect(trouble(viaGateway(platform('unreachable', 'timeout')))).toBe('gateway-unreachable');
    expect(trouble(viaGateway(platform('unreachable', 'http-error')))).toBe('gateway-trouble');
    expect(trouble(viaGateway(platform('unreachable', '010002')))).toBe('platform-refused');
    expect(trouble(platform('auth-failed'))).toBe('platform-auth');
    expect(trouble({ ...s, sip: { ...s.sip, state: 'failed-auth' } })).toBe('sip-auth');
    expect(trouble({ ...s, sip: { ...s.sip, state: 'backing-off' } })).toBe('sip-reconnecting');
    expect(trouble({ ...s, sip: { ...s.sip, state: 'stopped' } })).toBe('sip-down');
    expect(trouble(s, 'broken')).toBe('microphone');
    expect(trouble({ ...s, phase: 'restoring' })).toBe('session-restoring');
  });
});

describe('hasNoEnabledSkill', () => {
  const agent = (enabled: boolean[]) => ({
    name: 'a',
    num: null,
    state: 'idle',
    extension: 'e',
    skills: enabled.map((on, i) => ({ name: `s${i}`, score: 1, enabled: on })),
  });
  it('is true only for a signed-in agent read back with no skill enabled', () => {
    expect(hasNoEnabledSkill(healthy('idle', { agent: agent([]) }))).toBe(true);
    expect(hasNoEnabledSkill(healthy('idle', { agent: agent([false, false]) }))).toBe(true);
    expect(hasNoEnabledSkill(healthy('idle', { agent: agent([false, true]) }))).toBe(false);
    // Not read back yet, or not signed in: unknown is not "none".
    expect(hasNoEnabledSkill(healthy('idle', { agent: null }))).toBe(false);
    expect(hasNoEnabledSkill(healthy('idle', { agent: agent([]), phase: 'restoring' }))).toBe(
      false,
    );
    expect(hasNoEnabledSkill(null)).toBe(false);
  });
});
