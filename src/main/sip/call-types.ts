/**
 * Incoming calls as the SIP line hands them to the core. Signalling stays in main; the media
 * (WebRTC) lives in the window, so answering takes a {@link CallMedia} port that turns the
 * caller's SDP offer into an answer wherever the media really is.
 */

/** Where a call's media lives: offer in, answer out (the core's MediaBridge asks the window). */
export interface CallMedia {
  /** Applies the remote offer and resolves with the local answer SDP; rejects when media fails. */
  answer(offerSdp: string): Promise<string>;
  /** Tears the call's media down; called once, whatever ended the call. */
  close(): void;
  /** A new local offer on the call's connection (hold: sendonly; else sendrecv). */
  offer?(hold: boolean): Promise<string>;
  /** Applies the far end's answer to our last offer. */
  applyAnswer?(answerSdp: string): Promise<void>;
  /**
   * Takes our last offer back (the far end refused it, e.g. 488): the connection returns to
   * what was last agreed, the microphone with it.
   */
  rollback?(): Promise<void>;
}

/** How a call is moving: ringing → answering (SDP being made) → talking, then ended. */
export type IncomingCallState = 'ringing' | 'answering' | 'talking' | 'ended';

/** Why a call ended, as SIP showed it. */
export type CallEndReason =
  /** CANCEL naming a timeout (Reason cause 408, or Q.850 18/19), or no answer within our limit. */
  | 'ring-timeout'
  /** CANCEL without a timeout reason: the caller stopped ringing us. */
  | 'caller-gave-up'
  /** We refused the INVITE (486/603/480). */
  | 'rejected'
  /** BYE from the far end. */
  | 'remote-hangup'
  /** Our BYE (or our refusal while the answer was still being made). */
  | 'local-hangup'
  /** The media could not answer, the ACK never came, or anything else went wrong. */
  | 'failed'
  /** The line's UserAgent was closed (transport lost, fresh registration, sign-out, quit). */
  | 'line-lost'
  /** Refused without ringing: the offer's media cannot reach the window (no media relay). */
  | 'no-media';

export interface CallEnd {
  reason: CallEndReason;
  /** For people and logs, e.g. `SIP;cause=408;text="ring timeout"`. */
  detail: string | null;
  /** True when the call had been answered (200 OK sent). */
  answered: boolean;
}

/**
 * How to refuse a ringing call: 486 Busy Here, 603 Decline, 480 Temporarily Unavailable, or
 * 503 Media Relay Unavailable (its media cannot reach the window).
 */
export type RejectKind = 'busy' | 'decline' | 'unavailable' | 'no-media';

/** One incoming INVITE on the registered extension. */
export interface IncomingCall {
  /** Ours, short and unique (the snapshot's and the window's call id). */
  readonly id: string;
  /** The caller as the INVITE names it: display name and/or user. */
  readonly caller: string;
  /** The SIP Call-ID, for logs only. */
  readonly sipCallId: string;
  readonly state: IncomingCallState;
  /** Sends 180 Ringing (the line leaves it to the app: it may refuse without ringing). */
  ring(): Promise<void>;
  /** Answers with `media`'s SDP; resolves once 200 OK is sent, rejects when the call ended first. */
  accept(media: CallMedia): Promise<void>;
  /** Refuses a ringing call. */
  reject(kind: RejectKind): Promise<void>;
  /** BYE once answered; refuses the INVITE while ringing or answering. */
  hangUp(): Promise<void>;
  /** Re-INVITE: on hold (sendonly) or resumed (sendrecv); resolves once the far end accepted. */
  hold(held: boolean): Promise<void>;
  /** Why the offer's media cannot reach the window (refuse it without ringing), else null. */
  readonly refusal: string | null;
  /** Called exactly once when the call ends (at once if it has already ended). */
  onEnded(listener: (end: CallEnd) => void): () => void;
}

/**
 * An INVITE seen before sip.js parsed it (the ringing goes to the window first), and its end
 * when sip.js then did not make a call of it (the same `id` never arrives as an IncomingCall).
 * When it does, the IncomingCall carries the same `id`.
 */
export type EarlyOfferEvent =
  { kind: 'ringing'; offer: { id: string; caller: string } } | { kind: 'withdrawn'; id: string };
