/**
 * Feeds the history store: every call that reached the desktop (answered, missed, rejected,
 * failed, or declined during wrap-up) when it ends, the platform's reserve state once read back,
 * and every state change the session shows (for today's time in each state).
 */
import { callerNumber } from '../../../shared/screen-pop';
import type { CallOutcome, HistoryCall, HistoryWhy } from '../../../shared/history';
import type { CallInfo, MissReason, SessionSnapshot } from '../../../shared/snapshot';
import type { CallEnd, CallEndReason } from '../../sip/call-types';
import type { CallObserver } from '../calls';
import type { HistoryStore } from './store';

/** An unanswered end as the history names it. */
const UNANSWERED: Record<CallEndReason, { outcome: CallOutcome; why: MissReason }> = {
  'ring-timeout': { outcome: 'missed', why: 'timeout' },
  'caller-gave-up': { outcome: 'missed', why: 'caller-gave-up' },
  'remote-hangup': { outcome: 'missed', why: 'caller-gave-up' },
  rejected: { outcome: 'rejected', why: 'rejected' },
  'local-hangup': { outcome: 'rejected', why: 'rejected' },
  failed: { outcome: 'failed', why: 'failed' },
  'line-lost': { outcome: 'failed', why: 'failed' },
  'no-media': { outcome: 'failed', why: 'no-media' },
};

export interface HistoryRecorderOptions {
  store: HistoryStore;
  /** The agent signed in now (stored with each call). */
  agent: () => string | null;
  /** Told after every change to the store (the window refreshes its page and figures). */
  changed: () => void;
}

/** The call observer that writes history; `watch(snapshot)` records state changes. */
export class HistoryRecorder implements CallObserver {
  constructor(private readonly options: HistoryRecorderOptions) {}

  ended(info: CallInfo, end: CallEnd, at: number): void {
    const answeredAt = end.answered ? (info.talkingSince ?? at) : null;
    const unanswered = end.answered ? null : UNANSWERED[end.reason];
    this.add({
      id: info.id,
      at: info.ringingSince,
      number: callerNumber(info.caller),
      direction: 'in',
      outcome: unanswered?.outcome ?? 'answered',
      why: unanswered?.why ?? null,
      ringMs: Math.max(0, (answeredAt ?? at) - info.ringingSince),
      talkMs: answeredAt === null ? 0 : Math.max(0, at - answeredAt),
      reserveState: null,
      agent: this.options.agent(),
    });
  }

  declined(call: { id: string; caller: string; at: number }, why: string): void {
    this.add({
      id: call.id,
      at: call.at,
      number: callerNumber(call.caller),
      direction: 'in',
      // Refused for want of usable media the call failed; the app's own declines say whose.
      outcome: why === 'no-media' ? 'failed' : 'rejected',
      why: (why === 'wrap-up' || why === 'no-answer' || why === 'no-media'
        ? why
        : 'rejected') as HistoryWhy,
      ringMs: 0,
      talkMs: 0,
      reserveState: null,
      agent: this.options.agent(),
    });
  }

  settled(callId: string, state: string): void {
    this.options.store.setReserveState(callId, state);
    this.options.changed();
  }

  /** Records the state the snapshot shows (null while signed out). */
  watch(snapshot: SessionSnapshot, at: number): void {
    const signedIn = snapshot.phase === 'signed-in' || snapshot.phase === 'restoring';
    this.options.store.addState(at, signedIn ? snapshot.state : null, this.options.agent());
  }

  private add(call: HistoryCall): void {
    this.options.store.addCall(call);
    this.options.changed();
  }
}
