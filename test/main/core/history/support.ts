/** What the history store's tests share: a store on a file with a clock they move, and a call. */
import { HistoryStore } from '../../../../src/main/core/history/store';
import { silentLogger } from '../../../../src/lib/ports';
import type { Logger } from '../../../../src/lib/ports';
import type { HistoryCall } from '../../../../src/shared/history';

export const DAY = 86_400_000;
/** Days start at midnight UTC in these tests (2026-11-27). */
export const MIDNIGHT = Date.UTC(2026, 10, 27, 0, 0, 0);

export function openStore(
  file: string,
  now: () => number,
  options: { retentionDays?: number; logger?: Logger } = {},
): HistoryStore {
  return new HistoryStore({
    file,
    logger: options.logger ?? silentLogger,
    now,
    retentionDays: () => options.retentionDays ?? 90,
    startOfDay: (at) => at - ((at - MIDNIGHT) % DAY),
  });
}

/** An answered inbound call of agent `a1`, with `patch` over it. */
export function call(id: string, at: number, patch: Partial<HistoryCall> = {}): HistoryCall {
  return {
    id,
    at,
    number: '13900001234',
    direction: 'in',
    outcome: 'answered',
    why: null,
    ringMs: 3_000,
    talkMs: 60_000,
    reserveState: null,
    agent: 'a1',
    ...patch,
  };
}
