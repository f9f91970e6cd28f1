/**
 * A SIP line that registers at once and records what it was asked: which accounts it started on
 * and how often it was stopped (unregistered).
 */
import type { SipLine, SipLineConfig } from '../../../../src/main/sip/types';
import type { SipStatus } from '../../../../src/shared/snapshot';

export interface FakeSipLine extends SipLine {
  readonly started: SipLineConfig[];
  /** How many times the line was stopped. */
  stops(): number;
  /** The SIP user the line is registered as now, or null when stopped. */
  registeredAs(): string | null;
}

export function fakeSipLine(): FakeSipLine {
  const started: SipLineConfig[] = [];
  let stopped = 0;
  let user: string | null = null;
  const listeners = new Set<(s: SipStatus) => void>();
  let status: SipStatus = {
    state: 'stopped',
    since: 0,
    aor: null,
    lastError: null,
    nextRetryAt: null,
  };
  const emit = () => {
    for (const l of listeners) l(status);
  };
  return {
    started,
    stops: () => stopped,
    registeredAs: () => user,
    start(config) {
      started.push(config);
      user = config.user;
      status = { ...status, state: 'registered', aor: `sip:${config.user}@${config.domain}` };
      emit();
    },
    async stop() {
      stopped++;
      user = null;
      status = { ...status, state: 'stopped', aor: null };
      emit();
    },
    kick() {},
    status: () => status,
    onStatus(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    onIncomingCall: () => () => undefined,
    onEarlyOffer: () => () => undefined,
  };
}
