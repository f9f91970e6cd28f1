import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  initialSnapshot,
  passwordAsked,
  platformFaulty,
  readiness,
  retriedState,
  SIP_STATES,
} from '../../src/shared/snapshot';
import type {
  LinkHealth,
  PlatformHealth,
  SessionPhase,
  SessionSnapshot,
  SipState,
} from '../../src/shared/snapshot';

const PHASES: SessionPhase[] = [
  'signed-out',
  'signing-in',
  'signed-in',
  'restoring',
  'signing-out',
];
const HEALTHS: PlatformHealth[] = ['unknown', 'ok', 'unreachable', 'auth-failed'];
const LINKS: LinkHealth[] = ['ok', 'broken', 'unknown'];

function snapshotWith(phase: SessionPhase, health: PlatformHealth, sip: SipState): SessionSnapshot {
  const base = initialSnapshot('http://127.0.0.1:1/v1/account/A', true, 0);
  return {
    ...base,
    phase,
    platform: { ...base.platform, health },
    sip: { ...base.sip, state: sip },
  };
}

describe('readiness', () => {
  it('is ready only when signed in, platform ok, SIP registered and microphone ok', () => {
    expect(readiness(snapshotWith('signed-in', 'ok', 'registered'), 'ok')).toEqual({
      ready: true,
      links: { session: 'ok', platform: 'ok', sip: 'ok', microphone: 'ok' },
      broken: null,
    });
  });

  it('does not call a fresh start fine: unknown stays unknown', () => {
    const r = readiness(initialSnapshot('http://x', false, 0), 'unknown');
    expect(r.ready).toBe(false);
    expect(r.links).toEqual({
      session: 'broken',
      platform: 'unknown',
      sip: 'unknown',
      microphone: 'unknown',
    });
    expect(r.broken).toBe('session');
  });

  it.each<[SipState, LinkHealth]>([
    ['stopped', 'broken'],
    ['connecting', 'unknown'],
    ['registering', 'unknown'],
    ['registered', 'ok'],
    ['backing-off', 'broken'],
    ['failed-auth', 'broken'],
  ])('while signed in, SIP %s is %s', (sip, expected) => {
    const r = readiness(snapshotWith('signed-in', 'ok', sip), 'ok');
    expect(r.links.sip).toBe(expected);
    expect(r.ready).toBe(expected === 'ok');
    expect(r.broken).toBe(expected === 'broken' ? 'sip' : null);
  });

  it.each<[PlatformHealth, LinkHealth]>([
    ['unknown', 'unknown'],
    ['ok', 'ok'],
    ['unreachable', 'broken'],
    ['auth-failed', 'broken'],
  ])('platform %s is %s', (health, expected) => {
    expect(readiness(snapshotWith('signed-in', health, 'registered'), 'ok').links.platform).toBe(
      expected,
    );
  });

  it('a missing microphone blocks readiness', () => {
    const r = readiness(snapshotWith('signed-in', 'ok', 'registered'), 'broken');
    expect(r).toMatchObject({ ready: false, broken: 'microphone' });
  });

  it('never reports a link ok unless its source says so, and ready means all ok', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PHASES),
        fc.constantFrom(...HEALTHS),
        fc.constantFrom(...SIP_STATES),
        fc.constantFrom(...LINKS),
        (phase, health, sip, microphone) => {
          const r = readiness(snapshotWith(phase, health, sip), microphone);
          expect(r.links.session === 'ok').toBe(phase === 'signed-in');
          expect(r.links.platform === 'ok').toBe(health === 'ok');
          expect(r.links.sip === 'ok').toBe(sip === 'registered');
          expect(r.links.microphone).toBe(microphone);
          const all = Object.values(r.links);
          expect(r.ready).toBe(all.every((l) => l === 'ok'));
          const order = ['session', 'platform', 'sip', 'microphone'] as const;
          expect(r.broken).toBe(order.find((l) => r.links[l] === 'broken') ?? null);
        },
      ),
    );
  });
});

describe('readiness: no audio received', () => {
  const talking = {
    ...snapshotWith('signed-in', 'ok', 'registered'),
    call: {
      id: 'c',
      caller: '1',
      phase: 'talking' as const,
      ringingSince: 0,
      talkingSince: 1,
      muted: false,
    },
  };
  it('says so only for a talking call the window reports silent', () => {
    expect(readiness(talking, 'ok', true).noAudio).toBe(true);
    expect(readiness(talking, 'ok', false).noAudio).toBeUndefined();
    expect(readiness({ ...talking, call: null }, 'ok', true).noAudio).toBeUndefined();
  });
});

describe('retriedState: a pending change said to be retried', () => {
  const pending = (health: PlatformHealth, access?: SessionSnapshot['access']) => ({
    ...snapshotWith('signed-in', health, 'registered'),
    pendingState: 'busy/小休',
    ...(access ? { access } : {}),
  });

  it.each<PlatformHealth>(['ok', 'unknown', 'unreachable', 'faulty'])(
    'is the pending state while the platform is %s (a retry can succeed)',
    (health) => expect(retriedState(pending(health))).toBe('busy/小休'),
  );

  it('is none while the platform refuses the account key (401): no retry can succeed', () => {
    expect(retriedState(pending('auth-failed'))).toBeNull();
  });

  it('is none while the gateway token is refused, until the agent signs in again', () => {
    expect(retriedState(pending('faulty', { mode: 'gateway', signInNeeded: true }))).toBeNull();
    expect(retriedState(pending('ok', { mode: 'gateway', signInNeeded: false }))).toBe('busy/小休');
  });

  it('is none with nothing pending, or no snapshot', () => {
    expect(retriedState({ ...pending('ok'), pendingState: null })).toBeNull();
    expect(retriedState(null)).toBeNull();
  });
});

describe('platformFaulty: the "platform answers but refuses" banner', () => {
  const at = (health: PlatformHealth, access?: SessionSnapshot['access']) => ({
    ...snapshotWith('signed-in', health, 'registered'),
    ...(access ? { access } : {}),
  });

  it('is said while the platform is faulty, in every access mode', () => {
    expect(platformFaulty(at('faulty'))).toBe(true);
    expect(platformFaulty(at('faulty', { mode: 'direct', signInNeeded: false }))).toBe(true);
    expect(platformFaulty(at('faulty', { mode: 'gateway', signInNeeded: false }))).toBe(true);
  });

  it('is not said while the gateway asks for the password again: the prompt names the cause', () => {
    expect(platformFaulty(at('faulty', { mode: 'gateway', signInNeeded: true }))).toBe(false);
  });

  it.each<PlatformHealth>(['ok', 'unknown', 'unreachable', 'auth-failed'])(
    'is not said while the platform is %s',
    (health) => expect(platformFaulty(at(health))).toBe(false),
  );

  it('is not said with no snapshot', () => expect(platformFaulty(null)).toBe(false));
});

describe('passwordAsked: the gateway prompt, and the banners that give way to it', () => {
  const lapsed = { mode: 'gateway' as const, signInNeeded: true };
  it('asks while signed in (or restoring) with a lapsed token', () => {
    expect(
      passwordAsked({ ...snapshotWith('signed-in', 'faulty', 'registered'), access: lapsed }),
    ).toBe(true);
    expect(
      passwordAsked({ ...snapshotWith('restoring', 'faulty', 'registered'), access: lapsed }),
    ).toBe(true);
  });
  it('does not once signed out: the sign-in form asks, and the banners speak again', () => {
    const out = { ...snapshotWith('signed-out', 'faulty', 'registered'), access: lapsed };
    expect(passwordAsked(out)).toBe(false);
    expect(platformFaulty(out)).toBe(true);
  });
  it('does not without a lapsed token, or without a snapshot', () => {
    expect(passwordAsked(snapshotWith('signed-in', 'ok', 'registered'))).toBe(false);
    expect(passwordAsked(null)).toBe(false);
  });
});
