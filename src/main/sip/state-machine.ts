/**
 * The SIP registration's state machine as one table: which event moves which state where.
 * An event missing from a state's row is ignored in that state (e.g. a late retry timer after
 * `stop`), so stale callbacks can never move the line.
 */
import type { SipState } from '../../shared/snapshot';

export const SIP_EVENTS = [
  /** `start(config)`: a (new) account to register. */
  'start',
  /** The WebSocket is open. */
  'connected',
  /** The registrar answered 200 to REGISTER. */
  'registered',
  /** Transport lost, REGISTER rejected (not for credentials) or timed out. */
  'failed',
  /** 401/403 after digest: the credentials are wrong; retrying will not help. */
  'auth-rejected',
  /** The backoff wait is over. */
  'retry',
  /** Resume, unlock or network return: fresh connection now. */
  'kick',
  /** `stop()`. */
  'stop',
] as const;
export type SipEvent = (typeof SIP_EVENTS)[number];

type Row = Partial<Record<SipEvent, SipState>>;

const ACTIVE: Row = {
  start: 'connecting',
  kick: 'connecting',
  failed: 'backing-off',
  stop: 'stopped',
};

export const SIP_TRANSITIONS: Record<SipState, Row> = {
  stopped: { start: 'connecting' },
  connecting: { ...ACTIVE, connected: 'registering' },
  registering: { ...ACTIVE, registered: 'registered', 'auth-rejected': 'failed-auth' },
  registered: { ...ACTIVE, 'auth-rejected': 'failed-auth' },
  'backing-off': { ...ACTIVE, retry: 'connecting' },
  // Only new credentials (a new `start`) get out of failed-auth: kicks would just be refused again.
  'failed-auth': { start: 'connecting', stop: 'stopped' },
};

/** The state `event` leads to from `state`, or null when the event does not apply there. */
export function nextSipState(state: SipState, event: SipEvent): SipState | null {
  return SIP_TRANSITIONS[state][event] ?? null;
}
