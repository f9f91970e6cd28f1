/**
 * The supervised SIP line: keeps the bound extension registered for as long as it is started.
 * Every failure closes the attempt (UserAgent, WebSocket, Registerer) and opens a fresh one after
 * an exponential, jittered wait; wrong credentials stop the retries and say so. An answered call
 * outlives a lost connection: its attempt is parked rather than closed, and the retry connects
 * that attempt again (registration.ts), so the customer is not cut off by a network blip or a SIP
 * server restart. The state moves only through the transition table in state-machine.ts.
 */
import { randomBytes } from 'node:crypto';
import type { AppError } from '../../shared/domain/errors';
import type { SipStatus } from '../../shared/snapshot';
import type { Clock, Logger, TimerHandle } from '../../lib/ports';
import { openRegistration } from './registration';
import type { Registration } from './registration';
import { nextSipState } from './state-machine';
import type { SipEvent } from './state-machine';
import { probeTcpPort } from './port-probe';
import type { PortProbe } from './port-probe';
import { DEFAULT_SIP_TIMING, retryDelay } from './timing';
import type { SipTiming } from './timing';
import type { EarlyOfferEvent, IncomingCall } from './call-types';
import type { SipLine, SipLineConfig } from './types';
import type { WebSocketConstructor } from '../../lib/sip-ws/ws-transport';
import type { SipTrace } from '../../lib/sip-ws/sip-log';

export interface SipLineOptions {
  clock: Clock;
  logger: Logger;
  /** The WebSocket class (default: `ws`'s). */
  webSocket?: WebSocketConstructor;
  /** Sees every SIP message (the diagnostics bundle's SIP log). */
  trace?: SipTrace;
  /** Shorter periods for tests; the defaults are the product's. */
  timing?: Partial<SipTiming>;
  /** Jitter source (default Math.random). */
  random?: () => number;
  /** Looks at the server's port during a long wait (default: a TCP connect). */
  probe?: PortProbe;
}

/** Creates a supervised SIP line (sip.js over WebSocket, plain Node, no Electron). */
export function createSipLine(options: SipLineOptions): SipLine {
  return new SupervisedSipLine(options);
}

class SupervisedSipLine implements SipLine {
  private readonly timing: SipTiming;
  private readonly listeners = new Set<(status: SipStatus) => void>();
  private readonly callListeners = new Set<(call: IncomingCall) => void>();
  private readonly earlyListeners = new Set<(event: EarlyOfferEvent) => void>();
  private readonly identity = { contactName: `ad${hex(5)}`, viaHost: `${hex(6)}.invalid` };
  private current: SipStatus;
  private config: SipLineConfig | null = null;
  private attempt: Registration | null = null;
  private retryTimer: TimerHandle | null = null;
  /** The next look at the server's port during a long wait (see watchForRestart). */
  private watchTimer: TimerHandle | null = null;
  private failures = 0;
  /** When the current connection first registered (null while not registered since it opened). */
  private registeredAt: number | null = null;
  /**
   * Other devices' bindings seen in the first REGISTER reply since `start` (left over, or there
   * before us); any other that appears later registered this extension while we held it.
   */
  private knownBindings: Set<string> | null = null;

  constructor(private readonly options: SipLineOptions) {
    this.timing = { ...DEFAULT_SIP_TIMING, ...options.timing };
    const now = options.clock.now();
    this.current = { state: 'stopped', since: now, aor: null, lastError: null, nextRetryAt: null };
  }

  start(config: SipLineConfig): void {
    const previous = this.config;
    const sameAccount = previous !== null && accountKey(previous) === accountKey(config);
    const unchanged =
      sameAccount &&
      previous.password === config.password &&
      previous.expiresSec === config.expiresSec;
    if (unchanged && this.current.state !== 'stopped' && this.current.state !== 'failed-auth')
      return;
    // Another account's binding is removed; the same account's is replaced by the new REGISTER.
    this.drop(!sameAccount);
    this.config = config;
    this.failures = 0;
    this.registeredAt = null;
    if (!sameAccount) this.knownBindings = null;
    this.apply('start', {
      aor: `sip:${config.user}@${config.domain}`,
      lastError: null,
      nextRetryAt: null,
    });
    this.open();
  }

  kick(reason: 'resume' | 'unlock' | 'online'): void {
    if (!this.config || this.current.state === 'stopped' || this.current.state === 'failed-auth')
      return;
    // A fresh connection would end the call; a dead one is found by the keepalive anyway. A call
    // kept over a lost connection is only tried again sooner (backing-off), never interrupted
    // while its connection is being made again.
    if (this.current.state !== 'backing-off' && (this.attempt?.liveCalls() ?? 0) > 0) {
      this.options.logger.info('sip: no fresh connection during a call', { reason });
      return;
    }
    this.options.logger.info('sip: fresh connection', { reason, from: this.current.state });
    this.clearRetry();
    this.failures = 0;
    this.registeredAt = null;
    this.apply('kick', { nextRetryAt: null });
    this.reopen();
  }

  async stop(): Promise<void> {
    const attempt = this.attempt;
    this.attempt = null;
    this.clearRetry();
    this.config = null;
    this.knownBindings = null;
    this.registeredAt = null;
    this.apply('stop', { aor: null, lastError: null, nextRetryAt: null, newContacts: [] });
    await attempt?.close({ unregister: true });
  }

  status(): SipStatus {
    return this.current;
  }

  onStatus(listener: (status: SipStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onIncomingCall(listener: (call: IncomingCall) => void): () => void {
    this.callListeners.add(listener);
    return () => this.callListeners.delete(listener);
  }

  onEarlyOffer(listener: (event: EarlyOfferEvent) => void): () => void {
    this.earlyListeners.add(listener);
    return () => this.earlyListeners.delete(listener);
  }

  private open(): void {
    const config = this.config;
    if (!config) return;
    const { clock, logger, webSocket, trace } = this.options;
    const mine = () => this.attempt === attempt;
    const attempt: Registration = openRegistration(
      config,
      {
        connected: () => void (mine() && this.apply('connected', {})),
        registered: () => {
          if (!mine()) return;
          // The backoff is not reset here: see registrationHeldMs (reset in failed()).
          this.registeredAt ??= clock.now();
          this.apply('registered', { lastError: null, nextRetryAt: null });
        },
        failed: (error, reached, retryAfterMs) =>
          void (mine() && this.failed(error, reached, retryAfterMs)),
        bindings: (others) => {
          if (!mine()) return;
          if (!this.knownBindings) {
            this.knownBindings = new Set(others);
            return;
          }
          const fresh = others.filter((uri) => !this.knownBindings!.has(uri));
          if (fresh.length === 0) return;
          logger.warn('sip: another device registered this extension', { contacts: fresh });
          // No state move: the line is still registered; the session decides what this means.
          this.current = { ...this.current, newContacts: fresh };
          for (const listener of [...this.listeners]) listener(this.current);
        },
        earlyOffer: (event) => {
          if (!mine() || this.callListeners.size === 0) return;
          for (const listener of [...this.earlyListeners]) listener(event);
        },
        incomingCall: (call) => {
          if (!mine() || this.callListeners.size === 0) return false;
          for (const listener of [...this.callListeners]) listener(call);
          return true;
        },
      },
      {
        clock,
        logger,
        timing: this.timing,
        ...this.identity,
        ...(webSocket ? { webSocket } : {}),
        ...(trace ? { trace } : {}),
      },
    );
    this.attempt = attempt;
  }

  private failed(error: AppError, reached: boolean, retryAfterMs?: number): void {
    const attempt = this.attempt;
    // Refused credentials keep a call still on the line, not a BYE owed for one already over:
    // that can go only over a registration these credentials will not get.
    const refused = error.code === 'sip-auth-failed';
    const kept = refused && attempt?.liveCalls() === 0 ? 0 : (attempt?.keptCalls() ?? 0);
    if (attempt && kept > 0) {
      // The answered call stays; only its connection is retried.
      this.clearRetry();
      attempt.park();
      this.options.logger.warn('sip: connection lost during a call; keeping the call', { kept });
    } else this.drop(false);
    // Refused credentials are not tried again, except while an answered call waits on the line:
    // closing it would hang up on the customer, whose audio still flows (it is the window's),
    // and the registrar may refuse only for a moment. Once the call is over the next try is a
    // new attempt, and its refusal stops the line.
    if (refused && kept === 0) {
      this.options.logger.warn('sip: credentials refused, not retrying', { detail: error.detail });
      this.apply('auth-rejected', { lastError: error, nextRetryAt: null });
      return;
    }
    // A registration that held counts as working: this failure is the first of a new run.
    const heldFor = this.registeredAt === null ? 0 : this.options.clock.now() - this.registeredAt;
    this.registeredAt = null;
    if (heldFor >= this.timing.registrationHeldMs) this.failures = 0;
    this.failures += 1;
    const delay = retryDelay(
      this.failures,
      this.timing,
      reached,
      this.options.random,
      retryAfterMs,
    );
    const at = this.options.clock.now() + delay;
    this.options.logger.warn('sip: registration lost, retrying', {
      code: error.code,
      detail: error.detail,
      delay,
    });
    if (!this.apply('failed', { lastError: error, nextRetryAt: at })) return;
    this.retryTimer = this.options.clock.setTimeout(() => this.retryNow(), delay);
    if (delay > this.timing.unreachableCapMs) this.watchForRestart();
  }

  private retryNow(): void {
    this.clearRetry();
    if (this.apply('retry', { nextRetryAt: null })) this.reopen();
  }

  /**
   * The wait is long because registrations kept being lost soon after they were made, which is
   * how a registrar that keeps dropping the line looks, and also how a server restarted twice
   * in a row does. Its port tells them apart: looked at every `unreachableCapMs` or so, a port
   * found closed and then open again is a server that restarted, so the line tries now, as it
   * would after a one-off restart, instead of at the end of a wait meant for a server that stays
   * up. Open at the first look, the server never went away, and the wait stands.
   */
  private watchForRestart(): void {
    const probe = this.options.probe ?? probeTcpPort;
    const wsUrl = this.config?.wsUrl;
    if (!wsUrl) return;
    const waiting = this.retryTimer;
    const random = this.options.random ?? Math.random;
    const cap = this.timing.unreachableCapMs;
    let sawDown = false;
    const look = () => {
      this.watchTimer = this.options.clock.setTimeout(
        () => {
          this.watchTimer = null;
          const answered = probe(wsUrl, cap).catch(() => 'down' as const);
          void answered.then((answer) => {
            // The wait ended or was replaced meanwhile: this watch is over.
            if (this.retryTimer !== waiting) return;
            if (answer === 'down') {
              sawDown = true;
              look();
            } else if (sawDown) {
              this.options.logger.info('sip: the server is back after a restart; retrying now');
              this.retryNow();
            }
          });
        },
        Math.round(cap * (0.5 + random() / 2)),
      );
    };
    look();
  }

  /** The next try: the parked attempt again while it keeps a call, else a new attempt. */
  private reopen(): void {
    const attempt = this.attempt;
    if (attempt && attempt.keptCalls() > 0) return attempt.reconnect();
    this.drop(false);
    this.open();
  }

  /** Forgets the current attempt and closes it in the background. */
  private drop(unregister: boolean): void {
    this.clearRetry();
    const attempt = this.attempt;
    this.attempt = null;
    void attempt?.close({ unregister });
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) this.options.clock.clearTimeout(this.retryTimer);
    if (this.watchTimer !== null) this.options.clock.clearTimeout(this.watchTimer);
    this.retryTimer = null;
    this.watchTimer = null;
  }

  /** Moves through the table; returns false (and changes nothing) when `event` does not apply. */
  private apply(event: SipEvent, patch: Partial<Omit<SipStatus, 'state' | 'since'>>): boolean {
    const before = this.current;
    const state = nextSipState(before.state, event);
    if (state === null) return false;
    const next: SipStatus = {
      ...before,
      ...patch,
      state,
      since: state === before.state ? before.since : this.options.clock.now(),
    };
    const changed = (Object.keys(next) as (keyof SipStatus)[]).some(
      (key) => next[key] !== before[key],
    );
    if (!changed) return true;
    this.current = next;
    if (state !== before.state)
      this.options.logger.info('sip: state', { from: before.state, to: state, event });
    for (const listener of [...this.listeners]) listener(next);
    return true;
  }
}

function accountKey(config: SipLineConfig): string {
  return `${config.user}@${config.domain} via ${config.wsUrl}`;
}

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
