/**
 * The no-answer guard: an agent who walked away keeps being offered calls (after a ring timeout
 * the platform puts them back to the reserve state, usually idle). After N offers in a row that
 * rang out unanswered, the desktop holds the agent `busy/<reason>` (default 未接) and tells them
 * plainly why; one click on Idle brings them back. An auto-answer that failed for want of a
 * microphone counts as unanswered too. An answered call, a refusal (the agent is there), or any
 * state the agent chooses resets the count. N = 0 turns the guard off.
 */
import { isCallState, isRoutableState } from '../../shared/domain/state';
import type { Clock, Logger, TimerHandle } from '../../lib/ports';
import type { Result } from '../../shared/ipc/contract';
import type { Settings } from '../../shared/settings';
import type { CallInfo, NoAnswerNotice, SessionSnapshot } from '../../shared/snapshot';
import type { CallEnd, IncomingCall, RejectKind } from '../sip/call-types';
import type { CallObserver } from './calls';

export interface NoAnswerSession {
  snapshot(): SessionSnapshot;
  /** Holds the agent in `target` on the app's behalf (the session's named hold). */
  hold(target: string): Promise<Result<SessionSnapshot>>;
}

export interface NoAnswerGuardOptions {
  session: NoAnswerSession;
  settings: () => Settings;
  clock: Clock;
  logger: Logger;
  publish: (notice: NoAnswerNotice | null) => void;
}

const RETRY_MS = 200;
const MAX_TRIES = 50;

export class NoAnswerGuard implements CallObserver {
  private count = 0;
  /** Tripped and not yet on the platform: offers meanwhile are declined before they ring. */
  private pending: NoAnswerNotice | null = null;
  private notice: NoAnswerNotice | null = null;
  private retry: TimerHandle | null = null;

  constructor(private readonly options: NoAnswerGuardOptions) {}

  current(): NoAnswerNotice | null {
    return this.notice;
  }

  /** Unanswered offers in a row so far. */
  misses(): number {
    return this.count;
  }

  /** Whether {@link admit} would decline an offer now (asked before showing one early). */
  declining(): boolean {
    return this.pending !== null;
  }

  /** While tripping, further offers are declined (the agent is away; nobody would answer). */
  admit(_call: IncomingCall): { kind: RejectKind; why: string } | null {
    return this.declining() ? { kind: 'unavailable', why: 'no-answer' } : null;
  }

  answered(_info: CallInfo): void {
    this.reset();
  }

  ended(info: CallInfo, end: CallEnd, at: number): void {
    if (end.answered) return this.reset();
    // The agent refused it: they are at the desk.
    if (end.reason === 'rejected' || end.reason === 'local-hangup') return this.reset();
    // A ring-out that crossed an answer under way: someone (or auto-answer) took it up in time.
    if (end.reason !== 'ring-timeout' || info.phase === 'answering') return;
    this.missed(at);
  }

  /**
   * Auto-answer picked the call up and the window had no microphone for it: the customer was
   * dropped with nobody there, which is an offer nobody answered.
   */
  autoAnswerFailed(_info: CallInfo, at: number): void {
    this.missed(at);
  }

  private missed(at: number): void {
    // Only an agent waiting for routed calls can have walked away from them. A direct ring that
    // rings out on a chosen break (busy/午餐) or under a hold (a locked screen) is not news, and
    // relabelling the break busy/未接 would tell the platform and the agent something untrue.
    const snap = this.options.session.snapshot();
    if (!isRoutableState(snap.chosenState) || snap.hold) return;
    const limit = this.options.settings().noAnswerLimit;
    this.count++;
    this.options.logger.info('no-answer guard: offer rang out', { count: this.count, limit });
    if (limit <= 0 || this.count < limit || this.pending) return;
    const state = `busy/${this.options.settings().noAnswerReason}`;
    this.pending = { count: this.count, state, at };
    void this.apply(0);
  }

  /** The agent chose a state (Idle from the notice, or anything else): start over. */
  manualChange(): void {
    this.reset();
  }

  /**
   * Sign-out clears the notice, and so does any state that is not the guard's once it is in
   * force (a lock took over, and unlocking restored idle): the notice says why the agent is busy
   * now, and would no longer be true. Call states leave it (the platform's, for a moment).
   */
  watch(snapshot: SessionSnapshot): void {
    if (snapshot.phase === 'signed-out' && (this.notice || this.pending || this.count))
      return this.reset();
    const state = snapshot.state;
    if (this.notice && snapshot.phase === 'signed-in' && state !== this.notice.state) {
      if (state && !isCallState(state)) this.reset();
    }
  }

  close(): void {
    if (this.retry) this.options.clock.clearTimeout(this.retry);
    this.retry = null;
  }

  private async apply(tries: number): Promise<void> {
    const pending = this.pending;
    if (!pending) return;
    const result = await this.options.session.hold(pending.state);
    if (this.pending !== pending) return;
    if (result.ok) {
      this.pending = null;
      this.notice = pending;
      this.options.logger.warn('no-answer guard: agent set busy after unanswered offers', {
        count: pending.count,
        state: pending.state,
      });
      this.options.publish(this.notice);
      return;
    }
    // Still in a call state (the platform has not moved the agent to the reserve state yet).
    if (tries >= MAX_TRIES) {
      this.options.logger.warn('no-answer guard: could not set busy', { code: result.error.code });
      this.pending = null;
      return;
    }
    this.retry = this.options.clock.setTimeout(() => {
      this.retry = null;
      void this.apply(tries + 1);
    }, RETRY_MS);
  }

  private reset(): void {
    this.count = 0;
    this.pending = null;
    if (this.retry) this.options.clock.clearTimeout(this.retry);
    this.retry = null;
    if (this.notice) {
      this.notice = null;
      this.options.publish(null);
    }
  }
}
