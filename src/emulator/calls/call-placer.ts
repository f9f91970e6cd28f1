/**
 * The seam between the call center and the SIP side: how the platform rings an agent's
 * extension. The embedded registrar implements it (embedded-placer.ts); tests use a double.
 */

/** One INVITE towards an extension, carrying the media endpoint's complete offer. */
export interface PlaceRequest {
  callId: string;
  extensionId: string;
  /** The customer as the agent's phone shows it (From). */
  from: { user: string; displayName: string };
  offerSdp: string;
}

/**
 * Why a leg ended: the agent's BYE, a final non-2xx (486/603/480…), anything else that went
 * wrong (transport, timeout, bad answer), no registration to ring, or our own `hangUp()`.
 */
export type LegEndReason = 'agent-hangup' | 'rejected' | 'failed' | 'unreachable' | 'local-hangup';

/**
 * Why the emulator ends a leg; a CANCEL carries it as a Reason header so the agent's desktop can
 * tell the platform's ring timeout (SIP cause 408) from a caller who gave up (487).
 */
export type HangUpReason = 'ring-timeout' | 'caller' | 'platform';

/** What the SIP side reports about a leg; `ended` comes exactly once, also after `hangUp()`. */
export interface LegEvents {
  /** A provisional response (180/183): the agent's phone is alerting. */
  ringing?(): void;
  /** 2xx with the agent's answer SDP (the placer has sent the ACK). */
  answered(answerSdp: string): void;
  /** `detail` is for people, e.g. "486 Busy Here". */
  ended(reason: LegEndReason, detail?: string): void;
  /** The agent's side sent a new offer (a hold or resume re-INVITE): resolves with our answer. */
  reoffer?(offerSdp: string): Promise<string>;
}

/** A placed leg. */
export interface CallLeg {
  /** CANCEL while ringing, BYE once answered; `ended` follows when that is done. */
  hangUp(why?: HangUpReason): void;
  /**
   * A re-INVITE with no SDP on an answered call (a late offer: the agent's side offers in its
   * 2xx, we answer in the ACK through `reoffer`), as a B2BUA's session refresh does. Where the
   * placer has none, absent. Resolves true once the ACK with our answer went out.
   */
  refresh?(): Promise<boolean>;
}

/** Rings extensions. */
export interface CallPlacer {
  /** Sends the INVITE; never throws for SIP trouble (that is `ended('failed' | …)`). */
  place(request: PlaceRequest, events: LegEvents): CallLeg;
}

/** The placer used until a SIP side is attached: every leg is unreachable. */
export const NO_PLACER: CallPlacer = {
  place(_request, events) {
    queueMicrotask(() => events.ended('unreachable', 'no SIP side attached to the emulator'));
    return { hangUp() {} };
  },
};
