/**
 * The CallPlacer over the embedded registrar: an INVITE goes back over the WebSocket the
 * extension registered on, sent by a sip.js Inviter on that connection's server-side UserAgent,
 * so transactions, CANCEL, ACK, BYE and the 2xx-after-CANCEL dance are sip.js's. The SDP is not
 * made here: the call's media endpoint made the offer, and the agent's answer goes back to it;
 * a re-INVITE from the agent (hold, resume) is answered by the endpoint too (`LegEvents.reoffer`).
 */
import {
  Inviter,
  SessionState,
  UserAgent,
  UserAgentState,
  type BodyAndContentType,
  type Core,
  type SessionDescriptionHandler,
  type SessionDescriptionHandlerFactory,
} from 'sip.js';
import type { EmbeddedSip } from '../sip/embedded';
import type { CallLeg, CallPlacer, LegEndReason, LegEvents, PlaceRequest } from './call-placer';

export interface EmbeddedPlacerOptions {
  /** SIP domain for From and To (the registrar's, e.g. sip.oneyun.com). */
  domain: string;
  log?: (msg: string) => void;
}

/** Final responses that mean the agent (or its phone) declined, rather than failed. */
const DECLINES = new Set([480, 486, 600, 603]);

/** How a final non-2xx response to the INVITE ends the leg (every placer uses this). */
export function legEndFor(statusCode: number | undefined): 'rejected' | 'failed' {
  return statusCode !== undefined && DECLINES.has(statusCode) ? 'rejected' : 'failed';
}

/** Rings extensions that hold a binding on the embedded registrar. */
export class EmbeddedPlacer implements CallPlacer {
  constructor(
    private readonly sip: EmbeddedSip,
    private readonly options: EmbeddedPlacerOptions,
  ) {}

  place(request: PlaceRequest, events: LegEvents): CallLeg {
    const binding = this.sip.bindingFor(request.extensionId);
    const target = binding ? UserAgent.makeURI(binding.contact) : undefined;
    const userAgent = binding?.connection.userAgent;
    if (!binding || !target || !userAgent || userAgent.state !== UserAgentState.Started) {
      queueMicrotask(() => events.ended('unreachable', 'extension holds no registration'));
      return { hangUp() {} };
    }
    const { domain, log } = this.options;
    let answerSdp: string | null = null;
    const inviter = new FixedOfferInviter(
      userAgent,
      target,
      {
        params: {
          fromUri: `sip:${request.from.user}@${domain}`,
          fromDisplayName: request.from.displayName,
          toUri: `sip:${binding.sipUser}@${domain}`,
        },
        extraHeaders: [`X-Emulator-Call: ${request.callId}`],
      },
      new FixedOfferHandler(
        request.offerSdp,
        (sdp) => (answerSdp = sdp),
        events.reoffer &&
          (async (offerSdp) => {
            try {
              return await events.reoffer!(offerSdp);
            } catch (error) {
              // sip.js answers 488 and the call goes on; say why here, sip.js does not.
              log?.(`calls: re-INVITE of ${request.callId} refused: ${String(error)}`);
              throw error;
            }
          }),
      ),
    );

    let final: { reason: LegEndReason; detail?: string } | null = null;
    let localHangUp = false;
    let byeSent = false;
    let over = false;
    const end = (reason: LegEndReason, detail?: string) => {
      if (over) return;
      over = true;
      userAgent.stateChange.removeListener(onUserAgent);
      events.ended(reason, detail);
    };
    // The registrar stops a connection's UserAgent when the socket closes, without terminating
    // its sessions (no graceful shutdown): that is the leg's end, so it is watched here.
    const onUserAgent = (state: UserAgentState) => {
      if (state === UserAgentState.Stopped) end('failed', "the agent's connection closed");
    };
    userAgent.stateChange.addListener(onUserAgent);
    inviter.delegate = {
      onBye: (bye) => {
        final = { reason: 'agent-hangup' };
        bye.accept().catch(() => undefined);
      },
    };
    inviter.stateChange.addListener((state) => {
      if (state === SessionState.Established) {
        if (answerSdp) events.answered(answerSdp);
        else void inviter.bye().catch(() => undefined);
      } else if (state === SessionState.Terminated && !byeSent) {
        // sip.js terminates the session before it hands the final response to our delegate.
        queueMicrotask(() => {
          if (localHangUp) end('local-hangup');
          else if (final) end(final.reason, final.detail);
          else end('failed', 'the session ended without a final response');
        });
      }
    });
    const finalResponse = (response: Core.IncomingResponse) => (final = rejection(response));
    inviter
      .invite({
        requestDelegate: {
          onProgress: (response) => {
            if (response.message.statusCode !== 100) events.ringing?.();
          },
          onReject: finalResponse,
          onRedirect: finalResponse,
        },
      })
      .catch((error: unknown) => end('failed', `INVITE not sent: ${String(error)}`));

    return {
      hangUp: (why) => {
        localHangUp = true;
        const state = inviter.state;
        let done: Promise<unknown> = Promise.resolve();
        if (state === SessionState.Initial || state === SessionState.Establishing) {
          // The 487 that follows terminates the session. The Reason header says why (RFC 3326).
          done = inviter.cancel(
            why === 'ring-timeout'
              ? { reasonPhrase: 'ring timeout', statusCode: 408 }
              : { reasonPhrase: 'caller gave up', statusCode: 487 },
          );
        } else if (state === SessionState.Established) {
          // sip.js calls the session terminated as the BYE leaves; the leg ends when the phone
          // has confirmed it, so "hung up" means the agent's side really knows.
          byeSent = true;
          const confirmed = () => end('local-hangup');
          done = inviter.bye({ requestDelegate: { onAccept: confirmed, onReject: confirmed } });
        }
        done.catch((error: unknown) => {
          log?.(`calls: hanging up ${request.callId}: ${String(error)}`);
          end('local-hangup', String(error));
        });
      },
    };
  }
}

function rejection(response: Core.IncomingResponse): { reason: LegEndReason; detail: string } {
  const { statusCode, reasonPhrase } = response.message;
  const detail = `${statusCode} ${reasonPhrase}`;
  return {
    reason: legEndFor(statusCode),
    detail,
  };
}

/**
 * An Inviter whose session description handler is the given one. The server-side UserAgent
 * belongs to the registrar and has sip.js's browser handler, useless in Node; Session exposes
 * its factory as a public getter, which is the place to supply our own per call.
 */
export class FixedOfferInviter extends Inviter {
  constructor(
    userAgent: UserAgent,
    target: ConstructorParameters<typeof Inviter>[1],
    options: ConstructorParameters<typeof Inviter>[2],
    private readonly handler: SessionDescriptionHandler,
  ) {
    super(userAgent, target, options);
  }

  override get sessionDescriptionHandlerFactory(): SessionDescriptionHandlerFactory {
    return () => this.handler;
  }
}

/**
 * Hands sip.js the offer the media endpoint made and passes the answer back. A new offer from
 * the far end mid-call (a re-INVITE) is answered by `answerOffer`; without one it is refused
 * (sip.js then replies 488 and the call goes on).
 */
export class FixedOfferHandler implements SessionDescriptionHandler {
  /** Our offer went out and its answer has not come yet. */
  private offering = false;
  private remoteOffer: string | null = null;

  constructor(
    private readonly offer: string,
    private readonly onAnswer: (sdp: string) => void,
    private readonly answerOffer?: (offerSdp: string) => Promise<string>,
  ) {}

  async getDescription(): Promise<BodyAndContentType> {
    const remoteOffer = this.remoteOffer;
    if (remoteOffer === null) {
      this.offering = true;
      return { body: this.offer, contentType: 'application/sdp' };
    }
    this.remoteOffer = null;
    if (!this.answerOffer) throw new Error('this call takes no new offers');
    return { body: await this.answerOffer(remoteOffer), contentType: 'application/sdp' };
  }
  hasDescription(contentType: string): boolean {
    return contentType === 'application/sdp';
  }
  async setDescription(sdp: string): Promise<void> {
    if (this.offering) {
      this.offering = false;
      this.onAnswer(sdp);
    } else this.remoteOffer = sdp;
  }
  /** sip.js's way back after an offer was refused (488): neither offer is pending any more. */
  async rollbackDescription(): Promise<void> {
    this.offering = false;
    this.remoteOffer = null;
  }
  sendDtmf(): boolean {
    return false;
  }
  close(): void {}
}
