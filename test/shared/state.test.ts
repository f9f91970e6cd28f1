import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BASE_STATES,
  canChangeStateFrom,
  checkLoginState,
  checkAgentReason,
  checkAgentState,
  checkReason,
  platformSeesCall,
  checkSettableState,
  EXTENDABLE_STATES,
  formatState,
  isCallState,
  isRoutableState,
  MAX_REASON_LENGTH,
  parseState,
} from '../../src/shared/domain/state';
import type { ParsedState } from '../../src/shared/domain/state';

/** One reason level: any non-empty text without `/` or NUL (Chinese, spaces, emoji included). */
const segment = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 12 })
  .filter((s) => !s.includes('/') && !s.includes('\0'));

/** A reason the platform accepts: levels joined with `/`, at most 256 UTF-16 units. */
const validReason = fc
  .array(segment, { minLength: 1, maxLength: 6 })
  .map((levels) => levels.join('/'))
  .filter((r) => r.length <= MAX_REASON_LENGTH);

const validState: fc.Arbitrary<ParsedState> = fc.oneof(
  fc.constantFrom(...BASE_STATES).map((base) => ({ base, reason: null })),
  fc
    .tuple(fc.constantFrom(...EXTENDABLE_STATES), validReason)
    .map(([base, reason]) => ({ base, reason })),
);

/** Strings near the grammar: a base (or junk) plus an arbitrary tail. */
const stateLike = fc
  .tuple(
    fc.oneof(fc.constantFrom(...BASE_STATES, 'offline', 'IDLE', ''), fc.string()),
    fc.option(fc.string({ unit: 'binary' }), { nil: undefined }),
  )
  .map(([base, tail]) => (tail === undefined ? base : `${base}/${tail}`));

describe('state grammar', () => {
  it('formats and parses back every valid state', () => {
    fc.assert(
      fc.property(validState, (state) => {
        expect(parseState(formatState(state))).toEqual({ ok: true, value: state });
      }),
    );
  });

  it('gives back exactly the text it accepted', () => {
    fc.assert(
      fc.property(stateLike, (text) => {
        const parsed = parseState(text);
        if (parsed.ok) expect(formatState(parsed.value)).toBe(text);
      }),
    );
  });

  it('splits at the first slash only: the reason keeps its levels', () => {
    expect(parseState('busy/维修单录入/加急')).toEqual({
      ok: true,
      value: { base: 'busy', reason: '维修单录入/加急' },
    });
    expect(parseState('talking/complaint')).toEqual({
      ok: true,
      value: { base: 'talking', reason: 'complaint' },
    });
  });

  it.each([
    ['', { kind: 'unknown-base', base: '' }],
    ['offline', { kind: 'unknown-base', base: 'offline' }],
    ['IDLE', { kind: 'unknown-base', base: 'IDLE' }],
    [' idle', { kind: 'unknown-base', base: ' idle' }],
    ['/busy', { kind: 'unknown-base', base: '' }],
    ['idle/x', { kind: 'not-extendable', base: 'idle' }],
    ['online/x', { kind: 'not-extendable', base: 'online' }],
    ['busy/', { kind: 'bad-reason', problem: 'empty' }],
    ['away//x', { kind: 'bad-reason', problem: 'empty-segment' }],
    ['busy/x/', { kind: 'bad-reason', problem: 'empty-segment' }],
    ['busy/a\0b', { kind: 'bad-reason', problem: 'nul' }],
    [`away/${'x'.repeat(257)}`, { kind: 'bad-reason', problem: 'too-long' }],
  ])('refuses %j', (text, error) => {
    expect(parseState(text)).toEqual({ ok: false, error });
  });
});

describe('a reason the platform would read as a call', () => {
  it('is refused for agents (checkAgentReason, checkAgentState) but the platform takes it', () => {
    expect(checkAgentReason('talking-to-supervisor')).toBe('call-word');
    expect(checkAgentReason('等fetching')).toBe('call-word');
    expect(checkAgentReason('Talking')).toBeNull(); // the platform's test is case-sensitive
    expect(checkAgentState('busy/talking-to-supervisor')).toEqual({
      kind: 'bad-reason',
      problem: 'call-word',
    });
    expect(checkAgentState('idle')).toBeNull();
    expect(checkSettableState('busy/talking-to-supervisor')).toBeNull();
    expect(platformSeesCall('away/fetching-coffee')).toBe(true);
    expect(platformSeesCall('idle')).toBe(false);
  });
});

describe('checkReason', () => {
  it.each(['a', '维修单录入/加急', '维修单录入', 'lunch break', 'a/b/c/d', 'x'.repeat(256)])(
    'accepts %j',
    (reason) => {
      expect(checkReason(reason)).toBeNull();
    },
  );

  it.each([
    ['', 'empty'],
    ['x'.repeat(257), 'too-long'],
    [`${'维'.repeat(200)}/${'修'.repeat(56)}`, 'too-long'],
    ['/a', 'empty-segment'],
    ['a/', 'empty-segment'],
    ['a//b', 'empty-segment'],
    ['/', 'empty-segment'],
    ['a\0', 'nul'],
    ['\0', 'nul'],
  ])('refuses %j as %s', (reason, problem) => {
    expect(checkReason(reason)).toBe(problem);
  });

  it('accepts every well-formed reason', () => {
    fc.assert(
      fc.property(validReason, (reason) => {
        expect(checkReason(reason)).toBeNull();
      }),
    );
  });

  it('never accepts a reason containing NUL', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (before, after) => {
        expect(checkReason(`${before}\0${after}`)).not.toBeNull();
      }),
    );
  });
});

describe('settable and login states', () => {
  const settable = [
    'idle',
    'busy',
    'away',
    'busy/打印文件',
    'away/drinking',
    'busy/维修单录入/加急',
  ];
  const never = ['online', 'fetching', 'talking', 'fetching/x', 'talking/complaint'];
  const malformed = ['', 'offline', 'idle/x', 'online/x', 'busy/', 'away//x', 'Busy'];

  it.each(settable)('%j can be set and used at login', (state) => {
    expect(checkSettableState(state)).toBeNull();
    expect(checkLoginState(state)).toBeNull();
  });

  it('online is accepted only at login', () => {
    expect(checkLoginState('online')).toBeNull();
    expect(checkSettableState('online')).not.toBeNull();
  });

  it.each([...never.filter((s) => s !== 'online'), ...malformed])(
    '%j is refused everywhere',
    (state) => {
      expect(checkSettableState(state)).not.toBeNull();
      expect(checkLoginState(state)).not.toBeNull();
    },
  );

  it('never lets fetching or talking be set, with any reason', () => {
    fc.assert(
      fc.property(validState, (state) => {
        const text = formatState(state);
        const settableBase = ['idle', 'busy', 'away'].includes(state.base);
        expect(checkSettableState(text) === null).toBe(settableBase);
        expect(checkLoginState(text) === null).toBe(settableBase || text === 'online');
      }),
    );
  });
});

describe('who may change state, who gets calls', () => {
  it.each([null, undefined, 'online', 'idle', 'busy', 'busy/x', 'away/lunch'])(
    'state can be changed from %j',
    (state) => {
      expect(canChangeStateFrom(state)).toBe(true);
      expect(isCallState(state)).toBe(false);
    },
  );

  it.each(['fetching', 'talking', 'fetching/task-1', 'talking/complaint/vip'])(
    'state cannot be changed from %j',
    (state) => {
      expect(canChangeStateFrom(state)).toBe(false);
      expect(isCallState(state)).toBe(true);
    },
  );

  it('routes exactly "idle" and nothing else', () => {
    expect(isRoutableState('idle')).toBe(true);
    for (const state of [
      'idle/x',
      'IDLE',
      ' idle',
      'idle ',
      'online',
      'busy',
      '',
      null,
      undefined,
    ]) {
      expect(isRoutableState(state)).toBe(false);
    }
    fc.assert(
      fc.property(stateLike, (s) => {
        expect(isRoutableState(s)).toBe(s === 'idle');
      }),
    );
  });
});
