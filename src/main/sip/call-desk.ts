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

export class CallDesk {
  private readonly calls = new Map<Session, SipIncomingCall>();
  private closed = false;
  /** For the UserAgent's `sessionDescriptionHandlerFactory` option. */
  readonly handlerFactory: SessionDescriptionHandlerFactory;

  /** `deliver` gets every call worth ringing; without a taker it is refused with 480. */
  constructor(
    private readonly deliver: (call: IncomingCall) => boolean,
    private readonly logger: Logger,
  ) {
    this.handlerFactory = bridgedHandlerFactory((session) => this.calls.get(session));
  }

  /** The UserAgent delegate's `onInvite`. */
  onInvite(invitation: Invitation): void {
    const request = invitation.request;
    if (this.closed) return void invitation.reject({ statusCode: 480 }).catch(() => undefined);
    // The media answers offers only (WebRTC in the window); a late-offer INVITE cannot be served.
    const type = request.getHeader('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/sdp' || !request.body) {
      this.logger.warn('sip: INVITE without an SDP offer refused', { callId: request.callId });
      return void invitation
        .reject({ statusCode: 488, reasonPhrase: 'Not Acceptable Here' })
        .catch(() => undefined);
    }
    const refusal = mediaRefusal(request.body, request.getHeader(MEDIA_RELAY_HEADER));
    const call = new SipIncomingCall(`c${randomBytes(6).toString('hex')}`, invitation, refusal);
    this.calls.set(invitation, call);
    call.onEnded((end) => {
      this.calls.delete(invitation);
      this.logger.info('sip: call ended', { id: call.id, ...end });
    });
    this.logger.info('sip: incoming call', { id: call.id, sipCallId: call.sipCallId });
    if (!this.deliver(call)) void call.reject('unavailable').catch(() => undefined);
  }

  /** Calls not yet ended. */
  live(): number {
    return this.calls.size;
  }

  /** The UserAgent is about to be stopped: end every call (BYE or 480 while it may still go). */
  close(detail: string): void {
    this.closed = true;
    for (const call of [...this.calls.values()]) call.lineClosing(detail);
    this.calls.clear();
  }
}
