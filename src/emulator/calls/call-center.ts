/**
 * The emulated platform's call center (docs/platform-api/agent-api.md §6): customer calls wait in one queue, each
 * goes to the best routable agent for its skill, the agent's extension is rung through the
 * CallPlacer with a media endpoint's offer, and the agent leg's fate drives the agent's state
 * (idle → fetching → talking → the call's reserve state). Whenever anything that could make an
 * agent routable happens in the store, waiting calls are offered again at once.
 */
import { PLATFORM_CODES } from '../../shared/domain/errors';
import { isCallState } from '../../shared/domain/state';
import { systemClock, type Clock, type TimerHandle } from '../../lib/ports';
import { describe, Listeners } from '../../lib/listeners';
import type { StoreEvent } from '../agent-status';
import type { PlatformStore } from '../store';
import { NO_PLACER, type CallLeg, type CallPlacer, type LegEvents } from './call-placer';
import { newCallRecord, type CallOutcome, type CallRecord, type CallRequest } from './call-record';
import { checkCallRequest, type CheckedCallRequest } from './call-request';
import { MediaEndpoint, type MediaSession } from './media-endpoint';
import { chooseAgent } from './routing';

export interface CallCenterOptions {
  store: PlatformStore;
  /** How agents' phones are rung; until one is set every leg is unreachable. */
  placer?: CallPlacer;
  /** The customer's media for one call (default: a werift MediaEndpoint). */
  media?: (callId: string) => MediaSession;
  /** Timers (default: the system's, unref'd). */
  clock?: Pick<Clock, 'setTimeout' | 'clearTimeout'>;
  /** Longest wait for the SIP side to confirm our CANCEL/BYE before the call is closed anyway. */
  hangupGraceMs?: number;
  /** Ended calls kept for GET /emulator/calls (default 1000). */
  keepEnded?: number;
  log?: (msg: string) => void;
}

/** Thrown by `queueCall` for a request that fails the checks of call-request.ts. */
export class CallRequestError extends Error {
  override readonly name = 'CallRequestError';
}

interface Call {
  record: CallRecord;
  request: CheckedCallRequest;
  media: MediaSession | null;
  leg: CallLeg | null;
  timers: TimerHandle[];
  /** Set once the emulator decided to end the call: its outcome wins over what SIP says next. */
  ending: { outcome: CallOutcome; detail: string | null } | null;
  done: Promise<void>;
  resolveDone: () => void;
}

export class CallCenter {
  private readonly store: PlatformStore;
  private readonly clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>;
  private media: (callId: string) => MediaSession;
  private readonly log: (msg: string) => void;
  private readonly hangupGraceMs: number;
  private readonly keepEnded: number;
  private placer: CallPlacer;
  /** Every call we still list, oldest first (Map keeps insertion order). */
  private readonly records = new Map<string, Call>();
  private readonly waiting: Call[] = [];
  private readonly byAgent = new Map<string, Call>();
  private readonly closingMedia = new Set<Promise<void>>();
  private readonly changes: Listeners<[CallRecord]>;
  private readonly unsubscribe: Array<() => void>;
  private nextId = 1;
  private dispatching = false;
  private dispatchAgain = false;
  private closed = false;

  constructor(options: CallCenterOptions) {
    this.store = options.store;
    this.placer = options.placer ?? NO_PLACER;
    this.clock = options.clock ?? systemClock;
    this.media = options.media ?? (() => new MediaEndpoint({ log: options.log }));
    this.log = options.log ?? (() => {});
    this.hangupGraceMs = options.hangupGraceMs ?? 1500;
    this.keepEnded = options.keepEnded ?? 1000;
    this.changes = new Listeners('call-change', this.log);
    this.unsubscribe = [
      this.store.onChange((event) => this.storeChanged(event)),
      // A forced logout waits (bounded) for this: the call is hung up before the agent goes.
      this.store.onForceHangup((name) => {
        const call = this.byAgent.get(name);
        return call ? this.endBy(call, 'agent-logged-out', 'forced logout') : undefined;
      }),
    ];
  }

  /** Rings agents through `placer` from now on (legs already placed keep theirs). */
  setPlacer(placer: CallPlacer | null): void {
    this.placer = placer ?? NO_PLACER;
  }

  /** Makes each new call's customer media with `media` (the edge mode's plain RTP endpoint). */
  setMedia(media: (callId: string) => MediaSession): void {
    this.media = media;
  }

  /** Queues a customer call and offers it at once if an agent is free; returns its id. */
  queueCall(request: CallRequest): string {
    if (this.closed) throw new Error('call center is closed');
    const checked = checkCallRequest(request);
    if (!checked.ok) throw new CallRequestError(checked.error);
    const seq = this.nextId++;
    const id = `call-${seq}`;
    const caller = checked.value.caller ?? `138${String(seq).padStart(8, '0')}`;
    let resolveDone = () => {};
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    const call: Call = {
      record: newCallRecord(id, checked.value, caller, this.store.now()),
      request: checked.value,
      media: null,
      leg: null,
      timers: [],
      ending: null,
      done,
      resolveDone,
    };
    this.records.set(id, call);
    this.waiting.push(call);
    this.changed(call);
    this.dispatch();
    return id;
  }

  /** The customer hangs up now: leaves the queue, CANCELs the ringing or BYEs the talk. */
  customerHangUp(id: string): 'ok' | 'unknown' | 'ended' {
    const call = this.records.get(id);
    if (!call) return 'unknown';
    if (call.record.state === 'ended' || call.ending) return 'ended';
    void this.endBy(call, call.record.state === 'talking' ? 'customer-hung-up' : 'caller-gave-up');
    return 'ok';
  }

  /**
   * The platform refreshes an answered call with a re-INVITE that carries no SDP (a late offer).
   * 'ok' once the agent's side offered and our answer went out; 'failed' when it did not.
   */
  async refreshMedia(id: string): Promise<'ok' | 'unknown' | 'not-talking' | 'failed'> {
    const call = this.records.get(id);
    if (!call) return 'unknown';
    if (call.record.state !== 'talking' || call.ending || !call.leg?.refresh) return 'not-talking';
    return (await call.leg.refresh().catch(() => false)) ? 'ok' : 'failed';
  }

  /** One call's record (media counters live), or null. */
  call(id: string): CallRecord | null {
    const call = this.records.get(id);
    return call ? view(call) : null;
  }

  /** Every listed call, oldest first. */
  calls(): CallRecord[] {
    return [...this.records.values()].map(view);
  }

  /** Called with a snapshot whenever a call changes state. */
  onChange(listener: (record: CallRecord) => void): () => void {
    return this.changes.add(listener);
  }

  /** Ends every call and forgets every record (POST /emulator/reset). */
  reset(): void {
    for (const call of [...this.records.values()])
      void this.endBy(call, 'failed', 'emulator reset');
    this.records.clear();
  }

  /** Ends every call (waiting for the SIP side, bounded) and stops listening to the store. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stop of this.unsubscribe) stop();
    const live = [...this.records.values()].filter((call) => call.record.state !== 'ended');
    await Promise.all(live.map((call) => this.endBy(call, 'failed', 'emulator closed')));
    await Promise.all([...this.closingMedia]);
  }

  // ---------- routing ----------

  private storeChanged(event: StoreEvent): void {
    if (event.type === 'agent-logout') {
      const call = this.byAgent.get(event.name);
      if (call) void this.endBy(call, 'agent-logged-out', `agent ${event.reason}`);
    }
    this.dispatch();
  }

  /** Offers waiting calls, oldest first, while agents qualify; re-entrant calls loop instead. */
  private dispatch(): void {
    if (this.dispatching) {
      this.dispatchAgain = true;
      return;
    }
    this.dispatching = true;
    try {
      do {
        this.dispatchAgain = false;
        for (const call of [...this.waiting]) {
          if (this.closed) return;
          const busy = (name: string) => this.byAgent.has(name);
          const agent = chooseAgent(this.store.agentStatuses(), call.request.skill, busy);
          if (agent) this.offer(call, agent.name, agent.extension);
        }
      } while (this.dispatchAgain);
    } finally {
      this.dispatching = false;
    }
  }

  private offer(call: Call, agent: string, extension: string): void {
    if (this.store.forceState(agent, 'fetching').code !== PLATFORM_CODES.OK) return;
    this.waiting.splice(this.waiting.indexOf(call), 1);
    this.byAgent.set(agent, call);
    Object.assign(call.record, { agent, extension, state: 'ringing' });
    this.changed(call);
    void this.ring(call, extension);
  }

  // ---------- one call's life ----------

  private async ring(call: Call, extensionId: string): Promise<void> {
    const { id } = call.record;
    call.media = this.media(id);
    let offerSdp: string;
    try {
      offerSdp = await call.media.createOffer();
    } catch (error) {
      return this.finish(call, 'failed', `media offer: ${describe(error)}`);
    }
    if (call.record.state === 'ended') return; // hung up while the offer was being made
    call.record.offeredAt = this.store.now();
    const { ringTimeoutSec, customer } = call.request;
    const caller = call.record.caller;
    this.after(call, ringTimeoutSec, () =>
      this.endBy(call, 'missed-timeout', `no answer in ${ringTimeoutSec} s`),
    );
    if (customer.kind === 'give-up-ringing') {
      this.after(call, customer.afterSec, () => this.endBy(call, 'caller-gave-up'));
    }
    try {
      const request = { callId: id, extensionId, from: { user: caller, displayName: caller } };
      call.leg = this.placer.place({ ...request, offerSdp }, this.legEvents(call));
    } catch (error) {
      this.finish(call, 'failed', `placing the call: ${describe(error)}`);
    }
  }

  private legEvents(call: Call): LegEvents {
    const live = () => call.record.state !== 'ended' && call.ending === null;
    return {
      ringing: () => {
        if (!live() || call.record.alertedAt !== null) return;
        call.record.alertedAt = this.store.now();
        this.changed(call);
      },
      answered: (answerSdp) => {
        // After our CANCEL the SIP side answers a crossing 2xx with ACK and BYE itself.
        if (!live() || call.record.state !== 'ringing') return;
        this.clearTimers(call);
        Object.assign(call.record, { state: 'talking', answeredAt: this.store.now() });
        if (call.record.agent) this.store.forceState(call.record.agent, 'talking');
        this.changed(call);
        call.media?.applyAnswer(answerSdp).catch((error: unknown) => {
          void this.endBy(call, 'failed', `media answer: ${describe(error)}`);
        });
        const { customer } = call.request;
        if (customer.kind === 'hang-up-after') {
          this.after(call, customer.talkSec, () => this.endBy(call, 'customer-hung-up'));
        }
      },
      reoffer: async (offerSdp) => {
        if (!live() || call.record.state !== 'talking') throw new Error('the call is not talking');
        if (!call.media?.answerOffer) throw new Error('this media endpoint takes no new offers');
        return call.media.answerOffer(offerSdp);
      },
      ended: (reason, detail) => {
        if (call.record.state === 'ended') return;
        if (call.ending) return this.finish(call, call.ending.outcome, call.ending.detail);
        const outcome: CallOutcome =
          reason === 'agent-hangup'
            ? call.record.state === 'talking'
              ? 'agent-hung-up'
              : 'rejected'
            : reason === 'rejected'
              ? 'rejected'
              : 'failed';
        this.finish(call, outcome, detail ?? (reason === 'unreachable' ? 'unreachable' : null));
      },
    };
  }

  /** The emulator ends the call: out of the queue, or CANCEL/BYE and wait (bounded) for SIP. */
  private endBy(call: Call, outcome: CallOutcome, detail: string | null = null): Promise<void> {
    if (call.record.state === 'ended' || call.ending) return call.done;
    call.ending = { outcome, detail };
    this.clearTimers(call);
    if (!call.leg) {
      // Queued, or the INVITE has not gone out yet: nobody to tell.
      this.finish(call, outcome, detail);
      return call.done;
    }
    try {
      call.leg.hangUp(
        outcome === 'missed-timeout'
          ? 'ring-timeout'
          : outcome === 'caller-gave-up'
            ? 'caller'
            : 'platform',
      );
    } catch (error) {
      this.log(`calls: hanging up ${call.record.id} failed: ${describe(error)}`);
    }
    this.after(call, this.hangupGraceMs / 1000, () =>
      this.finish(call, outcome, detail ?? 'the SIP side did not confirm the hang-up'),
    );
    return call.done;
  }

  private finish(call: Call, outcome: CallOutcome, detail: string | null): void {
    const { record } = call;
    if (record.state === 'ended') return;
    this.clearTimers(call);
    Object.assign(record, { state: 'ended', outcome, detail, endedAt: this.store.now() });
    record.media = call.media?.stats() ?? null;
    if (call.media) {
      const closing = call.media.close().catch((error: unknown) => {
        this.log(`calls: closing media of ${record.id}: ${describe(error)}`);
      });
      this.closingMedia.add(closing);
      void closing.finally(() => this.closingMedia.delete(closing));
    }
    const queued = this.waiting.indexOf(call);
    if (queued >= 0) this.waiting.splice(queued, 1);
    this.forgetOldRecords();
    // The agent's reserve state is set before anyone hears of the end, and the next call is
    // offered after: an observer of "ended" already sees the agent where the call left it.
    const held = this.dispatching;
    this.dispatching = true;
    try {
      const agent = record.agent;
      if (agent && this.byAgent.get(agent) === call) {
        this.byAgent.delete(agent);
        const status = this.store.agentStatus(agent);
        if (status && isCallState(status.state)) {
          this.store.forceState(agent, call.request.reserveState);
        }
      }
      call.resolveDone();
      this.changed(call);
    } finally {
      this.dispatching = held;
    }
    if (!held) this.dispatch();
  }

  // ---------- helpers ----------

  private after(call: Call, seconds: number, run: () => unknown): void {
    call.timers.push(this.clock.setTimeout(() => void run(), seconds * 1000));
  }

  private clearTimers(call: Call): void {
    for (const timer of call.timers) this.clock.clearTimeout(timer);
    call.timers = [];
  }

  private changed(call: Call): void {
    if (this.changes.size > 0) this.changes.emit(view(call));
  }

  private forgetOldRecords(): void {
    let ended = 0;
    for (const call of this.records.values()) if (call.record.state === 'ended') ended++;
    for (const [id, call] of this.records) {
      if (ended <= this.keepEnded) break;
      if (call.record.state !== 'ended') continue;
      this.records.delete(id);
      ended--;
    }
  }
}

/** A snapshot: live media counters while the call lasts, the final ones after. */
function view(call: Call): CallRecord {
  const { record } = call;
  const media = record.state === 'ended' ? record.media : (call.media?.stats() ?? null);
  return { ...record, customer: { ...record.customer }, media: media && { ...media } };
}
