/**
 * sip.js's SessionDescriptionHandler for main, where there is no WebRTC: it holds the remote
 * offer sip.js hands it and asks the call's {@link CallMedia} (the window, through the core's
 * media bridge) for the answer. This phone only answers offers: it never makes one, so an INVITE
 * without SDP is refused before it gets here (see call-desk.ts).
 */
import type {
  BodyAndContentType,
  Session,
  SessionDescriptionHandler,
  SessionDescriptionHandlerFactory,
  SessionDescriptionHandlerOptions,
} from 'sip.js';
import type { CallMedia } from './call-types';

const SDP = 'application/sdp';

/** Thrown by a handler used after its call's media was closed. */
export class MediaClosedError extends Error {
  constructor() {
    super('the call media is closed');
  }
}

export class BridgedDescriptionHandler implements SessionDescriptionHandler {
  private remoteOffer: string | null = null;
  /** Set while our own offer (a hold or resume re-INVITE) waits for the far end's answer. */
  private localOffer = false;
  private closed = false;

  /** `media` is looked up when needed: a call gets its media only when it is answered. */
  constructor(
    private readonly media: () => CallMedia | null,
    private readonly onFailure: (error: Error) => void,
  ) {}

  async setDescription(sdp: string): Promise<void> {
    if (this.closed) throw new MediaClosedError();
    if (this.localOffer) {
      this.localOffer = false;
      const media = this.media();
      if (!media?.applyAnswer) throw new Error('the call media takes no answers');
      await media.applyAnswer(sdp);
      return;
    }
    this.remoteOffer = sdp;
  }

  async getDescription(options?: SessionDescriptionHandlerOptions): Promise<BodyAndContentType> {
    if (this.closed) throw new MediaClosedError();
    const offer = this.remoteOffer;
    const media = this.media();
    if (!offer && media?.offer) {
      // Our re-INVITE (hold or resume): the window makes the offer on the call's connection.
      const hold = (options as { hold?: boolean } | undefined)?.hold === true;
      const body = await media.offer(hold);
      if (this.closed) throw new MediaClosedError();
      this.localOffer = true;
      return { body, contentType: SDP };
    }
    const problem = !offer
      ? 'no remote offer to answer (this phone does not make offers)'
      : !media
        ? 'the call has no media attached'
        : null;
    if (problem || !offer || !media) return this.failed(new Error(problem ?? 'no media'));
    this.remoteOffer = null;
    try {
      const body = await media.answer(offer);
      if (this.closed) throw new MediaClosedError();
      return { body, contentType: SDP };
    } catch (error) {
      return this.failed(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /**
   * sip.js calls this when the far end refuses our re-INVITE (a 488 to a hold): the window takes
   * its offer back, so the microphone it took off for the hold goes back on. Never rejects: sip.js
   * hangs up on a failed rollback, and a window that cannot roll back should not cost the agent
   * the customer (the call's media slot records the failure for the hold's answer).
   */
  async rollbackDescription(): Promise<void> {
    if (!this.localOffer || this.closed) return;
    this.localOffer = false;
    await this.media()
      ?.rollback?.()
      .catch(() => undefined);
  }

  hasDescription(contentType: string): boolean {
    return contentType.split(';')[0]?.trim().toLowerCase() === SDP;
  }

  sendDtmf(): boolean {
    return false;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.media()?.close();
  }

  private failed(error: Error): never {
    if (!(error instanceof MediaClosedError)) this.onFailure(error);
    throw error;
  }
}

/** How a session finds its call's media and reports a media failure. */
export interface MediaSlot {
  media(): CallMedia | null;
  failed(error: Error): void;
}

/** The UserAgent's factory: one bridged handler per session, wired to that session's slot. */
export function bridgedHandlerFactory(
  slotFor: (session: Session) => MediaSlot | undefined,
): SessionDescriptionHandlerFactory {
  return (session) => {
    const slot = slotFor(session);
    // Only incoming calls get here; the line never sends an INVITE of its own.
    if (!slot) throw new Error('no call for this session');
    return new BridgedDescriptionHandler(
      () => slot.media(),
      (error) => slot.failed(error),
    );
  };
}
