/**
 * The call history's vocabulary without the schema library (the window imports this; zod stays
 * out of the renderer bundle, where its eval probe would also trip the CSP).
 */
import type { MissReason } from './snapshot';

export const CALL_OUTCOMES = ['answered', 'missed', 'rejected', 'failed'] as const;
/** answered; missed (rang out or the caller gave up); rejected by the agent; failed. */
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** Why an offer was not answered; `wrap-up` = declined by the desktop during after-call work. */
/**
 * Why a call was not answered; `wrap-up` and `no-answer` are offers the app declined itself
 * (during wrap-up, or after the agent left calls unanswered): not missed by the agent.
 */
export type HistoryWhy = MissReason | 'wrap-up' | 'no-answer';

/** One call as the history keeps it. */
export interface HistoryCall {
  id: string;
  /** Epoch ms the call started ringing. */
  at: number;
  /** The caller's number (as the INVITE named it). */
  number: string;
  direction: 'in' | 'out';
  outcome: CallOutcome;
  /** Why it was not answered, for missed/rejected/failed. */
  why: HistoryWhy | null;
  ringMs: number;
  talkMs: number;
  /** The state the platform left the agent in after the call, once read back. */
  reserveState: string | null;
  agent: string | null;
}
