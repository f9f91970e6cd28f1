/**
 * The SIP line as the session core sees it: a supervised registration of the bound extension.
 * Signalling lives in main (sip.js over WebSocket); a call's media lives in the window.
 */
import type { SipStatus } from '../../shared/snapshot';
import type { EarlyOfferEvent, IncomingCall } from './call-types';

export interface SipLineConfig {
  /** SIP over WebSocket URL, e.g. ws://127.0.0.1:5066 */
  wsUrl: string;
  /** SIP domain / realm, e.g. sip.oneyun.com */
  domain: string;
  user: string;
  password: string;
  /** REGISTER expiry asked for (default 300 s). */
  expiresSec: number;
  displayName?: string;
}

export interface SipLine {
  /** Starts (or restarts with a new config) supervising the registration. */
  start(config: SipLineConfig): void;
  /** Unregisters (bounded wait) and closes; the status goes to `stopped`. */
  stop(): Promise<void>;
  /** Fresh connection and REGISTER now (after resume, unlock, network return). */
  kick(reason: 'resume' | 'unlock' | 'online'): void;
  status(): SipStatus;
  onStatus(listener: (status: SipStatus) => void): () => void;
  /** Every INVITE on the registered extension; with no listener INVITEs are refused (480). */
  onIncomingCall(listener: (call: IncomingCall) => void): () => void;
  /**
   * INVITEs seen before sip.js parsed them (so the window can show the ringing first), and
   * their withdrawal when sip.js made no call of them. Told only while a call listener exists.
   */
  onEarlyOffer(listener: (event: EarlyOfferEvent) => void): () => void;
}
