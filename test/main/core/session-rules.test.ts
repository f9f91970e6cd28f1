/** The takeover rule: which state moves this desktop could not have caused. */
import { describe, expect, it } from 'vitest';
import { isMovedElsewhere } from '../../../src/main/core/session-rules';

describe('isMovedElsewhere', () => {
  it('a move between two chosen states nobody here asked for was made elsewhere', () => {
    expect(isMovedElsewhere('idle', 'busy/小休', ['idle', 'idle'])).toBe(true);
    expect(isMovedElsewhere('away/午餐', 'online', [null, 'away/午餐'])).toBe(true);
  });

  it('the platform’s own moves into and out of calls are not', () => {
    expect(isMovedElsewhere('idle', 'fetching', ['idle', null])).toBe(false);
    expect(isMovedElsewhere('talking', 'busy', ['idle', null])).toBe(false);
    expect(isMovedElsewhere('fetching/t1', 'idle', ['busy', null])).toBe(false);
  });

  it('a state this desktop asked for (answered or not) is not, nor an unchanged one', () => {
    expect(isMovedElsewhere('idle', 'busy', ['busy', 'idle'])).toBe(false);
    expect(isMovedElsewhere('idle', 'away', ['idle', 'away'])).toBe(false);
    expect(isMovedElsewhere('idle', 'idle', [])).toBe(false);
    expect(isMovedElsewhere(null, 'idle', [])).toBe(false);
    expect(isMovedElsewhere('idle', null, [])).toBe(false);
  });
});
