/** A customer call as the emulator records it, and the request that queues one. */
import type { CheckedCallRequest } from './call-request';
import type { MediaStats } from './media-endpoint';

/** How the emulated customer behaves once queued. */
export type CustomerBehaviour =
  /** Talks for `talkSec` after the agent answers, then hangs up (BYE from the emulator). */
  | { kind: 'hang-up-after'; talkSec: number }
  /** Stays on the line until the agent hangs up. */
  | { kind: 'wait-for-agent' }
  /** Gives up `afterSec` after the agent's phone starts ringing (CANCEL), unless answered. */
  | { kind: 'give-up-ringing'; afterSec: number };

/** What `queueCall` needs; everything but the skill has a default. */
export interface CallRequest {
  skill: string;
  /** How long the agent's phone rings before the platform gives up (default 45). */
  ringTimeoutSec?: number;
  /** The agent's state once its leg ends, however it ends (default `idle`). */
  reserveState?: string;
  /** Default `wait-for-agent`. */
  customer?: CustomerBehaviour;
  /** The customer's number, shown to the agent (default a generated mobile number). */
  caller?: string;
}

export type CallState = 'queued' | 'ringing' | 'talking' | 'ended';

export type CallOutcome =
  | 'missed-timeout'
  | 'caller-gave-up'
  | 'rejected'
  | 'failed'
  | 'agent-hung-up'
  | 'customer-hung-up'
  /** A forced logout, a replacing login or an emulator reset took the agent away mid-call. */
  | 'agent-logged-out';

/** One call, as GET /emulator/calls returns it. Times are epoch ms of the emulator's clock. */
export interface CallRecord {
  id: string;
  skill: string;
  caller: string;
  ringTimeoutSec: number;
  reserveState: string;
  customer: CustomerBehaviour;
  /** The agent offered the call (null while queued, or when it ended in the queue). */
  agent: string | null;
  extension: string | null;
  state: CallState;
  /** Null until the call ends. */
  outcome: CallOutcome | null;
  /** Why, in words (e.g. "486 Busy Here"), when there is more to say than the outcome. */
  detail: string | null;
  queuedAt: number;
  /** When the INVITE went out. */
  offeredAt: number | null;
  /** When the agent's phone reported alerting (180/183). */
  alertedAt: number | null;
  answeredAt: number | null;
  endedAt: number | null;
  /** Audio counters of the emulator's endpoint (live while the call lasts). */
  media: MediaStats | null;
}

/** The record of a call just queued. */
export function newCallRecord(
  id: string,
  request: CheckedCallRequest,
  caller: string,
  now: number,
): CallRecord {
  const { skill, ringTimeoutSec, reserveState, customer } = request;
  return {
    id,
    skill,
    caller,
    ringTimeoutSec,
    reserveState,
    customer,
    agent: null,
    extension: null,
    state: 'queued',
    outcome: null,
    detail: null,
    queuedAt: now,
    offeredAt: null,
    alertedAt: null,
    answeredAt: null,
    endedAt: null,
    media: null,
  };
}
