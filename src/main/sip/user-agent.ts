/**
 * The sip.js UserAgent of one registration attempt: our `ws` transport, the line's stable
 * Contact, quiet logs, no graceful stop (the line bounds its own un-REGISTER), and incoming
 * INVITEs handed to the attempt's CallDesk with handlers that ask the window for media.
 */
import { UserAgent } from 'sip.js';
import type { URI } from 'sip.js';
import type { Clock, Logger } from '../../lib/ports';
import type { CallDesk } from './call-desk';
import { sipLogConnector } from '../../lib/sip-ws/sip-log';
import type { SipTrace } from '../../lib/sip-ws/sip-log';
import type { SipTiming } from './timing';
import type { SipLineConfig } from './types';
import { WsTransport } from '../../lib/sip-ws/ws-transport';
import type { WebSocketConstructor, WsTransportOptions } from '../../lib/sip-ws/ws-transport';

export interface UserAgentDeps {
  clock: Clock;
  logger: Logger;
  timing: SipTiming;
  webSocket?: WebSocketConstructor;
  /** Sees every SIP message (the diagnostics bundle's SIP log). */
  trace?: SipTrace;
  /** Stable for a line: every attempt offers the same Contact, so a new REGISTER replaces the old binding. */
  contactName: string;
  viaHost: string;
}

/**
 * Longest we let an INVITE ring before refusing it ourselves (sip.js's no-answer timer, 480).
 * Above the platform's ring timeout (45 s by default), which normally CANCELs first.
 */
export const NO_ANSWER_TIMEOUT_SEC = 120;

/** What sip.js's UserAgent logs when its parser returned nothing for a message. */
const SIPJS_DROPPED_UNPARSED = 'Failed to parse incoming message';

/** A UserAgent for `config`; `onLost` is called when the transport drops by itself. */
export function createLineUserAgent(
  config: SipLineConfig,
  aor: URI,
  deps: UserAgentDeps,
  onLost: (error?: Error) => void,
  desk: CallDesk,
  /** sip.js could not parse a message it was given, and dropped it (it says so only in its log). */
  onUnparsed: () => void = () => {},
): UserAgent {
  const { clock, logger, timing } = deps;
  const connector = sipLogConnector(logger);
  const transportOptions: WsTransportOptions = {
    server: config.wsUrl,
    clock,
    logger,
    connectTimeoutMs: timing.connectTimeoutMs,
    keepaliveIntervalMs: timing.keepaliveIntervalMs,
    keepaliveTimeoutMs: timing.keepaliveTimeoutMs,
  };
  if (deps.webSocket) transportOptions.webSocket = deps.webSocket;
  if (deps.trace) transportOptions.trace = deps.trace;
  return new UserAgent({
    uri: aor,
    authorizationUsername: config.user,
    authorizationPassword: config.password,
    displayName: config.displayName ?? '',
    contactName: deps.contactName,
    viaHost: deps.viaHost,
    transportConstructor: WsTransport,
    transportOptions,
    // Stopping is ours (bounded un-REGISTER); sip.js's graceful stop can wait 32 s per request.
    gracefulShutdown: false,
    userAgentString: 'agent-desktop',
    logLevel: 'warn',
    logBuiltinEnabled: false,
    logConfiguration: false,
    logConnector: (level, category, label, content) => {
      if (content.startsWith(SIPJS_DROPPED_UNPARSED)) onUnparsed();
      connector(level, category, label, content);
    },
    // The app sends 180 itself, after deciding to ring (it refuses a second call without ringing).
    sendInitialProvisionalResponse: false,
    noAnswerTimeout: NO_ANSWER_TIMEOUT_SEC,
    sessionDescriptionHandlerFactory: desk.handlerFactory,
    delegate: {
      // sip.js calls this only when the transport dropped by itself, not on our own stop.
      onDisconnect: (error) => onLost(error),
      onInvite: (invitation) => desk.onInvite(invitation),
    },
  });
}
