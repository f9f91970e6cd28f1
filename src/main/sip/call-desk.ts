/**
 * The calls side of one registration attempt's UserAgent: turns each incoming INVITE into an
 * IncomingCall for the line, gives sip.js the session description handlers that ask the call's
 * media, and ends every live call when the attempt's UserAgent is closed (sip.js is stopped
 * without its graceful shutdown, which would leave sessions silently behind).
 */
import { randomBytes } from 'node:crypto';
import type { Invitation, Session, SessionDescriptionHandlerFactory } from 'sip.js';
import type { Logger } from '../../lib/ports';
import type { IncomingCall } from './call-types';
import { SipIncomingCall } from './incoming-call';
import { bridgedHandlerFactory } from './media-handler';
import { MEDIA_RELAY_HEADER, mediaRefusal } from '../../shared/domain/media-offer';
import { peekOffer } from './offer-peek';
import type { EarlyOfferEvent } from './call-types';

/** How many recent SIP Call-IDs are remembered (a late retransmission is not a new call). */
const RECENT_CALL_IDS = 64;

export interface CallDeskOptions {
  /** Gets every call worth ringing; false (no taker) refuses it with 480. */
  deliver: (call: IncomingCall) => boolean;
  logger: Logger;
  /** Told of an INVITE before sip.js parses it, and of one sip.js then did not make a call. */
  early?: (event: EarlyOfferEvent) => void;
  /** Whether a Request-URI user is this line's (others are refused 404 by sip.js). */
  isOurs?: (user: string) => boolean;
}

export class CallDesk {
  private readonly calls = new Map<Session, SipIncomingCall>();
  /** Calls hung up while the line was parked: their BYE goes when it is connected again. */
  private readonly owed = new Set<SipIncomingCall>();
  private closed = false;
  /** The connection is lost and the line not registered again (between park and refresh). */
  private parked = false;
  /** For the UserAgent's `sessionDescriptionHandlerFactory` option. */
  readonly handlerFactory: SessionDescriptionHandlerFactory;
  /** The offer announced for the message sip.js is handling now; `taken` once it became a call. */
  private early: { sipCallId: string; id: string; taken: boolean } | null = null;
  /** SIP Call-IDs seen lately, oldest first: their INVITEs are retransmissions, not news. */
  private readonly recent = new Set<string>();

  constructor(private readonly options: CallDeskOptions) {
    this.handlerFactory = bridgedHandlerFactory((session) => this.calls.get(session));
  }

  /**
   * Before sip.js sees `message`: a new INVITE this line would ring is announced now, so the
   * window shows it without waiting for sip.js's parsing. Call {@link settle} once sip.js is done.
   */
  peek(message: string): void {
    const { early, isOurs } = this.options;
    if (this.closed || !early || !message.startsWith('INVITE ')) return;
    const offer = peekOffer(message);
    if (!offer || this.recent.has(offer.sipCallId)) return;
    if (isOurs && !isOurs(offer.toUser)) return;
    if (mediaRefusal(offer.body, offer.header(MEDIA_RELAY_HEADER)) !== null) return;
    this.early = { sipCallId: offer.sipCallId, id: newCallId(), taken: false };
    this.remember(offer.sipCallId);
    early({ kind: 'ringing', offer: { id: this.early.id, caller: offer.caller } });
  }

  /** sip.js has handled the message given to {@link peek}: an offer it did not take is withdrawn. */
  settle(): void {
    const early = this.early;
    this.early = null;
    if (early && !early.taken) this.options.early?.({ kind: 'withdrawn', id: early.id });
  }

  /** The UserAgent delegate's `onInvite`. */
  onInvite(invitation: Invitation): void {
    const request = invitation.request;
    const early = this.early?.sipCallId === request.callId ? this.early : null;
    this.remember(request.callId);
    if (this.closed) return void invitation.reject({ statusCode: 480 }).catch(() => undefined);
    // The media answers offers only (WebRTC in the window); a late-offer INVITE cannot be
    // served. Handed on all the same, with its refusal: the app refuses it (488) without ringing
    // and lists it as missed for want of media, so the agent (and whoever reads the log) learns
    // why a call the platform offered never rang.
    const type = request.getHeader('content-type')?.split(';')[0]?.trim().toLowerCase();
    const lateOffer = type !== 'application/sdp' || !request.body;
    const refusal = lateOffer
      ? 'the INVITE carries no SDP offer (a late offer): this phone answers offers only'
      : mediaRefusal(request.body, request.getHeader(MEDIA_RELAY_HEADER));
    const call = new SipIncomingCall(
      early?.id ?? newCallId(),
      invitation,
      refusal,
      () => this.lineUp(invitation),
      undefined,
      undefined,
      lateOffer ? 488 : 503,
    );
    this.calls.set(invitation, call);
    call.onEnded((end) => {
      this.calls.delete(invitation);
      if (call.owesGoodbye()) this.owed.add(call);
      this.options.logger.info('sip: call ended', { id: call.id, ...end });
    });
    const taken = this.options.deliver(call);
    if (early) early.taken = taken;
    // Logged after the call was handed on: a log write never holds up the ringing.
    this.options.logger.info('sip: incoming call', { id: call.id, sipCallId: call.sipCallId });
    if (!taken) void call.reject('unavailable').catch(() => undefined);
  }

  private remember(sipCallId: string): void {
    this.recent.delete(sipCallId);
    this.recent.add(sipCallId);
    if (this.recent.size > RECENT_CALL_IDS) this.recent.delete(this.recent.values().next().value!);
  }

  /** Calls not yet ended. */
  live(): number {
    return this.calls.size;
  }

  /**
   * What makes the line connect this UserAgent again rather than a new one: calls that can wait
   * for it (see SipIncomingCall.keepable), and hang-ups whose BYE waits for it.
   */
  keepable(): number {
    const kept = [...this.calls.values()].filter((call) => call.keepable()).length;
    return kept + [...this.owed].filter((call) => call.owesGoodbye()).length;
  }

  /** Whether a request on `session` can go now (not parked, and the connection is open). */
  private lineUp(session: Session): boolean {
    return !this.parked && session.userAgent.transport.isConnected();
  }

  /**
   * The connection is lost but the UserAgent stays for the calls that can wait for a new one:
   * every other call ends now (a ringing one could not be answered: its answer would go back
   * over the lost connection).
   */
  park(detail: string): void {
    this.parked = true;
    for (const [session, call] of [...this.calls]) {
      if (call.keepable()) continue;
      this.calls.delete(session);
      call.lineClosing(detail);
    }
  }

  /**
   * Registered again on a new connection: a call hung up meanwhile says goodbye, and every kept
   * call tells the far end where it is now.
   */
  refresh(): void {
    this.parked = false;
    for (const call of [...this.owed]) void call.sayOwedGoodbye();
    this.owed.clear();
    for (const call of [...this.calls.values()]) void call.refresh();
  }

  /** The UserAgent is about to be stopped: end every call (BYE or 480 while it may still go). */
  close(detail: string): void {
    this.closed = true;
    for (const call of [...this.calls.values(), ...this.owed]) call.lineClosing(detail);
    this.calls.clear();
    this.owed.clear();
  }
}

function newCallId(): string {
  return `c${randomBytes(6).toString('hex')}`;
}
