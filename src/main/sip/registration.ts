/**
 * One registration attempt: a fresh UserAgent, WebSocket and Registerer for one account. It
 * connects, registers, lets sip.js refresh at a fraction of the granted expiry, and reports a
 * failure exactly once. It is not repaired: after a rejected REGISTER or a lost transport
 * sip.js's Registerer refuses new requests, so the supervisor closes the attempt and opens another
 * — unless an answered call is on it. That call's dialog lives in this UserAgent and its media in
 * the window, so the attempt is parked instead (the other calls end), and later connects again on
 * the same UserAgent with a new Registerer; the call then re-INVITEs from the new connection.
 */
import { Core, Registerer, RegistererState, UserAgent } from 'sip.js';
import { appError } from '../../shared/domain/errors';
import type { AppError } from '../../shared/domain/errors';
import type { Clock, Logger, TimerHandle } from '../../lib/ports';
import { CallDesk } from './call-desk';
import type { EarlyOfferEvent, IncomingCall } from './call-types';
import { refreshPercent, registerTimeoutMs, retryAfterMs } from './timing';
import type { SipLineConfig } from './types';
import { createLineUserAgent } from './user-agent';
import { isOwnContact, registerRefusal, registerReplyContacts } from './register-bindings';
import type { RegisterRefusal } from './register-bindings';
import {
  MAX_TIMED_EXPIRES_SEC,
  answers,
  listedBindings,
  minExpires,
  sentRegister,
  statusOf,
  withExpires,
} from './register-reply';
import type { SentRegister } from './register-reply';
import { badRequestFor } from './bad-request';
import { WsOpenError, WsTransport } from '../../lib/sip-ws/ws-transport';
import type { UserAgentDeps } from './user-agent';

export interface RegistrationHooks {
  connected(): void;
  /** A REGISTER (first or refresh) was answered 200. */
  registered(): void;
  /**
   * The attempt is over; called at most once, never after `close`. `reached` is false when not
   * even a TCP connection to the server could be made (refused, unreachable). `retryAfterMs`:
   * how long the registrar asked not to be tried again (its Retry-After), when it said.
   */
  failed(error: AppError, reached: boolean, retryAfterMs?: number): void;
  /** An INVITE arrived; false when nobody takes it (it is then refused with 480). */
  incomingCall(call: IncomingCall): boolean;
  /** An INVITE seen before sip.js parsed it, or withdrawn when sip.js made no call of it. */
  earlyOffer?(event: EarlyOfferEvent): void;
  /** Every REGISTER 200 OK: the bindings it lists that are not this line's (other devices). */
  bindings?(others: string[]): void;
}

// Socket errors that mean nothing is listening or there is no way there from here.
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETDOWN',
]);

export interface Registration {
  /** Ends the attempt (and its calls); with `unregister`, first removes the binding (bounded wait). */
  close(options: { unregister: boolean }): Promise<void>;
  /** Calls on this attempt's UserAgent that have not ended. */
  liveCalls(): number;
  /** Answered calls that can wait for a new connection (see {@link park}). */
  keptCalls(): number;
  /**
   * After a failure, in place of closing: ends the calls that cannot wait, drops the connection
   * and the Registerer, and keeps the UserAgent with the answered calls for {@link reconnect}.
   */
  park(): void;
  /**
   * A parked attempt connects again (same UserAgent, a new Registerer) and registers; outcomes
   * come through the hooks again, each failure at most once. Once registered, every kept call
   * re-INVITEs so the far end reaches it over the new connection.
   */
  reconnect(): void;
}

/** Starts one attempt for `config`; outcomes arrive through `hooks`, never synchronously. */
export function openRegistration(
  config: SipLineConfig,
  hooks: RegistrationHooks,
  deps: UserAgentDeps,
): Registration {
  const { clock, timing } = deps;
  let over = false; // a failure was reported or close() was called (reset by a reconnect)
  let firstAnswered = false;
  /** Connected again after a park: the kept calls re-INVITE once registered. */
  let revived = false;
  let watchdog: TimerHandle | null = null;
  const disarm = () => {
    if (watchdog !== null) clock.clearTimeout(watchdog);
    watchdog = null;
  };
  const fail = (error: AppError, reached = true, retryAfter?: number) => {
    if (over) return;
    over = true;
    disarm();
    hooks.failed(error, reached, retryAfter);
  };
  /**
   * The last final refusal of a REGISTER this attempt received. sip.js answers a 423 Interval
   * Too Brief itself (it registers again with the Min-Expires asked for, or gives up when there is
   * none) and tells us nothing of that REGISTER's refusal but a state change: this says what it was.
   */
  let lastRefusal: RegisterRefusal | null = null;
  /** The REGISTER this attempt sent last: only answers to it are judged (see {@link judged}). */
  let lastSent: SentRegister | null = null;
  /** 423s followed since the last 200 OK to a REGISTER (sip.js re-registers for each). */
  let tooBrief = 0;
  /** sip.js said it dropped the message just given to it, unparsed. */
  let unparsed = false;
  const arm = (what: string) => {
    disarm();
    const ms = registerTimeoutMs(config.expiresSec, timing);
    watchdog = clock.setTimeout(
      () => fail(appError('sip-timeout', `no answer to ${what} in ${ms} ms`)),
      ms,
    );
  };
  const answered = () => {
    const first = !firstAnswered;
    firstAnswered = true;
    disarm();
    hooks.registered();
    if (first && revived) desk.refresh();
  };

  const aor = UserAgent.makeURI(`sip:${config.user}@${config.domain}`);
  if (!aor) {
    // Not a usable SIP user/domain: no retry can fix the settings.
    queueMicrotask(() =>
      fail(appError('sip-auth-failed', `not a SIP address: ${config.user}@${config.domain}`)),
    );
    return {
      close: async () => void (over = true),
      liveCalls: () => 0,
      keptCalls: () => 0,
      park: () => undefined,
      reconnect: () => undefined,
    };
  }
  const desk = new CallDesk({
    deliver: (call) => !over && hooks.incomingCall(call),
    logger: deps.logger,
    early: (event) => {
      if (!over) hooks.earlyOffer?.(event);
    },
    isOurs: (user) => user === config.user || user === deps.contactName,
  });
  const ua = createLineUserAgent(
    config,
    aor,
    deps,
    (e) => fail(appError('sip-transport', e?.message ?? 'lost')),
    desk,
    () => (unparsed = true),
  );
  // Every REGISTER goes out here, sip.js's own re-REGISTERs (refreshes, after a 423) included:
  // what the line asked for is what a registrar's answer is judged against.
  const transport = ua.transport;
  const send = transport.send.bind(transport);
  transport.send = (message: string) => {
    lastSent = sentRegister(message) ?? lastSent;
    return send(message);
  };
  /**
   * An answer to our last REGISTER that sip.js would act on in a way the line cannot live with:
   * an AppError to fail the attempt with (sip.js is not given the answer), or the message as
   * sip.js should see it.
   */
  const judged = (message: string): AppError | string => {
    const sent = lastSent;
    const code = statusOf(message);
    if (!sent || !sent.expires || (code !== 200 && code !== 423) || !answers(message, sent)) {
      return message;
    }
    const asked = sent.expires;
    if (code === 423) {
      const min = minExpires(message);
      // Without a Min-Expires sip.js gives up by itself; the refusal is reported as it is.
      if (min === undefined) return message;
      // sip.js registers again at once for every 423: one retry with the interval asked for,
      // then the line's own backoff, or a misconfigured registrar is sent REGISTERs as fast as
      // the connection carries them.
      if (tooBrief > 0) {
        return appError(
          'sip-rejected',
          `423 Interval Too Brief again: the registrar asked for Min-Expires ${min} after we registered with expires=${asked}`,
        );
      }
      if (!(Number(min) > asked) || !Number.isInteger(Number(min))) {
        return appError(
          'sip-rejected',
          `423 Interval Too Brief with Min-Expires ${min}, not above the expires=${asked} we sent`,
        );
      }
      tooBrief += 1;
      return message;
    }
    tooBrief = 0;
    const bindings = listedBindings(message, ua.contact.uri);
    // Not even parsed: sip.js drops it, and the watchdog reports the REGISTER unanswered.
    if (!bindings) return message;
    const { listed, mine } = bindings;
    if (!mine) {
      const seen = listed.length ? listed.map((uri) => `<${uri}>`).join(', ') : 'none';
      return appError(
        'sip-rejected',
        `the registrar's 200 OK did not list our Contact <${ua.contact.uri.toString()}> (it listed ${seen})`,
      );
    }
    const granted = mine.granted;
    if (granted === undefined || granted <= 0) {
      const said = granted === undefined ? 'no expires' : `expires=${granted}`;
      return appError(
        'sip-rejected',
        `the registrar's 200 OK granted our Contact ${said}: no binding the line can keep`,
      );
    }
    // sip.js times its refresh with setTimeout: past 2^31 ms that fires at once. Refreshing
    // sooner than the registrar needs is harmless; the line keeps what it asked for.
    const kept = granted > MAX_TIMED_EXPIRES_SEC ? Math.min(asked, MAX_TIMED_EXPIRES_SEC) : granted;
    // As given, and sip.js reads it as given (it would read a missing parameter as NaN).
    if (kept === granted && mine.param !== undefined) return message;
    if (kept !== granted) {
      deps.logger.warn('sip: granted expiry too long to time; refreshing sooner', {
        granted,
        kept,
      });
    }
    return withExpires(message, mine, kept) ?? message;
  };
  // Every message passes here before sip.js sees it: the only place refreshes' 200 OKs show
  // their full Contact list (sip.js keeps only its own binding's expiry from them).
  const deliver = transport.onMessage;
  transport.onMessage = (received: string) => {
    let message = received;
    const refusal = over ? null : registerRefusal(message);
    if (refusal) lastRefusal = refusal;
    const listed = over ? null : registerReplyContacts(message);
    if (listed) {
      const others = listed.filter((uri) => !isOwnContact(uri, deps.contactName));
      try {
        hooks.bindings?.(others);
      } catch (error) {
        deps.logger.error('sip: bindings hook failed', { error: String(error) });
      }
    }
    if (!over) {
      const verdict = judged(message);
      // Logged by the line with the retry it schedules.
      if (typeof verdict !== 'string') return fail(verdict);
      message = verdict;
    }
    // The ringing goes to the window before sip.js's parsing; sip.js then confirms it.
    desk.peek(message);
    try {
      unparsed = false;
      deliver?.(message);
      if (unparsed) answerUnparsed(ua, message, deps.logger);
    } catch (error) {
      // sip.js throws on some requests it parsed (a tel: Request-URI). Thrown from here it would
      // reach the socket's reader and stop the line: answered or dropped, the line reads on.
      refuseUnreadable(ua, message, error, deps.logger);
    } finally {
      desk.settle();
    }
  };
  const newRegisterer = (): Registerer => {
    tooBrief = 0;
    lastSent = null;
    const made = new Registerer(ua, {
      expires: config.expiresSec,
      // sip.js refreshes by itself at this percentage of the granted expiry (its default is 99).
      refreshFrequency: refreshPercent(timing),
      logConfiguration: false,
    });
    // Refreshes run inside sip.js (at `refreshFrequency`); a refused or unanswered one (sip.js's
    // 32 s transaction timeout) or a binding left to expire shows up as a state change.
    made.stateChange.addListener((state) => {
      // Deferred: sip.js changes state before it calls the request's own delegate, which knows more.
      queueMicrotask(() => {
        if (over || made !== registerer) return;
        // Registered without our delegate: sip.js retried by itself after 423 Interval Too Brief.
        if (state === RegistererState.Registered && !firstAnswered) answered();
        else if (state !== RegistererState.Registered && firstAnswered) {
          fail(appError('sip-rejected', 'the registrar refused a refresh or the binding expired'));
        } else if (state === RegistererState.Unregistered && !firstAnswered) {
          // Refused with no delegate of ours told (the 423 paths above): say so now, not when
          // the watchdog runs out, and as what it was (a 403 there is refused credentials).
          if (!lastRefusal) {
            fail(appError('sip-rejected', 'sip.js dropped the registrar’s answer to REGISTER'));
          } else {
            const { code, reason, retryAfterMs } = lastRefusal;
            fail(rejection(code, reason), true, retryAfterMs);
          }
        }
      });
    });
    return made;
  };
  let registerer = newRegisterer();

  const register = () => {
    if (over) return;
    hooks.connected();
    arm('REGISTER');
    const mine = registerer;
    const onReject = (code = 0, reason = '', retryAfter?: string) => {
      if (mine === registerer) fail(rejection(code, reason), true, retryAfterMs(retryAfter));
    };
    mine
      .register({
        requestDelegate: {
          onAccept: () => void (over || mine !== registerer || answered()),
          onReject: (response) =>
            onReject(
              response.message.statusCode,
              response.message.reasonPhrase,
              response.message.getHeader('retry-after'),
            ),
        },
      })
      .catch((error: Error) => {
        if (mine === registerer) fail(appError('sip-rejected', error.message));
      });
  };
  const unconnected = (error: Error) => {
    const code = error instanceof WsOpenError ? error.code : undefined;
    fail(appError('sip-transport', error.message), !(code && UNREACHABLE.has(code)));
  };
  ua.start().then(register, unconnected);

  const close = async (unregister: boolean) => {
    over = true;
    disarm();
    // Calls first: their BYEs still have a transport, and nothing outlives the UserAgent.
    desk.close(unregister ? 'the line stopped' : 'the line was recreated or lost');
    let healthy = true;
    if (
      unregister &&
      registerer.state === RegistererState.Registered &&
      ua.transport.isConnected()
    ) {
      // Rejected at once (and skipped) while a refresh is still pending.
      healthy = await bounded(clock, timing.unregisterTimeoutMs, (done) => {
        registerer.unregister({ requestDelegate: { onAccept: done, onReject: done } }).catch(done);
      });
    }
    await ua.stop().catch(() => undefined);
    // A connection that just left the un-REGISTER unanswered would not answer a close frame either.
    if (healthy) await ua.transport.disconnect().catch(() => undefined);
    else if (ua.transport instanceof WsTransport) ua.transport.terminate();
    // Clears sip.js's refresh timer. Not awaited: if still bound it sends an un-REGISTER that the
    // closed transport cannot carry (sip.js answers itself with a 503); with a request pending it
    // waits for an answer the reset core will never deliver. sip.js's refresh timer is not armed
    // in either case, so nothing fires on a disposed Registerer later.
    void registerer.dispose().catch(() => undefined);
  };
  let closing: Promise<void> | null = null;
  let parked = false;
  return {
    close: ({ unregister }) => (closing ??= close(unregister)),
    liveCalls: () => desk.live(),
    keptCalls: () => desk.keepable(),
    park: () => {
      if (closing || parked) return;
      parked = true;
      over = true;
      disarm();
      desk.park('the connection to the SIP server was lost');
      // A connection still open (a refused refresh, an unanswered REGISTER) goes too: the next
      // REGISTER comes from a new one, as a new attempt's would.
      if (ua.transport.isConnected() && ua.transport instanceof WsTransport) {
        ua.transport.terminate();
      }
      // Disposed while nothing can carry its un-REGISTER, which would remove the binding the
      // next Registerer makes for the same Contact.
      const old = registerer;
      void old.dispose().catch(() => undefined);
    },
    reconnect: () => {
      if (closing || !parked) return;
      parked = false;
      over = false;
      firstAnswered = false;
      revived = true;
      registerer = newRegisterer();
      ua.reconnect().then(register, unconnected);
    },
  };
}

function rejection(code: number, reason: string): AppError {
  const detail = `${code} ${reason}`.trim();
  // sip.js answers one challenge itself; a 401/407 reaching us, or a 403, means the digest was refused.
  if (code === 401 || code === 403 || code === 407) return appError('sip-auth-failed', detail);
  if (code === 408) return appError('sip-timeout', detail);
  return appError('sip-rejected', detail);
}

/** Runs `run` and resolves true when it calls `done` within `ms`, false when the time ran out. */
function bounded(clock: Clock, ms: number, run: (done: () => void) => void): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(() => resolve(false), ms);
    run(() => {
      clock.clearTimeout(timer);
      resolve(true);
    });
  });
}

/** sip.js's parser wants a logger; what it would say is in the warning below. */
const QUIET = { debug() {}, log() {}, warn() {}, error() {} } as unknown as Core.Logger;

/**
 * A message sip.js threw on. A request without a SIP Request-URI (sip.js parses `tel:` as none)
 * is answered 416 Unsupported URI Scheme, as sip.js means to (RFC 3261 §8.2.2.1), so the caller
 * hears at once instead of ringing into silence; anything else is dropped. Never throws.
 */
function refuseUnreadable(ua: UserAgent, message: string, error: unknown, logger: Logger): void {
  let answered: number | null = null;
  try {
    const parsed = Core.Parser.parseMessage(message, QUIET);
    if (parsed instanceof Core.IncomingRequestMessage && !parsed.ruri && parsed.method !== 'ACK') {
      ua.userAgentCore.replyStateless(parsed, { statusCode: 416 });
      answered = 416;
    }
  } catch {
    // Not even a reply could be made: dropped.
  }
  logger.warn(
    answered
      ? 'sip: request refused, sip.js could not take it'
      : 'sip: message dropped, sip.js could not take it',
    {
      error: String(error),
      start: message.split('\r\n', 1)[0]!.slice(0, 80),
      ...(answered ? { answered } : {}),
    },
  );
}

/**
 * A request sip.js could not parse (it logs that it dropped it, nothing more): an INVITE's
 * caller would ring into nothing until the proxy gives up. When the request's Via, From, To,
 * Call-ID and CSeq lines are there, it is answered a stateless 400 Bad Request built from them
 * (RFC 3261 §8.2.6); an ACK is never answered. Logged once per request. Never throws.
 */
function answerUnparsed(ua: UserAgent, message: string, logger: Logger): void {
  try {
    if (!/^[A-Za-z]+ \S+ SIP\/2\.0\r\n/.test(message) || message.startsWith('ACK ')) return;
    const start = message.split('\r\n', 1)[0]!.slice(0, 80);
    const reply = badRequestFor(message);
    if (!reply || !ua.transport.isConnected()) {
      logger.warn('sip: request dropped, sip.js could not parse it', { start });
      return;
    }
    void ua.transport.send(reply).catch(() => undefined);
    logger.warn('sip: request refused 400, sip.js could not parse it', { start, answered: 400 });
  } catch {
    // Nothing can be said back: it stays dropped.
  }
}
