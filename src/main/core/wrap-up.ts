/**
 * Wrap-up (after-call work): when an answered call ends, the agent is held out of routing as
 * `busy/<wrap-up reason>` for the site's (or the agent's own) wrap-up time, then returned to the
 * state they chose before the call. "Ready now" ends it early, "+30 s" extends it, up to a limit
 * (shared/wrap-up-rule.ts) so no one stays out of routing for ever by clicking.
 *
 * The race with the platform: it may route the next call in the milliseconds between hang-up and
 * our state change. Such an offer is declined at once (480 Temporarily Unavailable, which the
 * platform treats like no answer), never shown or rung, and counted; the hold is then applied
 * again as soon as the platform lets go of the agent. A queue whose reserve state is `busy/…`
 * avoids the race at the source (README).
 */
import { isCallState } from '../../shared/domain/state';
import { ownWrapUpSeconds } from '../../shared/settings-model';
import { wrapUpExtension, wrapUpLimit } from '../../shared/wrap-up-rule';
import type { Clock, Logger, TimerHandle } from '../../lib/ports';
import type { Result } from '../../shared/ipc/contract';
import type { Settings } from '../../shared/settings';
import type { CallInfo, SessionSnapshot, WrapUpStatus } from '../../shared/snapshot';
import type { CallEnd, IncomingCall, RejectKind } from '../sip/call-types';
import type { CallObserver } from './calls';

/** What wrap-up needs of the session: its public API only. */
export interface WrapUpSession {
  snapshot(): SessionSnapshot;
  /** The agent's own choice (used to return to the state from before the call). */
  setState(state: string): Promise<Result<SessionSnapshot>>;
  /**
   * Holds the agent in `target` on the app's behalf (the session's named hold); ending the hold
   * (also a lock's or a suspend's that takes it over) restores `restoreTo`.
   */
  hold(target: string, restoreTo: string): Promise<Result<SessionSnapshot>>;
  /** Ends the hold (forgets it when the agent chose another state meanwhile). */
  release(): Promise<Result<SessionSnapshot>>;
}

export interface WrapUpOptions {
  session: WrapUpSession;
  settings: () => Settings;
  clock: Clock;
  logger: Logger;
  /** Shows the wrap-up (window countdown, tray) or its end (null). */
  publish: (status: WrapUpStatus | null) => void;
}

/** How often the hold is tried again while the platform still holds the agent in a call. */
const RETRY_MS = 200;
const MAX_TRIES = 50;

interface Active extends WrapUpStatus {
  timer: TimerHandle | null;
  /** Our busy state is on the platform: a different state seen now is someone's choice. */
  applied: boolean;
}

export class WrapUp implements CallObserver {
  private active: Active | null = null;
  private retry: TimerHandle | null = null;
  /** Offers declined during wrap-up since start (for the log). */
  declinedTotal = 0;

  constructor(private readonly options: WrapUpOptions) {}

  /** Seconds of wrap-up for the agent signed in now (their own, else the site's). */
  seconds(): number {
    const settings = this.options.settings();
    const name = this.options.session.snapshot().profile?.name;
    return ownWrapUpSeconds(settings.wrapUpSecondsByAgent, name) ?? settings.wrapUpSeconds;
  }

  status(): WrapUpStatus | null {
    if (!this.active) return null;
    const { timer: _t, applied: _a, ...status } = this.active;
    return status;
  }

  /** Whether {@link admit} would decline an offer now (asked before showing one early). */
  declining(): boolean {
    return this.active !== null;
  }

  /** The race gate: while wrapping up, an offer is declined before it is shown. */
  admit(call: IncomingCall): { kind: RejectKind; why: string } | null {
    if (!this.active) return null;
    this.active.declined++;
    this.declinedTotal++;
    this.options.logger.warn('wrap-up: offer declined during after-call work', {
      id: call.id,
      declined: this.active.declined,
      total: this.declinedTotal,
    });
    this.show();
    // Apply the hold as soon as the platform has dealt with the refusal.
    this.scheduleApply(0);
    return { kind: 'unavailable', why: 'wrap-up' };
  }

  ended(_info: CallInfo, end: CallEnd, at: number): void {
    if (!end.answered || this.active) return;
    const seconds = this.seconds();
    if (seconds <= 0) return;
    const snapshot = this.options.session.snapshot();
    // Also while the session is being restored: the heal then logs in held (session.ts).
    if (snapshot.phase !== 'signed-in' && snapshot.phase !== 'restoring') return;
    const reason = this.options.settings().wrapUpReason;
    const endsAt = at + seconds * 1000;
    this.active = {
      reason,
      state: `busy/${reason}`,
      since: at,
      endsAt,
      limitAt: wrapUpLimit(endsAt),
      // Never chosen (signed in 在线, which the platform routes nothing to): back to a state
      // that is not routable either. `online` cannot be set again, and idle would have the
      // platform offer queued calls to an agent who never said they were ready.
      returnTo: snapshot.chosenState ?? 'busy',
      declined: 0,
      timer: null,
      applied: false,
    };
    this.options.logger.info('wrap-up: started', { seconds, returnTo: this.active.returnTo });
    this.arm();
    this.show();
    this.scheduleApply(0);
  }

  /** "Ready now": ends wrap-up and returns to the earlier state. */
  readyNow(): Promise<void> {
    return this.finish(true);
  }

  /**
   * "+30 s", never past the limit. Returns false when nothing was added (no wrap-up, or it is at
   * its limit: the status says so, and the window says why).
   */
  extend(): boolean {
    const active = this.active;
    if (!active) return false;
    const added = wrapUpExtension(active);
    if (added <= 0) {
      this.options.logger.info('wrap-up: extension refused, at its limit', {
        endsAt: active.endsAt,
      });
      return false;
    }
    active.endsAt += added;
    this.arm();
    this.show();
    return true;
  }

  /**
   * The computer woke from sleep: the countdown's timer may have slept with it (Node's timers
   * follow a clock that stops during sleep), while its end is a time of day. Set again from the
   * end, it ends at once if that has passed.
   */
  resumed(): void {
    this.arm();
  }

  /** The agent chose a state themselves: wrap-up ends, and their choice stands. */
  manualChange(): void {
    if (this.active) void this.finish(false);
  }

  /** Watches the session: sign-out ends wrap-up; someone else's state change ends it too. */
  watch(snapshot: SessionSnapshot): void {
    const active = this.active;
    if (!active) return;
    if (snapshot.phase === 'signed-out') return void this.finish(false);
    const state = snapshot.state;
    if (active.applied && state && state !== active.state && !isCallState(state)) {
      this.options.logger.info('wrap-up: state changed elsewhere, wrap-up ends', { state });
      void this.finish(false);
    }
  }

  close(): void {
    this.clearTimers();
    this.active = null;
  }

  private async apply(tries: number): Promise<void> {
    const active = this.active;
    if (!active || active.applied) return;
    const { session } = this.options;
    // Ending it restores the agent's state from before the call, not the reserve state the
    // platform may have set when it ended (busy/话后处理): a lock taking the hold over, and the
    // unlock after wrap-up's time, must give the agent their choice back.
    const result = await session.hold(active.state, active.returnTo);
    if (this.active !== active) return;
    if (result.ok) {
      active.applied = true;
      return;
    }
    // In a call: the read-back still shows the call just ended, or the platform is still
    // ringing the declined offer. Try again shortly.
    this.options.logger.info('wrap-up: hold not applied yet', { code: result.error.code, tries });
    if (tries < MAX_TRIES) this.scheduleApply(RETRY_MS, tries + 1);
  }

  private scheduleApply(delayMs: number, tries = 0): void {
    if (this.retry) this.options.clock.clearTimeout(this.retry);
    this.retry = this.options.clock.setTimeout(() => {
      this.retry = null;
      void this.apply(tries);
    }, delayMs);
  }

  private arm(): void {
    const active = this.active;
    if (!active) return;
    if (active.timer) this.options.clock.clearTimeout(active.timer);
    const delay = Math.max(0, active.endsAt - this.options.clock.now());
    active.timer = this.options.clock.setTimeout(() => void this.finish(true), delay);
  }

  private async finish(restore: boolean): Promise<void> {
    const active = this.active;
    if (!active) return;
    this.active = null;
    this.clearTimers(active);
    this.options.publish(null);
    const { session, logger } = this.options;
    logger.info('wrap-up: ended', { restore, declined: active.declined });
    const { state: before, chosenState: chosenBefore } = session.snapshot();
    const released = await session.release();
    if (!released.ok) logger.warn('wrap-up: hold not released', { code: released.error.code });
    const now = session.snapshot();
    // Only back from our own hold: a state the agent (or a supervisor) chose meanwhile stands,
    // also one still on its way when wrap-up ended (the release waits behind it).
    if (!restore || now.phase !== 'signed-in' || isCallState(now.state)) return;
    // A choice kept to send when the platform is back is the agent's word too.
    if (now.pendingState !== null || now.chosenState !== chosenBefore) return;
    if (before !== active.state && active.applied) return;
    if (now.state === active.returnTo) return;
    const result = await session.setState(active.returnTo);
    if (!result.ok) logger.warn('wrap-up: earlier state not restored', { code: result.error.code });
  }

  private clearTimers(active: Active | null = this.active): void {
    if (active?.timer) this.options.clock.clearTimeout(active.timer);
    if (this.retry) this.options.clock.clearTimeout(this.retry);
    this.retry = null;
  }

  private show(): void {
    this.options.publish(this.status());
  }
}
