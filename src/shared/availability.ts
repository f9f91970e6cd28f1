/**
 * "Will the platform send me a call right now?" and "am I in a call?", asked once for the tray,
 * the window and the shell. Everything here is a pure function of the snapshot (plus the
 * microphone health the window knows best).
 */
import { baseOf, isCallState } from './domain/state';
import { readiness, viaGateway } from './snapshot';
import type { LinkHealth, ReadinessLink, SessionSnapshot } from './snapshot';

export type CallView = Pick<SessionSnapshot, 'state' | 'call' | 'platform'>;

/**
 * In a call: the platform rings the agent or has them talking (its state says so), or the SIP
 * line carries a call the platform did not route (dialled straight to the extension). Either way
 * the state choices are locked until it ends. A stale call state ({@link isStaleCallState}) is
 * not a call: the choice goes to the platform, which refuses it (040203) if it still is one.
 */
export function isInCall(snapshot: CallView | null): boolean {
  if (!snapshot) return false;
  if (snapshot.call !== null) return true;
  return isCallState(snapshot.state) && !isStaleCallState(snapshot);
}

/** Why a state cannot be chosen now: the window's lock sentence and the tray's greyed choices. */
export type StateLock = 'in-call' | 'restoring' | 'signed-out';

/**
 * Whether the agent can choose a state now (null) or why not: the platform owns the state in a
 * call, and there is no login to set it on while signed out or while the session is restored.
 * One rule for the window's state buttons, its other "back to idle" buttons, and the tray.
 */
export function stateLock(
  snapshot: (CallView & Pick<SessionSnapshot, 'phase'>) | null,
): StateLock | null {
  if (!snapshot) return 'signed-out';
  if (isInCall(snapshot)) return 'in-call';
  if (snapshot.phase === 'restoring') return 'restoring';
  if (snapshot.phase !== 'signed-in') return 'signed-out';
  return null;
}

/**
 * Whether signing out is offered: signed in, or while the session is being restored (the agent
 * may give up on it). The window's header button and the tray's item.
 */
export function canSignOut(snapshot: Pick<SessionSnapshot, 'phase'> | null): boolean {
  return snapshot?.phase === 'signed-in' || snapshot?.phase === 'restoring';
}

/**
 * A call state with no call on the line while the platform fails to answer (unreachable,
 * refusing, or a lapsed gateway token): the platform's word from before the call ended, which
 * only a read-back replaces (each request of the session's that succeeds makes the health `ok`
 * and reads the agent back or sets the state). The call may long be over and the platform
 * routing again, so "in a call" would be a guess. (`unknown` health: never read, no word yet.)
 */
export function isStaleCallState(snapshot: CallView): boolean {
  const { health } = snapshot.platform;
  const failing = health !== 'ok' && health !== 'unknown';
  return failing && snapshot.call === null && isCallState(snapshot.state);
}

/**
 * Signed in, read back, and not one skill enabled: the platform routes queued calls by skill, so
 * it offers this agent none (calls dialled to the extension still ring). Unknown skills (not
 * read back yet) are not "none".
 */
export function hasNoEnabledSkill(snapshot: SessionSnapshot | null): boolean {
  if (!snapshot?.agent || snapshot.phase !== 'signed-in') return false;
  return !snapshot.agent.skills.some((skill) => skill.enabled);
}

/** What is wrong, in words the tray and the window both have a sentence for. */
export type TroubleKind =
  | 'session-restoring'
  | 'platform-unreachable'
  | 'platform-error'
  | 'gateway-trouble'
  | 'gateway-unreachable'
  | 'platform-refused'
  | 'platform-auth'
  | 'sip-auth'
  | 'sip-not-configured'
  | 'sip-reconnecting'
  | 'sip-down'
  | 'microphone';

/** Why the platform would not offer a call although nothing is broken. */
export type NotOffered = 'offline' | 'online' | 'busy' | 'away' | 'ringing' | 'talking';

export type CallReadiness =
  /** Exactly idle and every link healthy: the platform may offer a call now. */
  | { kind: 'ready' }
  /** A link is broken: the agent must act or wait for recovery. */
  | { kind: 'trouble'; link: ReadinessLink; trouble: TroubleKind }
  /** The agent's state or a call keeps offers away; nothing is broken. */
  | { kind: 'not-offered'; why: NotOffered }
  /** Idle, nothing broken, but some link is not known to be fine yet. */
  | { kind: 'unknown'; links: ReadinessLink[] }
  /** Idle and every link fine, but no speaker or headset to hear a call on: not green. */
  | { kind: 'no-output' };

const LINKS: ReadinessLink[] = ['session', 'platform', 'sip', 'microphone'];

/**
 * The one answer to "will the platform send me a call right now?". Trouble first (it needs the
 * agent), then a call or a state that keeps offers away, then links not yet known; `ready` only
 * when the state is exactly `idle` and every link is fine — and some audio output is connected
 * (`noOutput`: only the window's device list can tell; calls still come, so a warning, not red).
 */
export function callReadiness(
  snapshot: SessionSnapshot,
  microphone: LinkHealth,
  noOutput = false,
): CallReadiness {
  if (snapshot.phase !== 'signed-in' && snapshot.phase !== 'restoring') {
    return { kind: 'not-offered', why: 'offline' };
  }
  const r = readiness(snapshot, microphone);
  if (r.broken) return { kind: 'trouble', link: r.broken, trouble: troubleOf(snapshot, r.broken) };
  if (snapshot.call) {
    return { kind: 'not-offered', why: snapshot.call.phase === 'ringing' ? 'ringing' : 'talking' };
  }
  const base = baseOf(snapshot.state);
  // A call state with no call on the line is the platform's last word, which only a read-back
  // replaces: while the platform cannot be seen (a lapsed gateway token) the call may long be over
  // and the platform routing again, so "on a call" would be a guess (as isStaleCallState says).
  if ((base === 'fetching' || base === 'talking') && r.links.platform === 'unknown') {
    return { kind: 'unknown', links: LINKS.filter((link) => r.links[link] !== 'ok') };
  }
  if (base === 'fetching') return { kind: 'not-offered', why: 'ringing' };
  if (base === 'talking') return { kind: 'not-offered', why: 'talking' };
  if (base === 'busy' || base === 'away') return { kind: 'not-offered', why: base };
  if (snapshot.state !== 'idle') return { kind: 'not-offered', why: 'online' };
  const unknown = LINKS.filter((link) => r.links[link] !== 'ok');
  if (unknown.length) return { kind: 'unknown', links: unknown };
  return noOutput ? { kind: 'no-output' } : { kind: 'ready' };
}

function troubleOf(snapshot: SessionSnapshot, link: ReadinessLink): TroubleKind {
  switch (link) {
    case 'session':
      return 'session-restoring';
    case 'platform':
      return platformTrouble(snapshot);
    case 'sip':
      if (snapshot.sip.state === 'failed-auth') return 'sip-auth';
      if (snapshot.sip.state === 'backing-off') return 'sip-reconnecting';
      return snapshot.sip.lastError?.code === 'sip-not-configured'
        ? 'sip-not-configured'
        : 'sip-down';
    case 'microphone':
      return 'microphone';
  }
}

/**
 * Unreachable (no answer), answering with HTTP errors, the agent gateway unable to get through to
 * it, or refusing this app or agent. In gateway mode the desktop talks to the gateway, so no
 * answer or a bare HTTP error is the gateway's (as `describeError` says it with `gateway`).
 */
export function platformTrouble(snapshot: SessionSnapshot): TroubleKind {
  if (snapshot.platform.health === 'auth-failed') return 'platform-auth';
  const code = snapshot.platform.lastError?.code;
  const gateway = viaGateway(snapshot);
  if (code === 'http-error') return gateway ? 'gateway-trouble' : 'platform-error';
  if (code === 'gateway-trouble') return 'gateway-trouble';
  if (!code || code === 'transport' || code === 'timeout') {
    return gateway ? 'gateway-unreachable' : 'platform-unreachable';
  }
  if (code === 'malformed-reply') return 'platform-unreachable';
  return 'platform-refused';
}
