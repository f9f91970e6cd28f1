/**
 * Main's way to the window's media (WebRTC lives in the renderer): each request goes out as a
 * `media:request` event with an id, and the window answers with `media:reply` carrying that id.
 * An answer that does not come within the timeout fails the request, so a closed, hung or
 * not-yet-loaded window can never hold a ringing call.
 */
import { randomBytes } from 'node:crypto';
import type { MediaRequest, Result } from '../../shared/ipc/contract';
import type { CallMedia } from '../sip/call-types';
import type { Clock, Logger, TimerHandle } from '../../lib/ports';

/** How long the window may take to answer an offer (it may have to open the microphone). */
export const MEDIA_ANSWER_TIMEOUT_MS = 10_000;

export interface MediaBridgeOptions {
  clock: Clock;
  logger: Logger;
  /** Pushes the request to the window (the core's `media:request` event). */
  send: (request: MediaRequest) => void;
  timeoutMs?: number;
}

interface Pending {
  /** False for requests answered with an acknowledgement only (apply-answer, rollback-offer). */
  wantsSdp: boolean;
  resolve: (sdp: string) => void;
  reject: (error: Error) => void;
  timer: TimerHandle;
}

export class MediaBridge {
  private readonly pending = new Map<string, Pending>();
  private readonly prefix = randomBytes(4).toString('hex');
  private next = 1;

  constructor(private readonly options: MediaBridgeOptions) {}

  /** The {@link CallMedia} port for one call: answers come from the window. */
  forCall(callId: string): CallMedia {
    return {
      answer: (offerSdp) => this.ask({ callId, kind: 'answer-offer', sdp: offerSdp }),
      close: () => this.options.send({ requestId: this.newId(), callId, kind: 'close' }),
      offer: (hold) => this.ask({ callId, kind: 'make-offer', hold }),
      applyAnswer: async (sdp) => {
        await this.ask({ callId, kind: 'apply-answer', sdp }, false);
      },
      rollback: async () => {
        await this.ask({ callId, kind: 'rollback-offer' }, false);
      },
    };
  }

  /** The window's `media:reply`. Late or unknown replies are ignored (the request timed out). */
  reply(reply: { requestId: string; sdp?: string; error?: string }): Result<null> {
    const pending = this.pending.get(reply.requestId);
    if (!pending) {
      this.options.logger.debug('media: reply to no pending request', {
        requestId: reply.requestId,
      });
      return { ok: true, value: null };
    }
    this.settle(reply.requestId);
    if (reply.error !== undefined) pending.reject(new Error(reply.error || 'the window failed'));
    else if (reply.sdp || !pending.wantsSdp) pending.resolve(reply.sdp ?? '');
    else pending.reject(new Error('the window replied without an SDP'));
    return { ok: true, value: null };
  }

  /** Fails every pending request (quit). */
  close(): void {
    for (const [id, pending] of [...this.pending]) {
      this.settle(id);
      pending.reject(new Error('media bridge closed'));
    }
  }

  private ask(request: Omit<MediaRequest, 'requestId'>, wantsSdp = true): Promise<string> {
    const { callId } = request;
    const requestId = this.newId();
    const timeoutMs = this.options.timeoutMs ?? MEDIA_ANSWER_TIMEOUT_MS;
    return new Promise<string>((resolve, reject) => {
      const timer = this.options.clock.setTimeout(() => {
        this.pending.delete(requestId);
        this.options.logger.warn('media: the window did not answer', { callId, timeoutMs });
        reject(new Error(`the window did not answer the offer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(requestId, { wantsSdp, resolve, reject, timer });
      this.options.send({ requestId, ...request });
    });
  }

  private settle(requestId: string): void {
    const pending = this.pending.get(requestId);
    if (!pending) return;
    this.options.clock.clearTimeout(pending.timer);
    this.pending.delete(requestId);
  }

  private newId(): string {
    return `m${this.prefix}-${this.next++}`;
  }
}
