/** The SIP line's public surface for the session core and the hosts. */
export { createSipLine } from './sip-line';
export type { SipLineOptions } from './sip-line';
export type { SipLine, SipLineConfig } from './types';
export { DEFAULT_SIP_TIMING } from './timing';
export type { SipTiming } from './timing';
export { SIP_EVENTS, SIP_TRANSITIONS, nextSipState } from './state-machine';
export type { SipEvent } from './state-machine';
export type {
  CallEnd,
  CallEndReason,
  CallMedia,
  IncomingCall,
  IncomingCallState,
  RejectKind,
} from './call-types';
