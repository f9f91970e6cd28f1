/**
 * Calls in the main process: an INVITE on the agent's extension becomes the ringing call in the
 * snapshot (state `fetching` at once, as the platform set it), and answer / reject / hang-up /
 * mute are commands. SIP stays in the line; the media is the window's, reached through the
 * media bridge. When a call ends unanswered it joins the missed-offer list, and the agent is read
 * back until the platform shows the state it left them in (the call's reserve state).
 */
import { appError } from '../../shared/domain/errors';
import { baseOf, isCallState } from '../../shared/domain/state';
import type { Result } from '../../shared/ipc/contract';
import type { CallQualityReport } from '../../shared/audio/quality-schema';
import type { CallInfo, MissReason, SessionSnapshot } from '../../shared/snapshot';
import type {
  CallEnd,
  CallEndReason,
  CallMedia,
  EarlyOfferEvent,
  IncomingCall,
  RejectKind,
} from '../sip/call-types';
import type { SipLine } from '../sip/types';
import type { Clock, Logger, TimerHandle } from '../../lib/ports';
import type { AgentSession } from './session';

type Answer = Result<SessionSnapshot>;

export interface CallControllerOptions {
  session: AgentSession;
  line: Pick<SipLine, 'onIncomingCall'> & Partial<Pick<SipLine, 'onEarlyOffer'>>;
  media: { forCall(callId: string): CallMedia };
  clock: Clock;
  logger: Logger;
  /** Read-backs after a call ended, until the platform no longer shows a call state. */
  settleDelaysMs?: readonly number[];
  /** Auto-answer (settings): the delay before answering a routed call; null = off. */
  autoAnswerDelayMs?: () => number | null;
  /** Parts that follow calls (history, wrap-up, no-answer guard, screen-pop). */
  observers?: readonly CallObserver[];
  /**
   * Asked before an offer is shown: a refusal declines it at once, never shown or rung
   * (wrap-up's race with the platform's routing).
   */
  admit?: (call: IncomingCall) => { kind: RejectKind; why: string } | null;
  /**
   * Whether `admit` would refuse an offer now, without the refusal's side effects: an offer
   * seen early (before SIP confirmed it) is shown only when nothing would refuse it.
   */
  declining?: () => boolean;
}

/** What a part that follows calls is told. Each method is optional. */
export interface CallObserver {
  /** An offer is ringing (shown in the window). */
  ringing?(info: CallInfo): void;
  /** The agent answered. */
  answered?(info: CallInfo): void;
  /** The call ended; `info` as last shown, `at` the end time. */
  ended?(info: CallInfo, end: CallEnd, at: number): void;
  /** An offer was declined by `admit` before it was shown. */
  declined?(call: { id: string; caller: string; at: number }, why: string): void;
  /** The state the platform left the agent in after the call, as read back. */
  settled?(callId: string, state: string): void;
  /**
   * Auto-answer picked the call up and the window had no media for it (no microphone): the
   * customer was dropped and nobody was there to notice. Told after `ended`.
   */
  autoAnswerFailed?(info: CallInfo, at: number): void;
}

/** How many ended calls' quality figures the core keeps (history and diagnostics read them). */
export const QUALITY_KEPT = 50;

/** About 5 s in all: the platform moves the agent as soon as it sees the SIP exchange. */
export const SETTLE_DELAYS_MS = [0, 150, 300, 600, 1200, 2400] as const;
/** Longest a command waits for the SIP side to confirm the end it asked for. */
const END_WAIT_MS = 2_000;
/**
 * How long a call's end may wait for the read-back after it, to go out in one push with it (a
 * frame of the window's and a push of the core's fewer per call): well under what an eye sees.
 */
export const END_PUSH_HOLD_MS = 50;
/**
 * Longest an answer waits for the ring's read-back before showing the call as talking. The 200 OK
 * is out, so the customer is connected: a platform that does not answer (a network outage, a
 * restart) must not leave the call shown as answering until the request times out. A read-back
 * landing later is stale by then and cannot put the state back (session.ts, `stateEpoch`).
 */
const CONFIRM_WAIT_MS = 500;

/** What a missed offer is called, from how its ring ended. */
const MISSED: Record<CallEndReason, MissReason> = {
  'ring-timeout': 'timeout',
  'caller-gave-up': 'caller-gave-up',
  'remote-hangup': 'caller-gave-up',
  rejected: 'rejected',
  // The agent hung up while the answer was still being made: their choice, like a reject.
  'local-hangup': 'rejected',
  failed: 'failed',
  'line-lost': 'failed',
  'no-media': 'no-media',
};

interface Live {
  call: IncomingCall;
  info: CallInfo;
  ended: Promise<CallEnd>;
  /** The read-back that confirms `fetching`; an answer waits for it, briefly (CONFIRM_WAIT_MS). */
  confirmed: Promise<unknown>;
}

/** A call shown from an early offer, and what the snapshot showed before it. */
interface Early {
  info: CallInfo;
  before: { state: string | null; stateSince: number | null };
}

export class CallController {
  private live: Live | null = null;
  /** Shown as ringing before sip.js made an IncomingCall of it (the same id arrives next). */
  private early: Early | null = null;
  private readonly timers = new Set<TimerHandle>();
  private readonly stops: Array<() => void>;
  private closed = false;
  /** The window's quality figures per call, newest last (bounded: {@link QUALITY_KEPT}). */
  private readonly qualities = new Map<string, CallQualityReport>();
  private readonly qualityListeners = new Set<(report: CallQualityReport) => void>();
  /**
   * An auto-answer failed for want of media: the next ones would drop every routed customer in
   * turn. Calls ring instead until the agent answers one, or the window's microphone works again.
   */
  private autoAnswerPaused = false;

  constructor(private readonly options: CallControllerOptions) {
    let registered = options.session.snapshot().sip.state === 'registered';
    let microphone = options.session.snapshot().microphone;
    this.stops = [
      options.line.onIncomingCall((call) => this.offered(call)),
      options.line.onEarlyOffer?.((event) => this.earlyOffer(event)) ?? (() => {}),
      options.session.onChange((snapshot) => {
        // Signed out (forced, or the session ended): nothing may keep talking for the agent.
        if (snapshot.phase === 'signed-out' && this.live) void this.live.call.hangUp();
        const healed = snapshot.microphone === 'ok' && microphone !== 'ok';
        microphone = snapshot.microphone;
        if (snapshot.phase === 'signed-out' || healed) this.resumeAutoAnswer();
        const back = snapshot.sip.state === 'registered' && !registered;
        registered = snapshot.sip.state === 'registered';
        // The line is back with a call state shown and no call on it: a hang-up while it was
        // down sent its BYE only now, so the platform lets go of the agent only now (the
        // read-backs after the hang-up saw it still talking). Read back until it has.
        if (back && !this.live && isCallState(snapshot.state)) {
          void this.readBackUntil((state) => !isCallState(state));
        }
      }),
    ];
  }

  /** The agent answers the ringing call; resolves once 200 OK went out with the window's answer. */
  async answer(callId: string): Promise<Answer> {
    const result = await this.pickUp(callId);
    // The agent is there and their media works: auto-answer may take the next call again.
    if (result.ok) this.resumeAutoAnswer();
    return result;
  }

  private async pickUp(callId: string): Promise<Answer> {
    const live = this.find(callId);
    if (!live) return noCall();
    if (live.info.phase !== 'ringing') return refused(`the call is ${live.info.phase}`);
    this.patch(live, { phase: 'answering' });
    try {
      await live.call.accept(this.options.media.forCall(callId));
    } catch (error) {
      const end = await this.bounded(live.ended);
      const detail = end?.detail ?? (error instanceof Error ? error.message : String(error));
      return end && end.reason !== 'failed'
        ? noCall(`the call ended before it was answered (${detail})`)
        : { ok: false, error: appError('media', detail) };
    }
    await this.bounded(live.confirmed, CONFIRM_WAIT_MS);
    if (this.live !== live) return noCall('the call ended while it was being answered');
    this.patch(live, { phase: 'talking', talkingSince: this.options.clock.now() }, 'talking');
    const talking = live.info;
    this.tell((o) => o.answered?.(talking));
    // Not at once: the platform sees the 200 OK a moment after us, and would still say fetching.
    void this.readBackUntil((state) => baseOf(state) === 'talking', undefined, 1);
    return this.ok();
  }

  /** Refuses the ringing call (603 Decline); the platform moves the agent to the reserve state. */
  async reject(callId: string): Promise<Answer> {
    const live = this.find(callId);
    if (!live) return noCall();
    if (live.info.phase !== 'ringing') return refused(`the call is ${live.info.phase}`);
    await live.call.reject('decline');
    await this.bounded(live.ended);
    return this.ok();
  }

  /** Ends the call: BYE once answered, a refusal while it still rings. */
  async hangUp(callId: string): Promise<Answer> {
    const live = this.find(callId);
    if (!live) return noCall();
    if (live.info.phase === 'ringing') return this.reject(callId);
    await live.call.hangUp();
    await this.bounded(live.ended);
    return this.ok();
  }

  /** Mutes or unmutes: the window's media follows `call.muted` in the snapshot. */
  async mute(callId: string, muted: boolean): Promise<Answer> {
    const live = this.find(callId);
    if (!live) return noCall();
    if (live.info.phase === 'ringing') return refused('the call is not answered yet');
    if (live.info.muted !== muted) this.patch(live, { muted });
    return this.ok();
  }

  /** Puts the talking call on hold (re-INVITE sendonly through the edge) or resumes it. */
  async hold(callId: string, held: boolean): Promise<Answer> {
    const live = this.find(callId);
    if (!live) return noCall();
    if (live.info.phase !== 'talking') return refused(`the call is ${live.info.phase}`);
    if ((live.info.held ?? false) === held) return this.ok();
    try {
      await live.call.hold(held);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      this.options.logger.warn('calls: hold/resume refused', { id: callId, held, detail });
      return { ok: false, error: appError('media', detail) };
    }
    if (this.live === live) this.patch(live, { held });
    return this.ok();
  }

  /**
   * The window's quality figures for a call (worst so far; `final` at its end). Kept per call
   * for history and diagnostics; a report for a call the core never saw is refused.
   */
  quality(report: CallQualityReport): Result<null> {
    const known = this.qualities.has(report.callId) || this.live?.info.id === report.callId;
    if (!known) return { ok: false, error: appError('call-gone', 'no such call') };
    this.keep(report);
    if (report.final)
      this.options.logger.info('calls: quality', { id: report.callId, ...report.worst });
    for (const listener of this.qualityListeners) listener(report);
    return { ok: true, value: null };
  }

  private keep(report: CallQualityReport): void {
    this.qualities.delete(report.callId);
    this.qualities.set(report.callId, report);
    for (const id of this.qualities.keys()) {
      if (this.qualities.size <= QUALITY_KEPT) break;
      this.qualities.delete(id);
    }
  }

  /** The quality figures last reported for a call (null when the window sent none). */
  qualityOf(callId: string): CallQualityReport | null {
    return this.qualities.get(callId) ?? null;
  }

  /** Follows quality reports (history keeps the final one with the call's record). */
  onQuality(listener: (report: CallQualityReport) => void): () => void {
    this.qualityListeners.add(listener);
    return () => this.qualityListeners.delete(listener);
  }

  /** Stops listening and reading back (quit); the line ends the calls themselves. */
  close(): void {
    this.closed = true;
    for (const stop of this.stops) stop();
    for (const timer of this.timers) this.options.clock.clearTimeout(timer);
    this.timers.clear();
  }

  /**
   * An INVITE seen before sip.js parsed it: shown at once, exactly as `offered` would show it,
   * when nothing would refuse it; `offered` then takes it over (or a withdrawal takes it back).
   */
  private earlyOffer(event: EarlyOfferEvent): void {
    const { session, clock } = this.options;
    if (event.kind === 'withdrawn') {
      if (this.early?.info.id === event.id) this.withdraw();
      return;
    }
    const snap = session.snapshot();
    const shown = snap.phase === 'signed-in' || snap.phase === 'restoring';
    if (this.closed || !shown || this.live || this.early || this.options.declining?.()) return;
    const info = ringingInfo(event.offer.id, event.offer.caller, clock.now());
    this.early = { info, before: { state: snap.state, stateSince: snap.stateSince } };
    session.showCall(info, 'fetching');
  }

  /** The early call did not become a call: the window goes back to what it showed before. */
  private withdraw(): void {
    const early = this.early;
    this.early = null;
    if (early && !this.live) this.options.session.withdrawCall(early.before);
  }

  private offered(call: IncomingCall): void {
    const { session, logger, clock } = this.options;
    const early = this.early?.info.id === call.id ? this.early : null;
    // Any refusal below takes back what was shown early (nothing was, when it refuses).
    if (this.early && !early) this.withdraw();
    const phase = session.snapshot().phase;
    if (this.closed || (phase !== 'signed-in' && phase !== 'restoring')) {
      this.withdraw();
      logger.warn('calls: INVITE while not signed in, refused', { id: call.id, phase });
      return void call.reject('unavailable').catch(() => undefined);
    }
    if (call.refusal) {
      this.withdraw();
      // Its media cannot reach the window (no relay on the way, no offer at all): refused at once
      // (503, or 488 with no offer), never rung, listed as missed.
      logger.warn('calls: INVITE refused, no usable media', { id: call.id, why: call.refusal });
      void call.reject('no-media').catch(() => undefined);
      if (this.live) return;
      const missed = {
        id: call.id,
        caller: call.caller,
        at: clock.now(),
        reason: 'no-media' as const,
      };
      session.addMissed({ ...missed, stateAfter: null });
      // Into the history too: the missed list rebuilt after a restart, and History, show it.
      this.tell((o) => o.declined?.(missed, 'no-media'));
      return void this.readBackUntil(
        (state) => !isCallState(state),
        (state) => session.setMissedStateAfter(call.id, state),
      );
    }
    const refusal = this.options.admit?.(call) ?? null;
    if (refusal && !this.live) {
      this.withdraw();
      logger.info('calls: offer declined before ringing', { id: call.id, why: refusal.why });
      void call.reject(refusal.kind).catch(() => undefined);
      const declined = { id: call.id, caller: call.caller, at: clock.now() };
      return this.tell((o) => o.declined?.(declined, refusal.why));
    }
    if (this.live) {
      this.withdraw();
      // The platform offers work only to idle agents; a second INVITE is someone else's mistake.
      logger.warn('calls: INVITE during a call, refused busy', { id: call.id });
      return void call.reject('busy').catch(() => undefined);
    }
    this.early = null;
    // Shown early: the same call, unless sip.js read the caller differently.
    const info: CallInfo = early
      ? { ...early.info, caller: call.caller }
      : ringingInfo(call.id, call.caller, clock.now());
    const ended = new Promise<CallEnd>((resolve) => call.onEnded(resolve));
    const live: Live = { call, info, ended, confirmed: Promise.resolve() };
    this.live = live;
    void ended.then((end) => this.ended(live, end));
    session.showCall(info, 'fetching');
    this.tell((o) => o.ringing?.(info));
    call.ring().catch((error: unknown) => {
      logger.warn('calls: 180 Ringing not sent', { id: call.id, error: String(error) });
    });
    live.confirmed = session
      .refresh()
      .then((result) => {
        // The platform routed this call only if it moved the agent to `fetching` for it; an
        // INVITE from anyone else (straight to the extension) leaves the agent where they were.
        if (result.ok && baseOf(result.value.state) === 'fetching') this.routed(live);
      })
      .catch(() => undefined);
  }

  /**
   * A routed call: answer it by itself after the delay when auto-answer is on. Not without a
   * microphone (the window reported it broken, or the last auto-answer found no media): picked
   * up, the customer would only be dropped. It rings, so the agent sees it (and the no-answer
   * guard counts it if nobody does).
   */
  private routed(live: Live): void {
    const delay = this.options.autoAnswerDelayMs?.() ?? null;
    if (delay === null || this.live !== live || live.info.phase !== 'ringing') return;
    const { clock, logger, session } = this.options;
    if (this.autoAnswerPaused || session.snapshot().microphone === 'broken') {
      logger.warn('calls: auto-answer skipped, no microphone', {
        id: live.info.id,
        paused: this.autoAnswerPaused,
      });
      return;
    }
    this.patch(live, { autoAnswerAt: clock.now() + delay });
    logger.info('calls: auto-answer', { id: live.info.id, delayMs: delay });
    const timer = clock.setTimeout(() => {
      this.timers.delete(timer);
      if (this.closed || this.live !== live || live.info.phase !== 'ringing') return;
      void this.pickUp(live.info.id).then((result) => {
        if (result.ok) return;
        logger.warn('calls: auto-answer failed', { error: result.error.code });
        if (result.error.code !== 'media') return;
        this.autoAnswerPaused = true;
        const failed = live.info;
        const at = clock.now();
        this.tell((o) => o.autoAnswerFailed?.(failed, at));
      });
    }, delay);
    this.timers.add(timer);
  }

  private resumeAutoAnswer(): void {
    if (!this.autoAnswerPaused) return;
    this.autoAnswerPaused = false;
    this.options.logger.info('calls: auto-answer resumed');
  }

  private ended(live: Live, end: CallEnd): void {
    if (this.live !== live) return;
    this.live = null;
    // The window's last quality report comes after the end: keep the call known for it.
    if (end.answered && !this.qualities.has(live.info.id)) {
      this.keep({ callId: live.info.id, worst: EMPTY_WORST, noAudio: false, final: false });
    }
    const { session, clock, logger } = this.options;
    logger.info('calls: ended', { id: live.info.id, ...end });
    const { id, caller } = live.info;
    const at = clock.now();
    const settled = (state: string) => this.tell((o) => o.settled?.(id, state));
    // The end and the first read-back after it go out as one push: the window draws the end
    // once, with the state the platform left the agent in, unless the platform is slow.
    void session.holdPushes(() => {
      if (end.answered) {
        // Neither side hung up (media, signalling, or the SIP line went): the window says the
        // call dropped.
        const dropped = end.reason === 'failed' || end.reason === 'line-lost';
        session.endCall(null, dropped ? { id, at } : null);
        this.tell((o) => o.ended?.(live.info, end, at));
        return this.readBackUntil((state) => !isCallState(state), settled);
      }
      session.endCall({ id, caller, at, reason: MISSED[end.reason], stateAfter: null });
      this.tell((o) => o.ended?.(live.info, end, at));
      return this.readBackUntil(
        (state) => !isCallState(state),
        (state) => {
          session.setMissedStateAfter(id, state);
          settled(state);
        },
      );
    }, END_PUSH_HOLD_MS);
  }

  /** Tells every observer; one that throws is logged and never stops the call's handling. */
  private tell(run: (observer: CallObserver) => void): void {
    for (const observer of this.options.observers ?? []) {
      try {
        run(observer);
      } catch (error) {
        this.options.logger.error('calls: observer failed', { error: String(error) });
      }
    }
  }

  /**
   * Reads the agent back at {@link SETTLE_DELAYS_MS} until `done(state)` holds, then calls
   * `then`: the platform moves the agent when it sees the SIP exchange, a moment after us.
   * A new call ends the wait: only an agent who is exactly `idle` is offered work.
   */
  private readBackUntil(
    done: (state: string) => boolean,
    then: (state: string) => void = () => {},
    step = 0,
  ): Promise<void> {
    const delays = this.options.settleDelaysMs ?? SETTLE_DELAYS_MS;
    const delay = delays[step];
    if (delay === undefined || this.closed) return Promise.resolve();
    const live = this.live;
    const round = async (): Promise<void> => {
      const { session } = this.options;
      if (this.closed || session.snapshot().phase === 'signed-out') return;
      const moved = (): boolean => {
        if (this.live === live) return false;
        // A new call while waiting for the last one's end: it found the agent exactly idle.
        if (!live) then('idle');
        return true; // or the call this wait was about ended: its end starts another wait
      };
      if (moved()) return;
      let again = false;
      // `then` runs inside the read-back's push: the state after a missed call goes out with it.
      await session
        .refresh(() => {
          const state = session.snapshot().state;
          if (moved()) return;
          if (state && done(state)) then(state);
          else again = true;
        })
        .catch(() => undefined);
      if (again) void this.readBackUntil(done, then, step + 1);
    };
    // Resolves once this round's read-back is in (a call's end waits for it: END_PUSH_HOLD_MS).
    if (delay === 0) return round();
    return new Promise<void>((resolve) => {
      const timer = this.options.clock.setTimeout(() => {
        this.timers.delete(timer);
        void round().then(resolve);
      }, delay);
      this.timers.add(timer);
    });
  }

  private patch(live: Live, patch: Partial<CallInfo>, state?: string): void {
    live.info = { ...live.info, ...patch };
    if (this.live === live) this.options.session.showCall(live.info, state);
  }

  private find(callId: string): Live | null {
    return this.live && this.live.info.id === callId ? this.live : null;
  }

  /** `promise`'s value, or null when it takes longer than `ms`. */
  private bounded<T>(promise: Promise<T>, ms = END_WAIT_MS): Promise<T | null> {
    return new Promise((resolve) => {
      const timer = this.options.clock.setTimeout(() => resolve(null), ms);
      void promise.then((value) => {
        this.options.clock.clearTimeout(timer);
        resolve(value);
      });
    });
  }

  private ok(): Answer {
    return { ok: true, value: this.options.session.snapshot() };
  }
}

function ringingInfo(id: string, caller: string, at: number): CallInfo {
  return { id, caller, phase: 'ringing', ringingSince: at, talkingSince: null, muted: false };
}

const EMPTY_WORST: CallQualityReport['worst'] = {
  minMos: 4.5,
  maxJitterMs: 0,
  maxLossPercent: 0,
  maxRttMs: null,
  longestSilenceMs: 0,
  samples: 0,
};

/** The call is over (or was never this one): `call-gone`, with what happened as its detail. */
function noCall(detail = 'no such call'): Answer {
  return { ok: false, error: appError('call-gone', detail) };
}

function refused(detail: string): Answer {
  return { ok: false, error: appError('invalid-input', detail, detail) };
}
