/**
 * What the main process publishes to the window and the tray: one snapshot of the agent's
 * session, SIP line and call. The renderer's stores mirror it; they hold no rules of their own.
 */
import type { AppError } from './domain/errors';
import type { Agent } from './platform/dto';
import type { SkillInput } from './platform/dto';

export type SessionPhase = 'signed-out' | 'signing-in' | 'signed-in' | 'restoring' | 'signing-out';

/** How the platform link looks right now. */
/**
 * `faulty`: the platform answers, but refuses this session's keepalives (e.g. 010002) or its
 * answers cannot be read: reached, yet not working for this agent.
 */
export type PlatformHealth = 'unknown' | 'ok' | 'unreachable' | 'auth-failed' | 'faulty';

export interface SignInProfile {
  name: string;
  num?: string;
  extension: string;
  /** Initial state: `online` (the default), `idle`, `busy[/r]` or `away[/r]`. */
  initialState?: string;
  skills?: SkillInput[];
}

export interface PlatformStatus {
  /** Base URL the client talks to; the embedded emulator's when `demo`. */
  baseUrl: string;
  /** True when this is the embedded demo platform, not a real one. */
  demo: boolean;
  health: PlatformHealth;
  /** Epoch ms of the last reply the platform acknowledged. */
  lastAckAt: number | null;
  lastError: AppError | null;
  /** Epoch ms of the next retry while unreachable. */
  nextRetryAt: number | null;
}

export const SIP_STATES = [
  'stopped',
  'connecting',
  'registering',
  'registered',
  'backing-off',
  'failed-auth',
] as const;
export type SipState = (typeof SIP_STATES)[number];

export interface SipStatus {
  state: SipState;
  since: number;
  /** SIP address of record, e.g. `sip:1000100001@sip.oneyun.com`, when known. */
  aor: string | null;
  lastError: AppError | null;
  nextRetryAt: number | null;
  /**
   * Other devices' contacts that the registrar's REGISTER reply listed for this extension after
   * this line had registered (a takeover clue); absent or empty when there are none.
   */
  newContacts?: string[];
}

export type CallPhase = 'ringing' | 'answering' | 'talking';

export interface CallInfo {
  id: string;
  /** Caller as the INVITE named it (display name and/or user). */
  caller: string;
  phase: CallPhase;
  /** Epoch ms the call started ringing. */
  ringingSince: number;
  /** Epoch ms the call was answered. */
  talkingSince: number | null;
  muted: boolean;
  /** On hold (re-INVITE sendonly accepted); absent = not held. */
  held?: boolean;
  /** Epoch ms auto-answer will answer this routed call (absent/null: it will not). */
  autoAnswerAt?: number | null;
}

/** An answered call that dropped: SIP ended it for a fault, not a hang-up on either side. */
export interface DroppedCall {
  id: string;
  /** Epoch ms it dropped. */
  at: number;
}

/** `no-media`: the site's media relay was down, so the call was refused without ringing. */
export type MissReason = 'timeout' | 'caller-gave-up' | 'rejected' | 'failed' | 'no-media';

export interface MissedOffer {
  id: string;
  caller: string;
  at: number;
  reason: MissReason;
  /** The agent's state after the platform acted (its reserve state), as read back. */
  stateAfter: string | null;
}

/**
 * Another desktop (or phone) took this agent over: this desktop noticed and stopped, without
 * fighting back. `state`: the platform's state changed in a way this desktop did not cause;
 * `register`: the registrar's REGISTER reply lists another device on the same extension.
 */
export interface Takeover {
  clue: 'state' | 'register';
  detail: string;
  since: number;
}

/** After-call work in progress: the window's countdown and the tray show it. */
export interface WrapUpStatus {
  /** The busy reason, e.g. 话后处理. */
  reason: string;
  /** The state held, `busy/<reason>`. */
  state: string;
  since: number;
  /** Epoch ms the wrap-up ends (moves with "+30 s"). */
  endsAt: number;
  /** The latest `endsAt` "+30 s" may reach (shared/wrap-up-rule.ts). */
  limitAt: number;
  /** The state the agent chose before the call, restored at the end. */
  returnTo: string;
  /** Offers the platform routed during wrap-up, declined before they rang. */
  declined: number;
}

/** The no-answer guard took the agent out of routing: why, and since when. */
export interface NoAnswerNotice {
  /** Unanswered offers in a row that tripped it. */
  count: number;
  /** The state it set, `busy/<reason>`. */
  state: string;
  at: number;
}

/** The agent's day as the window and the tray show it (besides the session snapshot). */
export interface AgentDayStatus {
  wrapUp: WrapUpStatus | null;
  noAnswer: NoAnswerNotice | null;
}

/** Why a system action moved the agent (suspend/lock protection). */
export type SystemHold =
  | 'suspend'
  | 'lock'
  | 'crash'
  /** After-call work (wrap-up.ts): busy/<wrap-up reason> until the countdown ends. */
  | 'wrap-up'
  /** The no-answer guard (no-answer-guard.ts): busy/<reason> after unanswered offers. */
  | 'no-answer'
  /**
   * Signed in again (a heal) during a call: the new login is in no call on the platform's side,
   * so the agent is held busy until the call ends rather than offered a second call.
   */
  | 'in-call';

export interface SessionSnapshot {
  phase: SessionPhase;
  platform: PlatformStatus;
  /** The profile signed in with (or being signed in with). */
  profile: SignInProfile | null;
  /** The agent as the platform last reported it. */
  agent: Agent | null;
  /** Current state string, as acknowledged by the platform. */
  state: string | null;
  /** Epoch ms the current state began (as seen by this desktop). */
  stateSince: number | null;
  /** The last state the agent itself chose: restored after a lost session or a system hold. */
  chosenState: string | null;
  /** Set while the app holds the agent away because of suspend/lock/network loss. */
  hold: { reason: SystemHold; since: number } | null;
  /** A question the agent must answer (e.g. force sign-out while in a call). */
  question: { kind: 'force-sign-out' } | null;
  lastError: AppError | null;
  lastKeepaliveAckAt: number | null;
  sip: SipStatus;
  call: CallInfo | null;
  /** The last answered call, when it dropped: the window says so until the next call rings. */
  droppedCall?: DroppedCall | null;
  /**
   * The agent asked to sign out and the platform has not taken it yet (no answer, or busy): it
   * is sent again until it is, and the agent stays signed in meanwhile (absent from older cores).
   */
  signOutPending?: boolean;
  missed: MissedOffer[];
  /**
   * Bumped whenever `missed` changes, never reset: a push to the window leaves out a list the
   * window already holds, and this says which list that is (ipc/session-push.ts).
   */
  missedVersion: number;
  /** Reasons used recently, newest first, per base state. */
  recentReasons: { busy: string[]; away: string[] };
  /** The microphone as the window last reported it (only the window can know). */
  microphone: LinkHealth;
  /**
   * Whether the window's device list names a speaker or headset (`none`: it names its devices
   * and no audio output); null until the window says (absent from older cores: the same).
   */
  soundOutput?: 'connected' | 'none' | null;
  /**
   * A state the agent chose that the platform has not taken yet: sent again once the platform
   * answers. Whether the window says it is being retried is `retriedState`'s rule.
   */
  pendingState: string | null;
  /** Set when another desktop took this agent over (cleared by the next sign-in here). */
  takeover: Takeover | null;
  /**
   * The platform shows a state this desktop did not set while its login never lapsed, so no
   * other desktop can hold it: someone changed the state on the platform (a supervisor, an
   * admin tool). Taken as the agent's choice; the window says so until the state changes again.
   */
  stateSetElsewhere?: { state: string; at: number } | null;
  /** How this desktop reaches the platform (absent from older cores). */
  access?: AccessStatus;
}

/**
 * `gateway`: agents sign in to the site's gateway with a password and the desktop holds no
 * account key; `direct`: this desktop holds the account's secret key (single-site trials);
 * `demo`: the embedded demo platform. The gateway token itself never leaves main.
 */
export interface AccessStatus {
  mode: 'gateway' | 'direct' | 'demo';
  /** Gateway mode: the token lapsed or was revoked; the agent must enter their password. */
  signInNeeded: boolean;
}

/**
 * This desktop reaches the platform through the site's agent gateway: the agent signs in with a
 * password, and no answer is the gateway's, not the platform's (errors, light, tray).
 */
export function viaGateway(snapshot: Pick<SessionSnapshot, 'access'> | null | undefined): boolean {
  return snapshot?.access?.mode === 'gateway';
}

export function initialSnapshot(baseUrl: string, demo: boolean, now: number): SessionSnapshot {
  return {
    phase: 'signed-out',
    platform: {
      baseUrl,
      demo,
      health: 'unknown',
      lastAckAt: null,
      lastError: null,
      nextRetryAt: null,
    },
    profile: null,
    agent: null,
    state: null,
    stateSince: null,
    chosenState: null,
    hold: null,
    question: null,
    lastError: null,
    lastKeepaliveAckAt: null,
    sip: { state: 'stopped', since: now, aor: null, lastError: null, nextRetryAt: null },
    call: null,
    missed: [],
    missedVersion: 0,
    recentReasons: { busy: [], away: [] },
    microphone: 'unknown',
    soundOutput: null,
    pendingState: null,
    takeover: null,
  };
}

export type ReadinessLink = 'session' | 'platform' | 'sip' | 'microphone';
export type LinkHealth = 'ok' | 'broken' | 'unknown';

export interface Readiness {
  /** True only when every link is known to be fine. */
  ready: boolean;
  links: Record<ReadinessLink, LinkHealth>;
  /** The first broken link, for the sentence the window shows. */
  broken: ReadinessLink | null;
  /** Present (true) when the talking call has received no audio for 3 s: one-way audio. */
  noAudio?: true;
}

/**
 * "Can I take calls?" from the snapshot plus what only the renderer knows (microphone).
 * Unknown links are never reported as fine.
 */
export function readiness(
  snapshot: SessionSnapshot,
  microphone: LinkHealth,
  /** The window's quality monitor: a connected call received nothing for 3 s. */
  noAudio = false,
): Readiness {
  const session: LinkHealth = snapshot.phase === 'signed-in' ? 'ok' : 'broken';
  // A lapsed gateway token: the platform still holds the agent and routes calls to them until its
  // own keepalive timeout, this desktop just cannot see it. Not "broken, no call will come": a
  // call may well ring, and the sign-in-again prompt already says what to do.
  const platform: LinkHealth =
    snapshot.platform.health === 'ok'
      ? 'ok'
      : snapshot.platform.health === 'unknown' || passwordAsked(snapshot)
        ? 'unknown'
        : 'broken';
  const sip: LinkHealth =
    snapshot.sip.state === 'registered'
      ? 'ok'
      : snapshot.sip.state === 'stopped' && snapshot.phase !== 'signed-in'
        ? 'unknown'
        : snapshot.sip.state === 'connecting' || snapshot.sip.state === 'registering'
          ? 'unknown'
          : 'broken';
  const links = { session, platform, sip, microphone };
  const order: ReadinessLink[] = ['session', 'platform', 'sip', 'microphone'];
  const broken = order.find((link) => links[link] === 'broken') ?? null;
  const ready = { ready: order.every((link) => links[link] === 'ok'), links, broken };
  return noAudio && snapshot.call?.phase === 'talking' ? { ...ready, noAudio: true } : ready;
}

/**
 * When the time in state shown counts from, or null for no time: only while signed in. While the
 * session is being restored (or signing in or out) the state is not the platform's word yet, and
 * a time counting on would say it is. The tray's tooltip and the window's status card read this.
 */
export function timeInStateSince(
  snapshot: Pick<SessionSnapshot, 'phase' | 'stateSince'> | null | undefined,
): number | null {
  return snapshot?.phase === 'signed-in' ? snapshot.stateSince : null;
}

/**
 * True while the window asks the agent for their gateway password again (a lapsed or revoked
 * token; not once signed out, when the sign-in form asks anyway). The prompt and every banner
 * rule that gives way to it read this.
 */
export function passwordAsked(
  snapshot: Pick<SessionSnapshot, 'phase' | 'access'> | null | undefined,
): boolean {
  return !!snapshot?.access?.signInNeeded && snapshot.phase !== 'signed-out';
}

/**
 * True while the platform refuses this desktop's credentials: the account key (HTTP 401, health
 * `auth-failed`) or, in gateway mode, the agent's lapsed or revoked gateway token. Nothing the
 * session sends can succeed until they are fixed (settings, or the agent's password).
 */
export function credentialsRefused(
  snapshot: Pick<SessionSnapshot, 'phase' | 'platform' | 'access'>,
): boolean {
  return snapshot.platform.health === 'auth-failed' || passwordAsked(snapshot);
}

/**
 * True when the window says the platform answers but refuses this session (health `faulty`),
 * but not while the gateway asks for the agent's password again: a lapsed or revoked gateway
 * token makes the platform faulty too, and the sign-in-again prompt already names that one cause
 * and what to do. A second banner for it would tell the agent two things.
 */
export function platformFaulty(
  snapshot: Pick<SessionSnapshot, 'phase' | 'platform' | 'access'> | null,
): boolean {
  return snapshot?.platform.health === 'faulty' && !passwordAsked(snapshot);
}

/**
 * The state change the window says main is retrying by itself (banner, state controls): the
 * pending state, but not while the credentials are refused. No retry can succeed then, so
 * "retrying" would contradict the credentials banner beside it; main keeps the choice and sends
 * it once the platform answers again (and the window says so again then).
 */
export function retriedState(
  snapshot: Pick<SessionSnapshot, 'phase' | 'pendingState' | 'platform' | 'access'> | null,
): string | null {
  if (!snapshot?.pendingState || credentialsRefused(snapshot)) return null;
  return snapshot.pendingState;
}

/**
 * A sign-out the agent asked for that main is still sending (the window's banner, the tray's
 * tooltip): the agent is signed in, and routable, until the platform takes it.
 */
export function signOutOwed(
  snapshot: Pick<SessionSnapshot, 'phase' | 'signOutPending'> | null,
): boolean {
  return snapshot?.phase !== 'signed-out' && snapshot?.signOutPending === true;
}
