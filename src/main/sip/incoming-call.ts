/**
 * One incoming INVITE as an {@link IncomingCall}: sip.js's Invitation does the transactions
 * (180, 200 with the window's answer, 486/603, BYE, CANCEL → 487); this wrapper remembers who
 * ended the call and why, and reports it once. sip.js moves the session to Terminated before or
 * without telling us why, so every cause is noted first and read when Terminated arrives.
 */
import { SessionState } from 'sip.js';
import type { Invitation, SessionDescriptionHandlerOptions } from 'sip.js';
import { cancelCause } from './cancel-reason';
import { callerLabel } from './offer-peek';
import type {
  CallEnd,
  CallEndReason,
  CallMedia,
  IncomingCall,
  IncomingCallState,
  RejectKind,
} from './call-types';
import type { MediaSlot } from './media-handler';

const REJECT_CODES: Record<RejectKind, number> = {
  busy: 486,
  decline: 603,
  unavailable: 480,
  'no-media': 503,
};

/** Answers to a mid-dialog request that mean the dialog is gone (RFC 5057 §5.1, and 408). */
const DIALOG_GONE = new Set([404, 408, 410, 416, 481, 482, 483, 484, 485, 502, 604]);

/**
 * A refresh the far end could not take now: its own re-INVITE crossed ours (491), or a server
 * on the way was overloaded or failed (5xx other than 502). Tried again, or the far end keeps the
 * old Contact and its BYE may never find the call.
 */
const REFRESH_RETRIES = 3;

/** How long before trying a refused refresh again, or null when that answer is final. */
export function refreshRetryMs(code: number, attempt: number, random: () => number): number | null {
  if (attempt >= REFRESH_RETRIES) return null;
  // RFC 3261 14.1: the side that did not make the Call-ID (the far end INVITEd us) waits 0–2 s.
  if (code === 491) return Math.floor(random() * 200) * 10;
  if (code >= 500 && code < 600 && !DIALOG_GONE.has(code)) return 1000 * 2 ** attempt;
  return null;
}

/** Waits `ms` (a port, so tests need not wait). */
export type Pause = (ms: number) => Promise<void>;
const pause: Pause = (ms) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref?.();
  });

export class SipIncomingCall implements IncomingCall, MediaSlot {
  readonly caller: string;
  readonly sipCallId: string;
  private current: IncomingCallState = 'ringing';
  private attached: CallMedia | null = null;
  /** Refreshes begun: a retry stops once a newer one (the line was lost again) has begun. */
  private refreshes = 0;
  private mediaClosed = false;
  /** The first known cause wins: ours (reject, hang-up, line lost), CANCEL, BYE, media. */
  private cause: { reason: CallEndReason; detail: string | null } | null = null;
  private answered = false;
  /** The far end last agreed to this direction (our hold); a refresh asks for the same. */
  private held = false;
  /** The ACK for our 200 OK arrived (sip.js ends the call itself when it never does). */
  private acked = false;
  /** A hold or resume re-INVITE is waiting for the far end's answer. */
  private reinviting = false;
  /** Why the window could not take back an offer the far end refused (said in the hold's error). */
  private rollbackProblem: string | null = null;
  /** Why the window refused the far end's last re-INVITE (answered 488; the call went on). */
  private reofferProblem: string | null = null;
  private ended: CallEnd | null = null;
  /** Hung up while the line had no connection: the BYE waits for {@link sayOwedGoodbye}. */
  private byeOwed = false;
  private readonly listeners = new Set<(end: CallEnd) => void>();

  /**
   * `lineUp` says whether the line's connection can carry a request now; while it cannot (the
   * line is parked, connecting again), a hang-up ends the call here and owes the far end its BYE.
   */
  constructor(
    readonly id: string,
    private readonly invitation: Invitation,
    readonly refusal: string | null = null,
    private readonly lineUp: () => boolean = () => true,
    private readonly wait: Pause = pause,
    private readonly random: () => number = Math.random,
    /** What a refusal for want of media answers: 503 (no relay on the way), 488 (no offer). */
    private readonly refusalStatus: 488 | 503 = 503,
  ) {
    const from = invitation.remoteIdentity;
    this.caller = callerLabel(from.displayName, from.uri.user ?? from.uri.host);
    this.sipCallId = invitation.request.callId;
    invitation.delegate = {
      onCancel: (cancel) => {
        const reason = cancelCause(cancel.request.getHeaders('reason'));
        this.note(reason, cancel.request.getHeader('reason') ?? 'CANCEL');
      },
      onBye: (bye) => {
        this.note('remote-hangup', 'BYE');
        bye.accept().catch(() => undefined);
      },
      onAck: () => {
        this.acked = true;
      },
      // Transfers are not offered here. Without this sip.js answers 202 Accepted and then
      // fails to follow it, telling the far end a transfer is under way that never happens.
      onRefer: (referral) => {
        referral.reject({ statusCode: 603, reasonPhrase: 'Decline' }).catch(() => undefined);
      },
    };
    invitation.stateChange.addListener((state) => {
      if (state === SessionState.Established) {
        this.answered = true;
        if (this.current !== 'ended') this.current = 'talking';
      } else if (state === SessionState.Terminated) {
        // Deferred: sip.js may still be inside the request that ended the session.
        queueMicrotask(() => this.finish());
      }
    });
  }

  get state(): IncomingCallState {
    return this.current;
  }

  async ring(): Promise<void> {
    if (this.invitation.state !== SessionState.Initial) return;
    await this.invitation.progress({ statusCode: 180 });
  }

  async accept(media: CallMedia): Promise<void> {
    if (this.current !== 'ringing') throw new Error(`cannot answer a call that is ${this.current}`);
    this.attached = media;
    this.current = 'answering';
    await this.invitation.accept().catch((error: unknown) => {
      this.note('failed', error instanceof Error ? error.message : String(error));
    });
    // sip.js swallows the error when a CANCEL crossed our answer: the state says what happened.
    if (this.invitation.state !== SessionState.Established) {
      throw new Error(this.cause?.detail ?? 'the call ended before it was answered');
    }
  }

  async reject(kind: RejectKind): Promise<void> {
    const state = this.invitation.state;
    if (state !== SessionState.Initial && state !== SessionState.Establishing) return;
    if (kind === 'no-media') {
      this.note('no-media', this.refusal ?? `${this.refusalStatus}`);
      await this.invitation.reject(
        this.refusalStatus === 488
          ? { statusCode: 488, reasonPhrase: 'Not Acceptable Here' }
          : { statusCode: 503, reasonPhrase: 'Media Relay Unavailable' },
      );
      return;
    }
    this.note('rejected', `${REJECT_CODES[kind]}`);
    await this.invitation.reject({ statusCode: REJECT_CODES[kind] });
  }

  /** On hold (sendonly) or resumed: see {@link reinvite} for how it settles. */
  async hold(held: boolean): Promise<void> {
    if (this.invitation.state !== SessionState.Established)
      throw new Error('the call is not established');
    if (!this.attached?.offer) throw new Error('this call media cannot make offers');
    // sip.js ends the call if the ACK for our 200 OK finds our new offer pending (RFC 3261
    // 14.1: no new INVITE until the last one is done); the ACK comes a moment after answering.
    if (!this.acked) throw new Error('the call is still being connected; try again');
    await this.reinvite(held, held ? 'hold' : 'resume');
    this.held = held;
  }

  /**
   * Whether the call can wait for the line to come back after its connection was lost: answered
   * and confirmed (the media is the window's and goes on without SIP), and able to send the
   * re-INVITE that then tells the far end where to reach it.
   */
  keepable(): boolean {
    return (
      this.invitation.state === SessionState.Established &&
      this.acked &&
      !!this.attached?.offer &&
      !this.ended
    );
  }

  /**
   * The line is connected again on a new connection: a re-INVITE (same direction as before)
   * from there carries a Contact the SIP server can reach now, so the far end's requests (its
   * BYE) find the call again. A far end that no longer has the call (481, or another answer
   * RFC 5057 reads as the end of the dialog) ends it here.
   */
  async refresh(): Promise<void> {
    const mine = ++this.refreshes;
    for (let attempt = 0; ; attempt++) {
      // Ended, lost again (a newer refresh takes over), or a hold's re-INVITE is out: that one
      // goes from the new connection too.
      if (!this.keepable() || this.reinviting || mine !== this.refreshes) return;
      try {
        await this.reinvite(this.held, 'refresh');
        return;
      } catch (error) {
        const code = (error as { statusCode?: number }).statusCode;
        if (code === undefined) return;
        if (DIALOG_GONE.has(code)) {
          this.note(
            'line-lost',
            `the far end no longer has the call after the line came back (${code})`,
          );
          if (this.invitation.state === SessionState.Established) {
            await this.invitation.bye().catch(() => undefined);
          }
          return;
        }
        const delay = refreshRetryMs(code, attempt, this.random);
        if (delay === null) return;
        await this.wait(delay);
      }
    }
  }

  /**
   * A re-INVITE with a new offer from the window. Settles once the far end answered and that
   * answer was applied, or rejects: a refusal (e.g. 488, with its `statusCode`), an answer the
   * media could not take (sip.js then ends the call), or the call ending while it is out.
   */
  private async reinvite(held: boolean, what: string): Promise<void> {
    let stop = () => {};
    this.reinviting = true;
    this.rollbackProblem = null;
    try {
      await new Promise<void>((resolve, reject) => {
        stop = this.onEnded((end) => {
          reject(
            new Error(`the call ended during the ${what}: ${end.detail ?? 'no reason given'}`),
          );
        });
        this.invitation
          .invite({
            sessionDescriptionHandlerOptions: { hold: held } as SessionDescriptionHandlerOptions,
            requestDelegate: {
              // When sip.js ends the call over the answer, onEnded has already rejected.
              onAccept: () => resolve(),
              // sip.js has had the window take its offer back (rollbackDescription) by now.
              onReject: (response) => {
                const { statusCode, reasonPhrase } = response.message;
                const problem = this.rollbackProblem ? `; ${this.rollbackProblem}` : '';
                const error = new Error(`${statusCode} ${reasonPhrase}${problem}`);
                reject(Object.assign(error, { statusCode }));
              },
            },
          })
          .catch(reject);
      });
    } finally {
      this.reinviting = false;
      stop();
    }
  }

  async hangUp(): Promise<void> {
    const state = this.invitation.state;
    if (state === SessionState.Established && !this.lineUp()) {
      // Sent now, the BYE would be lost with the connection and the customer left on the line,
      // the platform showing the agent talking. The agent's end is now (media closed, the window
      // told); the far end's comes once the line is back (see the CallDesk).
      this.note('local-hangup', 'BYE, sent once the line is connected again');
      this.byeOwed = true;
      this.finish();
    } else if (state === SessionState.Established) {
      this.note('local-hangup', 'BYE');
      const bye = this.invitation.bye();
      if (this.invitation.state === SessionState.Terminating) {
        // No ACK for our 200 OK yet: sip.js holds the BYE until it comes, or up to 32 s (RFC
        // 3261 15). The agent's end is now — media closed (the customer no longer hears them),
        // the window told — and the BYE goes when sip.js may send it.
        void bye.catch(() => undefined);
        this.finish();
        return;
      }
      await bye;
    } else if (state === SessionState.Initial || state === SessionState.Establishing) {
      this.note('local-hangup', '480 while answering');
      await this.invitation.reject({ statusCode: 480 });
    }
  }

  /** Hung up while the line was down and the far end has not been told yet. */
  owesGoodbye(): boolean {
    return this.byeOwed && this.invitation.state === SessionState.Established;
  }

  /** The line can carry requests again: the BYE a hang-up left owed goes now (once). */
  async sayOwedGoodbye(): Promise<void> {
    if (!this.owesGoodbye()) return;
    this.byeOwed = false;
    await this.invitation.bye().catch(() => undefined);
  }

  onEnded(listener: (end: CallEnd) => void): () => void {
    const ended = this.ended;
    if (ended) {
      queueMicrotask(() => listener(ended));
      return () => {};
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The line's UserAgent is going away (it is stopped without sip.js's graceful shutdown, which
   * would leave the session's state as it is): say goodbye while the transport may still carry
   * it, and end the call now.
   */
  lineClosing(detail: string): void {
    if (this.ended) return void this.sayOwedGoodbye();
    this.note('line-lost', detail);
    const state = this.invitation.state;
    if (state === SessionState.Established) void this.invitation.bye().catch(() => undefined);
    else if (state === SessionState.Initial || state === SessionState.Establishing) {
      void this.invitation.reject({ statusCode: 480 }).catch(() => undefined);
    }
    this.finish();
  }

  // MediaSlot: what the session description handler asks.
  media(): CallMedia | null {
    const attached = this.attached;
    if (!attached) return null;
    return {
      answer: (offer) => attached.answer(offer),
      close: () => this.closeMedia(),
      ...(attached.offer ? { offer: (hold: boolean) => attached.offer!(hold) } : {}),
      ...(attached.applyAnswer
        ? {
            applyAnswer: async (sdp: string) => {
              try {
                await attached.applyAnswer!(sdp);
              } catch (error) {
                // sip.js ends the call over it (ACK, then BYE) and never says why.
                const why = error instanceof Error ? error.message : String(error);
                this.note('failed', `media: the far end's answer to our offer was refused: ${why}`);
                throw error;
              }
            },
          }
        : {}),
      ...(attached.rollback
        ? {
            rollback: async () => {
              try {
                await attached.rollback!();
              } catch (error) {
                const why = error instanceof Error ? error.message : String(error);
                this.rollbackProblem = `the window could not take its offer back: ${why}`;
              }
            },
          }
        : {}),
    };
  }

  failed(error: Error): void {
    if (this.invitation.state === SessionState.Established) {
      // The far end's re-INVITE (a codec change, its hold) the window could not take: sip.js
      // answers 488 and the call goes on as it was, so this is not how it ends. Kept to explain
      // an end sip.js gives no reason for.
      this.reofferProblem = `the window refused the far end's new offer: ${error.message}`;
      return;
    }
    this.note('failed', `media: ${error.message}`);
  }

  private note(reason: CallEndReason, detail: string | null): void {
    this.cause ??= { reason, detail };
  }

  private finish(): void {
    if (this.ended) return;
    this.current = 'ended';
    // No cause noted while ringing: sip.js's own no-answer timer (or the INVITE's Expires) ran out.
    const cause =
      this.cause ??
      (this.answered
        ? { reason: 'failed' as const, detail: this.unexplained() }
        : { reason: 'ring-timeout' as const, detail: 'no answer within the phone’s limit' });
    this.ended = { ...cause, answered: this.answered };
    this.closeMedia();
    for (const listener of [...this.listeners]) listener(this.ended);
    this.listeners.clear();
  }

  /** What can be said of an answered call that sip.js ended without telling us why. */
  private unexplained(): string {
    if (!this.acked) return 'no ACK for our 200 OK: sip.js ended the session';
    if (this.reinviting) return 'sip.js ended the session during our hold/resume re-INVITE';
    if (this.reofferProblem) return `sip.js ended the session after ${this.reofferProblem}`;
    return 'sip.js ended the session without saying why';
  }

  private closeMedia(): void {
    if (this.mediaClosed || !this.attached) return;
    this.mediaClosed = true;
    this.attached.close();
  }
}
