/**
 * The agent's call history and today's figures as the window sees them. Rows are kept in main
 * (the user-data folder); the window asks for one page at a time.
 */
import { z } from 'zod';
import { CALL_OUTCOMES } from './history-model';
import type { HistoryCall } from './history-model';

export { CALL_OUTCOMES } from './history-model';
export type { CallOutcome, HistoryCall, HistoryWhy } from './history-model';

export const HistoryQuerySchema = z
  .object({
    outcome: z.enum(CALL_OUTCOMES).optional(),
    /** Epoch ms, inclusive. */
    from: z.number().int().min(0).optional(),
    /** Epoch ms, exclusive. */
    to: z.number().int().min(0).optional(),
    /** Part of a number (digits and the like). */
    search: z.string().max(64).optional(),
    pageNo: z.number().int().min(1).max(1_000_000),
    pageSize: z.number().int().min(1).max(200),
  })
  .strict()
  // An empty page for dates the wrong way round would read as "no calls then".
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: 'from must not be after to',
    path: ['to'],
  });
export type HistoryQuery = z.infer<typeof HistoryQuerySchema>;

export interface HistoryPage {
  rows: HistoryCall[];
  /** Rows matching the filter. */
  total: number;
  pageNo: number;
  pageSize: number;
  /** Set when the store was damaged at start-up and set aside (shown once, plainly). */
  damage: HistoryDamage | null;
}

export interface HistoryDamage {
  /** Lines that could not be read. */
  lost: number;
  /** Where the damaged file was kept. */
  keptAs: string;
}

/** Today's figures since local midnight, from the same records. */
export interface TodayFigures {
  since: number;
  answered: number;
  missed: number;
  talkMs: number;
  averageTalkMs: number;
  /** Milliseconds in each state string (e.g. `idle`, `busy/话后处理`), signed-in time only. */
  stateMs: Record<string, number>;
}
