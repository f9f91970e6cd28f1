/**
 * The agent's session with the platform: sign-in/out, state changes, keepalive, healing a lost
 * session, and protection against phantom availability. Host-agnostic (no electron import).
 *
 * It is built from parts, each in its own file: the snapshot store (snapshot-store.ts: one
 * command, one push), the keepalive timer (keepalive-loop.ts), named holds (session-holds.ts)
 * and recent reasons (recent-reasons.ts). This file wires them to the platform.
 */
import {
  appError,
  asInCallRefusal,
  inCallRefusal,
  PLATFORM_CODES,
} from '../../shared/domain/errors';
import { isInCall, isStaleCallState } from '../../shared/availability';
import { baseOf, checkAgentState, isCallState, isRoutableState } from '../../shared/domain/state';
import { initialSnapshot } from '../../shared/snapshot';
import {
  SYSTEM_HOLD_STATES,
  checkProfile,
  describeStateProblem,
  isMovedElsewhere,
  isTransient,
  loginRequest,
} from './session-rules';
import { isSessionLost } from '../../lib/platform/client';
import { Listeners } from '../../lib/listeners';
import { backoffDelay } from '../../lib/backoff';
import { KeepaliveLoop } from './keepalive-loop';
import { endsByItself, isSystemHold, NamedHolds, outranksSelfEnding } from './session-holds';
import { rememberReason } from '../../shared/domain/recent-reasons';
import { SnapshotStore, sameValue } from './snapshot-store';
import type { HoldCause } from './session-holds';
import { applySkillOps } from '../../shared/domain/agent';
import type { Skill, SkillOp } from '../../shared/domain/agent';
import type { AppError } from '../../shared/domain/errors';
import type { Result } from '../../shared/ipc/contract';
import type { Agent, ExtensionDto, LoginRequest, Page, PageQuery } from '../../shared/platform/dto';
import type { HoldAction } from '../../shared/settings';
import type {
  CallInfo,
  DroppedCall,
  LinkHealth,
  MissedOffer,
  PlatformHealth,
  SessionPhase,
  SessionSnapshot,
  SignInProfile,
  SipStatus,
} from '../../shared/snapshot';
import type { Clock, Logger, TimerHandle } from '../../lib/ports';

export type { HoldCause } from './session-holds';

type PResult<T> = { ok: true; value: T } | { ok: false; error: AppError };

/** The platform operations the session needs (the PlatformClient provides them). */
export interface SessionPlatform {
  login(req: LoginRequest): Promise<PResult<null>>;
  logout(name: string, options: { force: boolean }): Promise<PResult<null>>;
  keepalive(name: string): Promise<PResult<null>>;
  getAgent(name: string): Promise<PResult<Agent>>;
  listAgents(page: PageQuery): Promise<PResult<Page<Agent>>>;
  setState(name: string, state: string): Promise<PResult<null>>;
  setExtension(name: string, id: string): Promise<PResult<null>>;
  editSkills(name: string, opts: SkillOp[]): Promise<PResult<null>>;
  getExtension(id: string): Promise<PResult<ExtensionDto>>;
  listExtensions(page: PageQuery): Promise<PResult<Page<ExtensionDto>>>;
}

export interface SessionOptions {
  clock: Clock;
  logger: Logger;
  /** The platform as configured now (called at each sign-in, so settings changes apply then). */
  platform: () => SessionPlatform;
  baseUrl: () => { url: string; demo: boolean };
  keepaliveMs: () => number;
  holdActions: () => { onSuspend: HoldAction; onLock: HoldAction };
  random?: () => number;
}

/** Platform refusals while healing before the session gives up and says so. */
const MAX_HEAL_REFUSALS = 3;
/** Missed offers kept, newest first. */
export const MAX_MISSED = 50;

type Listener = (snapshot: SessionSnapshot) => void;
type Answer = Result<SessionSnapshot>;

/**
 * How long after a call offer or end the platform may still move the agent on its own (its
 * reserve state; agent-api §4): the read-backs of those seconds are no takeover clue.
 */
const CALL_MOVES_MS = 15_000;
/** At most one early platform check per this long when the SIP line drops (a flapping line). */
const SIP_DROP_CHECK_MS = 5_000;
/**
 * A keepalive answered later than one period and this after the last one (sleep, a stalled
 * process): the login may have lapsed on the platform meanwhile, and another desktop signed in.
 */
const LAPSE_SLACK_MS = 30_000;
/** The backoff of what lock, suspend or the agent's return still owes (as the keepalive's). */
const OWED_RETRY = { baseMs: 1_000, capMs: 30_000 };

/**
 * The backoff between attempts to set again a state and extension the platform lost (it answers
 * the agent with null ones): the first goes at once, later ones at read-backs no sooner than this.
 */
const LOST_RETRY = { baseMs: 5_000, capMs: 300_000 };

type SystemHoldCause = 'suspend' | 'lock';

export class AgentSession {
  private readonly store: SnapshotStore<SessionSnapshot>;
  private readonly loop: KeepaliveLoop;
  private readonly holds = new NamedHolds();
  private client: SessionPlatform | null = null;
  private ticking = false;
  private healRefusals = 0;
  /** A state the agent chose while the platform could not be reached: pushed on recovery. */
  private pendingState: string | null = null;
  /** What `chosenState` was before the pending choice (back to it if that choice is dropped). */
  private chosenBeforePending: string | null = null;
  /** Set when suspend/lock signed the agent out, so resume can sign them back in. */
  private signedOutByHold: { profile: SignInProfile; state: string | null } | null = null;
  /**
   * Suspend or lock came during a call, or the platform did not take it (busy, no reply):
   * applied once the call is over, or sent again on the backoff, unless the agent is back first.
   */
  private owedHold: SystemHoldCause | null = null;
  /** Back at the desk while the platform could not take the return: the hold still to lift. */
  private returnOwed: SystemHoldCause | null = null;
  /** Resumed after "sign out" on suspend/lock while the platform could not take the login. */
  private signInOwed = false;
  /**
   * A sign-out the platform did not answer, or answered busy: it may have been applied, so it is
   * sent again on the backoff in place of keepalives, and a 040202 meanwhile ends the session
   * instead of healing it. `hold`: asked by suspend or lock ("sign out"), which the agent's
   * return cancels. `call`: the call a forced one was confirmed for; only while that call is on
   * the line is it sent again with force (another call is asked about again, never hung up).
   */
  private owedSignOut: OwedSignOut | null = null;
  private get signOutOwed(): OwedSignOut | null {
    return this.owedSignOut;
  }
  /** Also tells the window while one the agent asked for is owed (`signOutPending`). */
  private set signOutOwed(owed: OwedSignOut | null) {
    this.owedSignOut = owed;
    const pending = owed !== null && owed.hold === null;
    if ((this.snap.signOutPending ?? false) !== pending) this.update({ signOutPending: pending });
  }
  /**
   * An owed sign-out is being sent again: its 040203 read-back is no answer to the round, so the
   * round's backoff keeps growing while the platform keeps refusing it.
   */
  private signOutRetrying = false;
  /** The last lock or suspend, until the agent is back: what a sign-in landing meanwhile owes. */
  private awayCause: SystemHoldCause | null = null;
  /**
   * Bumped when the agent shows they are here (a return, a choice of state): a hold owed from
   * before is not wanted any more.
   */
  private cameBack = 0;
  /** Bumped when the agent leaves (lock, suspend) or chooses a state: an owed return is not. */
  private wentAway = 0;
  /** The timer and attempts of the retry of what is owed (a hold, a return, a sign-in). */
  private owedTimer: TimerHandle | null = null;
  private owedAttempts = 0;
  /**
   * A login whose reply never came (it may have been applied): while it lives the platform
   * refuses the next login with the name (040201), which is then this desktop's own.
   */
  private unansweredLogin: { name: string; extension: string; at: number } | null = null;
  /** Bumped when a session ends: an answer to a request sent before belongs to the old one. */
  private generation = 0;
  /** Shut down (quit): nothing is retried any more. */
  private closed = false;
  /**
   * The session must end (another desktop took the agent over, or the name is signed in on
   * another extension) while a call is on the line: it ends once the call is over, since ending
   * it now would hang up on the customer.
   */
  private endAfterCall: (() => void) | null = null;
  /** Extension changes sent and not answered yet: a read-back meanwhile may show any of them. */
  private extensionsInFlight = 0;
  /** Bumped when an extension change is sent or answered: a read begun before it is stale. */
  private extensionEpoch = 0;
  /**
   * Extensions this desktop asked for since a read-back last settled which one the platform has
   * (one with no change on its way, begun after the last one was answered): a change whose reply
   * was lost may have been applied, so the platform showing one of these is this desktop's own
   * doing, not a login elsewhere.
   */
  private readonly askedExtensions = new Set<string>();
  /** Bumped when the platform confirms a skills edit: a read begun before shows the old ones. */
  private skillsEpoch = 0;
  /** Bumped on every state change seen here: a read-back older than the last change is stale. */
  private stateEpoch = 0;
  /** When this desktop last saw a call offered or ended (the platform then moves the agent). */
  private lastCallAt = Number.NEGATIVE_INFINITY;
  /** Calls seen ending: a read-back begun before the last end describes the call, not after. */
  private callsEnded = 0;
  /** When the SIP line's drop last made the session read the agent back early. */
  private lastSipDropCheck = Number.NEGATIVE_INFINITY;
  /** As for the snapshot's listeners: a failing one is logged, and the call still shows. */
  private readonly ringingListeners: Listeners<[CallInfo]>;
  /**
   * State changes (the agent's, holds, reconciling) go to the platform one at a time, in the
   * order asked: the platform applies them in that order, their replies come back in it, so the
   * last request wins in the window, in `chosenState` and in what a heal restores.
   */
  private stateQueue: Promise<unknown> = Promise.resolve();
  /** State changes asked for and not yet answered (their read-backs may be stale). */
  private statesInFlight = 0;
  /** The last state this desktop asked the platform for (it may have applied an unanswered one). */
  private lastAsked: string | null = null;
  /** The agent's skills as they are now (edited during the session): a heal logs in with them. */
  private skills: Skill[] | null = null;
  /**
   * A keepalive found a gap since the last one long enough for the login to lapse (sleep, a
   * network outage): until a read-back has judged the state since, the name may be another
   * desktop's. Only then is a state this desktop did not set a takeover clue; otherwise someone
   * changed it on the platform (agent-api §3: 040201 refuses a second login meanwhile).
   */
  private mayHaveLapsed = false;
  /** When the platform last took a login or keepalive from this desktop. */
  private lastRefreshAt = Number.NEGATIVE_INFINITY;
  /**
   * Attempts to set again what the platform lost (a read-back with no state or no extension, see
   * {@link platformLost}) since a read-back last showed both, and when the next may go.
   */
  private lostRepairs = 0;
  private lostRepairAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: SessionOptions) {
    this.ringingListeners = new Listeners('ringing', (msg) => options.logger.error(msg));
    const base = options.baseUrl();
    this.store = new SnapshotStore(
      initialSnapshot(base.url, base.demo, options.clock.now()),
      options.logger,
      onlyAckTimeMoved,
    );
    this.loop = new KeepaliveLoop({
      clock: options.clock,
      periodMs: options.keepaliveMs,
      random: options.random ?? Math.random,
      round: () => void this.tick(),
    });
  }

  /** The current snapshot (immutable; a new object after every change). */
  snapshot(): SessionSnapshot {
    return this.store.get();
  }

  /** Listens to pushes: one per command, none when nothing changed. */
  onChange(listener: Listener): () => void {
    return this.store.onChange(listener);
  }

  /**
   * Told of each new ringing call just before the snapshot that carries it is pushed: a window
   * can draw the call from this small note before it reads the whole snapshot.
   */
  onRinging(listener: (call: CallInfo) => void): () => void {
    return this.ringingListeners.add(listener);
  }

  private get snap(): SessionSnapshot {
    return this.store.get();
  }

  // ---------------------------------------------------------------- commands

  /** Signs in with a profile, after checking it with the shared rules. */
  signIn(profile: SignInProfile): Promise<Answer> {
    return this.store.batch(() => this.doSignIn(profile));
  }

  /** Signs out; while in a call only with `force` (after the agent confirmed). */
  signOut(force: boolean): Promise<Answer> {
    return this.store.batch(() => this.doSignOut(force));
  }

  dismissQuestion(): Answer {
    this.store.publish({ question: null });
    return { ok: true, value: this.snap };
  }

  /** Empties the missed-calls list (the agent has seen them; History keeps every call). */
  clearMissed(): Answer {
    if (this.snap.missed.length > 0) this.store.publish(this.missed([]));
    return { ok: true, value: this.snap };
  }

  /** Changes the agent's state to idle, busy[/reason] or away[/reason]. */
  setState(state: string): Promise<Answer> {
    return this.store.batch(() => this.doSetState(state));
  }

  editSkills(opts: SkillOp[]): Promise<Answer> {
    return this.store.batch(async () => {
      const guard = this.guardSignedIn();
      if (guard) return guard;
      const result = await this.client!.editSkills(this.snap.profile!.name, opts);
      if (!result.ok) return this.failPlatform(result.error);
      this.skillsEpoch++;
      this.skills = applySkillOps(this.skills ?? [], opts).skills;
      this.markAck();
      // Saved: the editor shows them now, whether or not the read-back below is answered.
      const agent = this.snap.agent;
      if (agent) this.update({ agent: { ...agent, skills: this.skills.map((s) => ({ ...s })) } });
      await this.readBack();
      return this.ok();
    });
  }

  /**
   * Binds another extension. Windows may ask at about the same time: the changes go out as
   * asked, and a read-back settles which one the platform applied last. The SIP line follows
   * once no call is on it (sip-binding.ts).
   */
  setExtension(id: string): Promise<Answer> {
    return this.store.batch(async () => {
      const guard = this.guardSignedIn();
      if (guard) return guard;
      // The SIP line moves to the new extension: a ringing or live call would be cut off.
      if (isInCall(this.snap)) return this.fail(inCallRefusal(), false);
      this.askedExtensions.add(id);
      this.extensionsInFlight++;
      this.extensionEpoch++;
      let result: PResult<null>;
      try {
        result = await this.client!.setExtension(this.snap.profile!.name, id);
      } finally {
        this.extensionsInFlight--;
        this.extensionEpoch++;
      }
      const signedOut = this.guardSignedIn();
      if (signedOut) return signedOut;
      if (!result.ok && isUnanswered(result.error))
        return this.extensionUnanswered(id, result.error);
      if (!result.ok) return this.failPlatform(result.error);
      this.markAck();
      // Changed: shown now (the window reads agent.extension first), whether or not the
      // read-back below is answered.
      this.showExtension(id);
      await this.readBack();
      return this.ok();
    });
  }

  /**
   * The extension change reached the platform, or not: its reply was lost. Which extension the
   * platform has is read back now; until a read-back settles it, the platform showing the one
   * asked for is this desktop's own change (see {@link askedExtensions}). Nothing sends the
   * change again, so the answer does not say the app retries.
   */
  private async extensionUnanswered(id: string, error: AppError): Promise<Answer> {
    this.noteFailure(error);
    const read = await this.readBack();
    const signedOut = this.guardSignedIn();
    if (signedOut) return signedOut;
    const detail = `no reply to the change to extension ${id} (${error.code}: ${error.detail ?? error.message})`;
    if (!read) {
      // The platform cannot be reached now: once it can, a read-back shows which extension it
      // has (the window shows it then); the agent may have to ask again.
      return this.fail(appError('transport', `${detail}; not read back yet`), false);
    }
    if (this.snap.profile!.extension === id) return this.ok(); // it was applied
    if (this.askedExtensions.has(id)) {
      // Another window's change is still on its way: its answer settles which one stays.
      return this.fail(
        appError(PLATFORM_CODES.UNKNOWN, `${detail}; another change pending`),
        false,
      );
    }
    // Read back on the old extension: the change was not applied. The agent may try again.
    return this.fail(appError(PLATFORM_CODES.UNKNOWN, `${detail}; not applied`), false);
  }

  /** The platform confirmed (or a read-back settled) the bound extension: shown at once. */
  private showExtension(id: string): void {
    const agent = this.snap.agent;
    this.update({
      profile: { ...this.snap.profile!, extension: id },
      ...(agent ? { agent: { ...agent, extension: id } } : {}),
    });
  }

  /**
   * Reads the agent back from the platform now. `after` runs once the agent is read back, inside
   * the same push (what it changes goes out with the read-back, not in a push of its own).
   */
  refresh(after?: () => void): Promise<Answer> {
    return this.store.batch(async () => {
      const guard = this.guardSignedIn();
      if (guard) return guard;
      await this.readBack();
      after?.();
      return this.snap.lastError && this.snap.platform.health !== 'ok'
        ? this.fail(this.snap.lastError, false)
        : this.ok();
    });
  }

  async listTeam(page: PageQuery): Promise<PResult<Page<Agent>>> {
    return (this.client ?? this.options.platform()).listAgents(page);
  }

  async listExtensions(page: PageQuery): Promise<PResult<Page<ExtensionDto>>> {
    return (this.client ?? this.options.platform()).listExtensions(page);
  }

  /** The bound extension's full record (SIP credentials): main only, never sent to a window. */
  async boundExtension(): Promise<PResult<ExtensionDto> | null> {
    const id = this.snap.profile?.extension;
    if (!id || !this.client || this.snap.phase === 'signed-out') return null;
    return this.client.getExtension(id);
  }

  /** The window reports the microphone; the tray shows trouble when it is broken. */
  setMicrophone(microphone: LinkHealth): void {
    if (this.snap.microphone !== microphone) this.store.publish({ microphone });
  }

  /** The window reports whether it has an audio output; the tray warns when it has none. */
  setSoundOutput(connected: boolean): void {
    const soundOutput = connected ? 'connected' : 'none';
    if (this.snap.soundOutput !== soundOutput) this.store.publish({ soundOutput });
  }

  /** The SIP line reports here; the snapshot carries its status. */
  setSipStatus(sip: SipStatus): void {
    const dropped = this.snap.sip.state === 'registered' && sip.state === 'backing-off';
    this.store.publish({ sip });
    // A dropped line is often the network: ask the platform now, so its light does not say OK
    // until the next keepalive (up to a period later) when it cannot be reached either.
    if (dropped && this.snap.phase === 'signed-in') {
      const now = this.now();
      if (now - this.lastSipDropCheck >= SIP_DROP_CHECK_MS) {
        this.lastSipDropCheck = now;
        void this.store.batch(async () => {
          await this.readBack();
          // Unreachable too: retry on the backoff's steps, as a failed keepalive does.
          if (this.snap.platform.health !== 'ok' && !this.ticking) this.scheduleRetry();
        });
      }
    }
    const others = sip.newContacts ?? [];
    if (others.length > 0 && this.snap.phase === 'signed-in') {
      const detail = `the registrar lists another device on this extension: ${others.join(', ')}`;
      this.takenOver('register', detail);
    }
  }

  // ---------------------------------------------------------------- calls (calls.ts reports)

  /**
   * Shows the call. `state` is what SIP just told us the platform did (an INVITE means
   * `fetching`, our answer `talking`): shown at once, before a read-back confirms it.
   */
  showCall(call: CallInfo | null, state?: string): void {
    this.lastCallAt = this.now();
    if (this.snap.phase === 'signed-out') {
      if (this.snap.call) this.store.publish({ call: null });
      return;
    }
    if (call?.phase === 'ringing' && call.id !== this.snap.call?.id) {
      this.ringingListeners.emit(call);
    }
    // One snapshot: the window and the tray never see the call without its state.
    const moved = state !== undefined && baseOf(this.snap.state) !== baseOf(state);
    if (moved) this.stateEpoch++;
    // A new call takes the place of the last one's "dropped" notice.
    const patch: Partial<SessionSnapshot> =
      call && this.snap.droppedCall ? { call, droppedCall: null } : { call };
    // The state set on the platform has moved on, and its notice with it.
    if (moved && this.snap.stateSetElsewhere) patch.stateSetElsewhere = null;
    this.store.publish(moved ? { ...patch, state, stateSince: this.now() } : patch);
    this.endIfCallOver();
  }

  /**
   * A call shown before SIP confirmed it that never became one (see CallController): the call
   * goes and the state the agent had comes back, with its time, as if it had never rung.
   */
  withdrawCall(before: { state: string | null; stateSince: number | null }): void {
    if (!this.snap.call) return;
    const moved = before.state !== this.snap.state;
    if (moved) this.stateEpoch++;
    this.store.publish(moved ? { call: null, ...before } : { call: null });
    this.endIfCallOver();
  }

  /** Records a ring that was not answered, newest first. */
  addMissed(offer: MissedOffer): void {
    this.lastCallAt = this.now();
    this.store.publish(this.missed([offer, ...this.snap.missed].slice(0, MAX_MISSED)));
  }

  /**
   * The call ended; an unanswered one joins the missed list, an answered one that dropped is
   * noted, in the same push (the window renders the end once, not twice).
   */
  endCall(missed: MissedOffer | null, dropped: DroppedCall | null = null): void {
    this.showEnd(missed, dropped);
    this.endIfCallOver();
  }

  private showEnd(missed: MissedOffer | null, dropped: DroppedCall | null): void {
    this.lastCallAt = this.now();
    this.callsEnded++;
    if (dropped && this.snap.phase !== 'signed-out') {
      this.store.publish({ call: null, droppedCall: dropped });
      return;
    }
    if (!missed || this.snap.phase === 'signed-out') {
      this.showCall(null);
      if (missed) this.addMissed(missed);
      return;
    }
    this.store.publish({
      call: null,
      ...this.missed([missed, ...this.snap.missed].slice(0, MAX_MISSED)),
    });
  }

  /**
   * Runs `run` (a call's end and the read-back after it) with the session's news held for at
   * most `capMs`: the window and the tray get one push for both, not one each.
   */
  holdPushes(run: () => Promise<void>, capMs: number): Promise<void> {
    return this.store.hold(async () => {
      let timer: TimerHandle | undefined;
      const cap = new Promise<void>((resolve) => {
        timer = this.options.clock.setTimeout(resolve, capMs);
      });
      try {
        await Promise.race([run().catch(() => undefined), cap]);
      } finally {
        if (timer) this.options.clock.clearTimeout(timer);
      }
    });
  }

  /** Notes the state the platform left the agent in after a missed offer. */
  setMissedStateAfter(id: string, stateAfter: string): void {
    if (!this.snap.missed.some((offer) => offer.id === id)) return;
    this.update(this.missed(this.snap.missed.map((o) => (o.id === id ? { ...o, stateAfter } : o))));
  }

  // ---------------------------------------------------------------- named holds (public API)
  //
  // Other parts of the app put the agent in a state on their behalf through these two calls,
  // without touching the session's internals:
  //
  //   await session.holdFor('lock', 'away/system/lock');   // the app holds the agent
  //   await session.releaseHold('lock');                    // puts back what was there before
  //
  // - holdFor refuses during a call (`in-call`) and when signed out (`not-signed-in`).
  // - While held, a heal logs in with the hold's target, not the agent's chosen state.
  // - A second cause while held takes over the target; the state to restore stays the one from
  //   before the first hold. Releasing a cause that is not the current one does nothing.
  // - If the agent (or a supervisor) changes state while held, that choice wins: the release
  //   only forgets the hold. The snapshot's `hold` shows the current cause (banner.hold.<cause>).
  // - A new cause is added to `SystemHold` in src/shared/snapshot.ts with its banner text.

  /**
   * Holds the agent in `target` for `cause` until `releaseHold(cause)`. `restoreTo`: what ending
   * it restores, when not the state shown before it (wrap-up: the agent's choice, not the
   * reserve state the platform set when the call ended).
   */
  holdFor(cause: HoldCause, target: string, restoreTo?: string): Promise<Answer> {
    return this.store.batch(() => this.doHold(cause, target, restoreTo));
  }

  /** Ends the hold for `cause` and restores the state from before it (when still held). */
  releaseHold(cause: HoldCause): Promise<Answer> {
    return this.store.batch(() => this.doRelease(cause));
  }

  // ---------------------------------------------------------------- system events

  /**
   * Suspend or lock: hold an available agent away (or sign out), per settings. During a call
   * the hold waits for the call's end (the platform refuses a state then, and signing out would
   * hang up on the customer), so the agent never comes out of a call routable behind a locked
   * screen. It takes over after-call work (wrap-up, no-answer), which would otherwise end with
   * the agent routable while the screen is still locked; a crash hold stays (it ends only once
   * the window is back).
   */
  hold(reason: SystemHoldCause): Promise<void> {
    // The agent left: a return or a sign-in still owed from an earlier wake is not wanted now.
    this.wentAway++;
    this.awayCause = reason;
    this.owedAttempts = 0;
    this.returnOwed = null;
    this.signInOwed = false;
    return this.store.batch(() => this.holdAway(reason, this.cameBack));
  }

  /**
   * Sends the hold (or the sign-out) that `reason` asks for. One the platform did not take
   * (busy, or no reply: it may have) is owed and sent again on the backoff and at the next
   * read-back, unless the agent came back since `cameBack` (a return, a choice of state).
   */
  private async holdAway(reason: SystemHoldCause, cameBack: number): Promise<void> {
    const action = this.holdAction(reason);
    if (action === 'nothing' || this.snap.phase !== 'signed-in') return;
    if (isCallState(this.snap.state) || (action === 'sign-out' && isInCall(this.snap))) {
      this.owedHold = reason;
      return;
    }
    if (action === 'sign-out') {
      await this.doSignOut(false, reason);
      return;
    }
    const current = this.holds.current()?.cause;
    if (current && current !== reason && !endsByItself(current)) return;
    const result = await this.doHold(reason, SYSTEM_HOLD_STATES[reason]);
    if (result.ok) return;
    // The platform put the agent in a call meanwhile.
    if (result.error.code === 'in-call') this.owedHold = reason;
    else if (isTransient(result.error) && cameBack === this.cameBack && this.signedIn()) {
      this.owedHold = reason;
      this.retryOwedLater();
    }
  }

  private signedIn(): boolean {
    return this.snap.phase === 'signed-in';
  }

  /**
   * Sends again, after the backoff's next step, what lock, suspend or the agent's return still
   * owes. Never more often than the backoff allows, nor later than one keepalive period.
   */
  private retryOwedLater(): void {
    if (this.closed) return;
    this.cancelOwedRetry();
    const random = this.options.random ?? Math.random;
    const delay = Math.min(
      backoffDelay(this.owedAttempts++, OWED_RETRY, random),
      this.options.keepaliveMs(),
    );
    this.owedTimer = this.options.clock.setTimeout(() => {
      this.owedTimer = null;
      this.store.batch(() => this.applyOwed()).catch(this.logOwedFailure);
    }, delay);
  }

  private readonly logOwedFailure = (error: unknown): void =>
    this.options.logger.error('session: an owed retry failed', { error: String(error) });

  private cancelOwedRetry(): void {
    if (this.owedTimer) this.options.clock.clearTimeout(this.owedTimer);
    this.owedTimer = null;
  }

  /** What lock, suspend or the agent's return still owes, sent now. */
  private async applyOwed(): Promise<void> {
    if (this.closed) return;
    if (this.signInOwed) {
      if (this.snap.phase === 'signed-out') await this.signInAgain();
      return;
    }
    // Restoring: the heal logs in with the hold, or with what its release restores.
    if (this.snap.phase !== 'signed-in') return;
    const back = this.returnOwed;
    if (back) return this.comeBack(back);
    const away = this.owedHold;
    if (!away) return;
    this.owedHold = null;
    await this.holdAway(away, this.cameBack);
  }

  /**
   * The agent is back: lifts the suspend or lock hold. One the platform did not take (busy, no
   * reply, no network yet) is owed, sent again on the backoff and at the next read-back, unless
   * the agent leaves or chooses a state meanwhile.
   */
  private async comeBack(cause: SystemHoldCause): Promise<void> {
    this.returnOwed = null;
    const wentAway = this.wentAway;
    const result = await this.doRelease(cause);
    if (result.ok || !isTransient(result.error) || wentAway !== this.wentAway) return;
    if (!this.signedIn()) return;
    if (this.holds.current()?.cause !== cause) return;
    this.returnOwed = cause;
    this.retryOwedLater();
  }

  /**
   * Resumed after "sign out" on suspend or lock: signs back in with the agent's choice. A login
   * the platform could not take is owed (sent again on the backoff and when the network is back).
   */
  private async signInAgain(): Promise<void> {
    const back = this.signedOutByHold;
    if (!back) return;
    this.signInOwed = false;
    const wentAway = this.wentAway;
    const result = await this.doSignIn(
      { ...back.profile, initialState: back.state ?? back.profile.initialState ?? 'online' },
      true,
    );
    const away = wentAway !== this.wentAway ? this.awayCause : null;
    // Locked or suspended again while the login was on its way (holdAway waits for no login):
    // what that asks for goes now, so the agent is not left routable behind the locked screen.
    if (result.ok && away) return this.holdAway(away, this.cameBack);
    if (result.ok || !isTransient(result.error) || wentAway !== this.wentAway) return;
    if (!this.signedOutByHold || this.snap.phase !== 'signed-out') return;
    this.signInOwed = true;
    this.retryOwedLater();
  }

  /** What settings say suspend or lock does now. */
  private holdAction(reason: 'suspend' | 'lock'): HoldAction {
    const actions = this.options.holdActions();
    return reason === 'suspend' ? actions.onSuspend : actions.onLock;
  }

  /**
   * Resume, unlock, network return: keepalive and read back at once. `present` (the agent is
   * back at the desk: unlocked, or resumed with no locked screen) also lifts a system hold and
   * what a lock or suspend during a call owed; a network return alone lifts nothing, since the
   * screen may still be locked with nobody there.
   */
  wake(present: boolean): Promise<void> {
    if (present) {
      this.cameBack++;
      this.awayCause = null;
      this.owedAttempts = 0;
      this.owedHold = null;
      this.returnOwed = null;
      // Back before the sign-out that lock or suspend asked for went through: not wanted now.
      if (this.signOutOwed?.hold) {
        this.signOutOwed = null;
        this.signedOutByHold = null;
      }
    }
    return this.store.batch(async () => {
      const signIn = present || this.signInOwed;
      if (signIn && this.signedOutByHold && this.snap.phase === 'signed-out') {
        return this.signInAgain();
      }
      if (this.snap.phase === 'signed-out') return;
      this.loop.succeeded();
      await this.doTick();
      const cause = this.holds.current()?.cause;
      if (present && isSystemHold(cause)) await this.comeBack(cause);
    });
  }

  /** The OS says the network is gone: say so at once rather than at the next keepalive. */
  networkLost(): void {
    if (this.snap.phase === 'signed-out') return;
    const error = appError('transport', 'the system reports no network');
    this.store.publish({
      platform: { ...this.snap.platform, health: 'unreachable', lastError: error },
    });
  }

  /** Signs out (bounded) and stops all timers: used on quit. */
  async shutdown(timeoutMs: number): Promise<void> {
    this.closed = true;
    this.cancelOwedRetry();
    const signOut = this.snap.phase === 'signed-out' ? Promise.resolve() : this.signOut(true);
    let timer: TimerHandle | null = null;
    await Promise.race([
      signOut.catch(() => undefined),
      new Promise<void>((resolve) => (timer = this.options.clock.setTimeout(resolve, timeoutMs))),
    ]);
    if (timer) this.options.clock.clearTimeout(timer);
    this.loop.stop();
  }

  // ---------------------------------------------------------------- command bodies

  /**
   * `resuming`: signing back in after "sign out" on suspend or lock; what to sign in with is
   * kept until the platform has answered the login (a retry needs it).
   */
  private async doSignIn(profile: SignInProfile, resuming = false): Promise<Answer> {
    if (this.snap.phase !== 'signed-out') return this.fail(appError('already-signed-in'));
    const invalid = checkProfile(profile);
    if (invalid) return this.fail(invalid, false);
    const base = this.options.baseUrl();
    const client = this.options.platform();
    this.client = client;
    if (!resuming) this.signedOutByHold = null;
    this.signInOwed = false;
    this.skills = null;
    this.lastAsked = null;
    this.askedExtensions.clear();
    this.update({
      phase: 'signing-in',
      profile,
      question: null,
      takeover: null,
      stateSetElsewhere: null,
      pendingState: null,
      lastError: null,
      platform: { ...this.snap.platform, baseUrl: base.url, demo: base.demo },
    });
    const asked = profile.initialState || 'online';
    const sent = await client.login(loginRequest(profile, asked));
    if (this.phaseNow() !== 'signing-in') {
      // Signed out (quit) while the login was on its way: it must not stay on the platform.
      if (sent.ok || isUnanswered(sent.error)) await this.undoLogin(client, profile.name);
      return this.fail(appError('not-signed-in'), false);
    }
    const login = await this.settleLogin(profile, asked, sent);
    if (!login.ok) {
      if (!isTransient(login.error)) this.signedOutByHold = null;
      this.noteFailure(login.error);
      this.update({ phase: 'signed-out' });
      return this.fail(login.error);
    }
    const state = login.value;
    this.signedOutByHold = null;
    this.healRefusals = 0;
    this.pendingState = null;
    this.mayHaveLapsed = false;
    this.lastRefreshAt = this.now();
    this.skills = (profile.skills ?? []).map((s) => ({
      name: s.name,
      score: s.score ?? 0,
      enabled: s.enabled ?? true,
    }));
    this.holds.clear();
    this.markAck();
    this.update({
      phase: 'signed-in',
      state,
      stateSince: this.now(),
      chosenState: asked === 'online' ? null : asked,
      hold: null,
      lastError: null,
    });
    await this.readBack();
    if (this.phaseNow() === 'signed-in') this.loop.start();
    return this.ok();
  }

  /**
   * What a login's answer means. One whose reply never came may have been applied: while that
   * login lives, the platform refuses the next one with the name (040201). The name on this
   * desktop's extension then is that login: carried on with, in the state asked for now. The name
   * on another extension is someone else's. Gives the state the agent is in on the platform.
   */
  private async settleLogin(
    profile: SignInProfile,
    state: string,
    login: PResult<null>,
  ): Promise<PResult<string>> {
    // Trusted no longer than the login can live unrefreshed: after that the name may be taken.
    const noted = this.unansweredLogin;
    const mine = noted && this.now() - noted.at <= this.lapseBound() ? noted : null;
    const same = mine?.name === profile.name && mine.extension === profile.extension;
    if (!login.ok && isUnanswered(login.error)) {
      this.unansweredLogin = { name: profile.name, extension: profile.extension, at: this.now() };
      return login;
    }
    this.unansweredLogin = null;
    if (login.ok) return { ok: true, value: state };
    if (login.error.code !== PLATFORM_CODES.AGENT_LOGGED_IN || !same) return login;
    const read = await this.client!.getAgent(profile.name);
    if (!read.ok) {
      // Not known yet: the next try asks again.
      this.unansweredLogin = mine;
      return read;
    }
    if (read.value.extension !== profile.extension) return login;
    let now = read.value.state ?? state;
    // `online` cannot be set through the API: the state the lost login set stays.
    if (state !== 'online' && now !== state && !isCallState(now)) {
      const set = await this.sendState(state);
      if (!set.ok) {
        this.unansweredLogin = mine;
        return set;
      }
      now = state;
    }
    this.options.logger.info('session: the login whose reply was lost was applied; carried on');
    return { ok: true, value: now };
  }

  /**
   * A heal's login that landed (or may have) after its session ended. Signed out, or another name
   * signing in here since: it must not stay on the platform (the old name routable on this desk's
   * extension, and refused 040201 at its next sign-in), so it is logged out. The same name signing
   * in again on the same extension: its login is refused 040201 while this one lives, and this
   * one is its own (carried on with, see {@link settleLogin}).
   */
  private async lateHealLogin(client: SessionPlatform, profile: SignInProfile): Promise<void> {
    const now = this.snap;
    const same = now.phase !== 'signed-out' && now.profile?.name === profile.name;
    if (!same) return this.undoLogin(client, profile.name);
    if (now.phase !== 'signing-in') return; // signed in already: the platform took that login
    if (now.profile!.extension !== profile.extension) return this.undoLogin(client, profile.name);
    this.unansweredLogin = { name: profile.name, extension: profile.extension, at: this.now() };
  }

  /** Logs out a login that landed after the session was signed out (best effort, not retried). */
  private async undoLogin(client: SessionPlatform, name: string): Promise<void> {
    this.options.logger.warn('session: a login landed after the sign-out; logging it out');
    const result = await client.logout(name, { force: false });
    if (!result.ok && result.error.code !== PLATFORM_CODES.AGENT_NOT_FOUND) {
      this.options.logger.warn('session: could not log out the late login', {
        code: result.error.code,
      });
    }
  }

  /**
   * `hold`: asked by suspend or lock ("sign out"), not by the agent. In turn with state changes:
   * the platform's agent lock never waits, and a logout that finds a state change holding it is
   * refused 040203 as if the agent were in a call.
   */
  private doSignOut(force: boolean, hold: SystemHoldCause | null = null): Promise<Answer> {
    return this.serially(() => this.signOutNow(force, hold));
  }

  private async signOutNow(force: boolean, hold: SystemHoldCause | null): Promise<Answer> {
    const name = this.snap.profile?.name;
    if (this.snap.phase === 'signed-out' || !name || !this.client) {
      this.signedOutByHold = null;
      return this.ok();
    }
    this.signOutOwed = null;
    // A call dialled straight to the extension is a call too, though the platform shows idle.
    // A stale call state (no call on the line, not read back since) asks nothing here: the
    // platform refuses (040203) if the agent is still in a call there, and the question follows.
    if (!force && isInCall(this.snap)) {
      this.update({ question: { kind: 'force-sign-out' } });
      return this.fail(inCallRefusal(), false);
    }
    // Taken over during the call: step back now, without the logout that would sign the other
    // desktop out.
    if (this.endAfterCall) {
      this.endAfterCall();
      return this.ok();
    }
    // What resuming signs back in with: the agent's choice as the logout leaves (a state change
    // asked just before it has been answered by now).
    const back = hold ? { profile: this.snap.profile!, state: this.snap.chosenState } : null;
    const call = force ? (this.snap.call?.id ?? null) : null;
    const cameBack = this.cameBack;
    const result = await this.client.logout(name, { force });
    // Lock or suspend asked it, and the agent is back since: a sign-out not wanted any more.
    const unwanted = back !== null && cameBack !== this.cameBack;
    let error = result.ok ? null : result.error;
    if (error?.code === PLATFORM_CODES.AGENT_BUSY) {
      // 040203 also answers a logout that found the agent's lock held by another request (the
      // platform never waits for it): a call only when one is on the line or read back now.
      if (!force && (await this.callAfterRefusal())) {
        if (this.phaseNow() === 'signed-out') return this.ok();
        this.update({ question: { kind: 'force-sign-out' } });
        return this.fail(asInCallRefusal(error));
      }
      error = appError(
        PLATFORM_CODES.BUSY_LOCKED,
        `logout refused 040203 with no call: ${error.message}`,
      );
    }
    // 040202: the platform has already forgotten the agent, which is what signing out wants.
    if (error && error.code !== PLATFORM_CODES.AGENT_NOT_FOUND) {
      if (isTransient(error) && this.phaseNow() !== 'signed-out' && !unwanted) {
        // No reply (it may have been applied), or busy: sent again on the backoff in place of
        // keepalives, and a 040202 meanwhile ends the session rather than healing it.
        this.signOutOwed = { force, hold, call };
        // Also when only owed: resuming signs back in once the sign-out has gone through.
        if (back) this.signedOutByHold = back;
        this.noteFailure(error);
        if (!this.ticking) this.scheduleRetry();
      }
      return this.fail(error);
    }
    this.endSession();
    if (back) this.signedOutByHold = back;
    // The agent came back while it was on its way: signed straight back in with their choice.
    if (unwanted) void this.store.batch(() => this.signInAgain()).catch(this.logOwedFailure);
    return this.ok();
  }

  /**
   * After a logout refused 040203: whether the agent is in a call, on the line or on the platform
   * as read back now (which also shows the window the call). Unread, a call state shown is one.
   */
  private async callAfterRefusal(): Promise<boolean> {
    if (isInCall(this.snap)) return true;
    const read = await this.readBack();
    return isInCall(this.snap) || (!read && isCallState(this.snap.state));
  }

  private async doSetState(state: string): Promise<Answer> {
    const problem = checkAgentState(state);
    if (problem)
      return this.fail(appError('invalid-input', state, describeStateProblem(problem)), false);
    return this.serially(async () => {
      const guard = this.guardSignedIn();
      if (guard) return guard;
      // A stale call state (the call ended while the platform could not be read) is no refusal:
      // the platform says 040203 itself if the agent is still in a call there.
      if (isInCall(this.snap)) return this.fail(inCallRefusal(), false);
      // The agent's own choice: a hold, a return or a sign-out still owed is not sent over it.
      this.cameBack++;
      this.wentAway++;
      this.owedHold = null;
      this.returnOwed = null;
      this.signOutOwed = null;
      const stale = isStaleCallState(this.snap);
      const answer = await this.sendState(state);
      // 040203 from the platform is the same refusal as a call the desktop already knows.
      const result = answer.ok
        ? answer
        : { ok: false as const, error: asInCallRefusal(answer.error) };
      if (!result.ok) {
        // A lapsed gateway token too: the prompt promises the choice is kept, and signing in
        // again sends it (the platform meanwhile still routes calls by the old state).
        if (isTransient(result.error) || result.error.code === 'gateway-signed-out') {
          // Nothing the agent chose is lost: it is retried soon, and said so (pendingState).
          if (this.pendingState === null) this.chosenBeforePending = this.snap.chosenState;
          this.pendingState = state;
          this.update({ chosenState: state, pendingState: state });
          this.noteFailure(result.error);
          if (this.snap.phase === 'signed-in' && !this.ticking) this.scheduleRetry();
          return this.fail(result.error);
        }
        // The newest choice was answered (refused): an older one still pending is not sent
        // later behind the agent's back.
        if (this.pendingState !== null) {
          this.pendingState = null;
          this.update({ pendingState: null, chosenState: this.chosenBeforePending });
        }
        this.noteFailure(result.error);
        if (isSessionLost(result.error)) void this.tick();
        // The platform still has the agent in a call: read it back, so the choices lock again.
        else if (stale && result.error.code === 'in-call') await this.readBack();
        return this.fail(result.error);
      }
      this.markAck();
      this.pendingState = null;
      this.applyState(state, true);
      return this.ok();
    });
  }

  /** Runs a state change after every earlier one has been answered. */
  private serially<T>(run: () => Promise<T>): Promise<T> {
    const next = this.stateQueue.then(run, run);
    this.stateQueue = next.catch(() => undefined);
    return next;
  }

  /** Sends one state change; read-backs sent meanwhile are stale for the state. */
  private async sendState(state: string): Promise<PResult<null>> {
    this.statesInFlight++;
    this.stateEpoch++;
    this.lastAsked = state;
    try {
      return await this.client!.setState(this.snap.profile!.name, state);
    } finally {
      this.statesInFlight--;
      this.stateEpoch++;
    }
  }

  private doHold(cause: HoldCause, target: string, restoreTo?: string): Promise<Answer> {
    return this.serially(() => this.holdNow(cause, target, restoreTo));
  }

  private async holdNow(cause: HoldCause, target: string, restoreTo?: string): Promise<Answer> {
    const guard = this.guardSignedIn();
    if (guard) return guard;
    if (this.snap.phase === 'restoring') return this.holdForHeal(cause, target, restoreTo);
    if (isCallState(this.snap.state)) return this.fail(inCallRefusal(), false);
    if (this.holds.current()?.cause === cause && this.snap.state === target) return this.ok();
    // Behind a locked screen, a sleeping machine or a dead window the agent is held already:
    // after-call work adds nothing, and must not replace what unlocking or the window restores.
    if (endsByItself(cause) && outranksSelfEnding(this.holds.current()?.cause)) return this.ok();
    const previous = this.snap.state;
    const result = await this.sendState(target);
    if (!result.ok) {
      this.noteFailure(result.error);
      // Lock or suspend the platform did not take (busy, or no reply: it may have): recorded all
      // the same, so the agent's return restores what was there before, whatever the platform
      // did; hold() sends it again.
      if (isSystemHold(cause) && isTransient(result.error)) {
        this.beginHold(cause, target, restoreTo ?? previous);
      }
      return this.fail(result.error, false);
    }
    this.markAck();
    this.applyState(target, false);
    this.beginHold(cause, target, restoreTo ?? previous);
    return this.ok();
  }

  /**
   * A hold asked for while the session is being restored (wrap-up after a call that ended
   * meanwhile, a crashed window): the platform has no login to set it on, so it is recorded and
   * the heal logs in with it (restoreTarget), rather than with a routable choice.
   */
  private holdForHeal(cause: HoldCause, target: string, restoreTo?: string): Answer {
    if (endsByItself(cause) && outranksSelfEnding(this.holds.current()?.cause)) return this.ok();
    const chosen = this.holds.restoreTarget(this.snap.chosenState);
    this.beginHold(cause, target, restoreTo ?? chosen);
    // Shown as what the heal will log in with (the platform's last word is stale meanwhile).
    this.applyState(target, false);
    return this.ok();
  }

  private doRelease(cause: HoldCause): Promise<Answer> {
    return this.serially(() => this.releaseNow(cause));
  }

  private async releaseNow(cause: HoldCause): Promise<Answer> {
    if (this.snap.phase === 'restoring' && this.holds.current()?.cause === cause) {
      // Still being restored: the heal logs in with what the hold would have restored.
      this.holds.clear();
      this.update({ hold: null });
      return this.ok();
    }
    if (this.snap.phase !== 'signed-in' || !this.client || !this.snap.profile) return this.ok();
    const plan = this.holds.planRelease(cause, this.snap.state);
    if (plan.kind === 'not-held') return this.ok();
    if (plan.kind === 'restore') {
      // As after a heal: released by the first read-back after the call.
      const waits = this.waitsForCall(plan.state);
      const state = waits ? SYSTEM_HOLD_STATES['in-call'] : plan.state;
      const result = await this.sendState(state);
      if (!result.ok) {
        this.noteFailure(result.error);
        return this.fail(result.error, false);
      }
      this.applyState(state, false);
      if (waits) {
        this.beginHold('in-call', state, null);
        return this.ok();
      }
    }
    this.holds.clear();
    this.update({ hold: null });
    return this.ok();
  }

  // ---------------------------------------------------------------- keepalive and healing

  /** One keepalive round as its own batch: the window hears about it once. */
  private tick(): Promise<void> {
    return this.store.batch(() => this.doTick());
  }

  /** One keepalive round: keepalive, read back, heal or back off as the answer says. */
  private async doTick(): Promise<void> {
    if (this.ticking || this.snap.phase === 'signed-out' || !this.client || !this.snap.profile)
      return;
    this.ticking = true;
    try {
      if (this.signOutOwed && !(await this.signOutAgain())) return;
      if (this.snap.phase === 'restoring') return await this.heal();
      const result = await this.client.keepalive(this.snap.profile.name);
      if (this.snap.phase !== 'signed-in') return;
      if (result.ok) {
        const wasDown = this.snap.platform.health !== 'ok';
        this.refreshed();
        this.update({ lastKeepaliveAckAt: this.now() });
        // A choice made offline is weighed against the agent as read back now; when that read
        // fails, the state shown is the platform's old word: keep the choice for the retry. The
        // round counts as answered (the backoff starts over) only once the read has succeeded,
        // so a read path that keeps failing is retried ever more slowly, as any failure is.
        if (!(await this.readBack())) {
          if (this.snap.phase === 'signed-in') this.scheduleRetry();
          return;
        }
        if (wasDown || this.pendingState) await this.reconcile();
        if (this.snap.phase !== 'signed-in') return;
        // A sign-out asked while this round was on its way failed: sent again within seconds.
        if (this.signOutOwed) this.scheduleRetry();
        else this.loop.next();
      } else if (isSessionLost(result.error)) {
        this.update({ phase: 'restoring', lastError: result.error });
        // Say so now: signing in again may take as long as the platform takes to answer.
        this.store.flush();
        await this.heal();
      } else {
        this.noteFailure(result.error, true);
        this.scheduleRetry();
      }
    } finally {
      this.ticking = false;
    }
  }

  /**
   * A round's first step while a sign-out is owed: sent again in place of the keepalive (a 040202
   * ends the session: the lost one was applied). True when the round goes on as usual: the
   * platform refused it for good (shown once), or a call came meanwhile.
   */
  private async signOutAgain(): Promise<boolean> {
    const owed = this.signOutOwed!;
    // Lock or suspend: during a call the sign-out waits for its end, as when asked in one.
    if (owed.hold && isInCall(this.snap)) {
      this.signOutOwed = null;
      this.owedHold = owed.hold;
      return true;
    }
    // Forced only over the call the agent confirmed it for: over another call (or none) it is
    // sent plain, and a call on the line is asked about again.
    const force = owed.force && owed.call !== null && this.snap.call?.id === owed.call;
    this.signOutRetrying = true;
    try {
      await this.doSignOut(force, owed.hold);
    } finally {
      this.signOutRetrying = false;
    }
    if (this.snap.phase === 'signed-out') return false;
    if (!this.signOutOwed) return true;
    this.scheduleRetry();
    return false;
  }

  private scheduleRetry(): void {
    if (this.closed) return;
    const at = this.loop.retry();
    this.update({ platform: { ...this.snap.platform, nextRetryAt: at } });
  }

  /**
   * Suspend or lock owed since a call (the platform refused a state then) that a heal can apply
   * at once: the new login is in no call on the platform's side, so logging in with the agent's
   * choice would make them routable behind the locked screen while they still talk. Not over a
   * hold it does not outrank (crash), nor "sign out" (that waits for the call's end).
   */
  private owedForHeal(): 'suspend' | 'lock' | null {
    const owed = this.owedHold;
    if (!owed || this.holdAction(owed) !== 'away') return null;
    const current = this.holds.current()?.cause;
    return current && !endsByItself(current) ? null : owed;
  }

  /**
   * Signs in again with the same profile and restores the agent's last chosen state. During a
   * call a routable choice waits for the call's end behind the in-call hold: the new login is in
   * no call on the platform's side, and an idle one would be offered a second call.
   */
  private async heal(): Promise<void> {
    if (!this.client || !this.snap.profile) return;
    const owed = this.owedForHeal();
    const restore = this.holds.restoreTarget(this.snap.chosenState);
    const cause = owed ?? (this.waitsForCall(restore) ? 'in-call' : null);
    const target = cause ? SYSTEM_HOLD_STATES[cause] : restore;
    // The skills as they are now, not as they were at sign-in: edits made since are kept.
    const profile = this.skills ? { ...this.snap.profile, skills: this.skills } : this.snap.profile;
    const client = this.client;
    const generation = this.generation;
    const sent = await client.login(loginRequest(profile, target));
    if (this.snap.phase !== 'restoring' || generation !== this.generation) {
      const late = sent.ok || isUnanswered(sent.error);
      if (late && generation !== this.generation) await this.lateHealLogin(client, profile);
      return;
    }
    const result = await this.settleLogin(profile, target, sent);
    if (this.snap.phase !== 'restoring') return;
    if (result.ok) {
      this.healRefusals = 0;
      this.pendingState = null;
      // The platform took this login: nobody else holds the name now.
      this.lastRefreshAt = this.now();
      this.mayHaveLapsed = false;
      this.markAck();
      // Woken (unlocked) while the login was on its way: the hold goes again at once.
      const woken = owed !== null && this.owedHold !== owed;
      // Held while the login was on its way (wrap-up after a call that ended meanwhile): that
      // hold is set right after the login, in place of the heal's own. An owed lock or suspend
      // outranks it (it takes the hold over below, keeping what to restore).
      const recorded = this.holds.current();
      const late = !owed && recorded && recorded.target !== target ? recorded : null;
      if (owed) this.owedHold = null;
      if (cause && !late) {
        // Logged in held: what releasing the hold restores is what the heal would have set.
        const chosen = this.holds.restoreTarget(this.snap.chosenState);
        this.beginHold(cause, target, chosen);
      }
      this.applyState(result.value, false);
      this.update({ phase: 'signed-in', lastError: null, pendingState: null });
      await this.readBack();
      if (this.phaseNow() !== 'signed-in') return;
      this.loop.start();
      if (late) await this.doHold(late.cause, late.target);
      if (woken) await this.doRelease(owed);
      return;
    }
    this.noteFailure(result.error, true);
    // Someone else holds the name now (healing would fight them), or the platform keeps refusing:
    // say so and stop. Not while a call is on the line: signing out would hang up on the
    // customer, so the heal is retried until the call is over.
    const giveUp =
      result.error.code === PLATFORM_CODES.AGENT_LOGGED_IN ||
      (!isTransient(result.error) && ++this.healRefusals >= MAX_HEAL_REFUSALS);
    if (giveUp && this.snap.call === null) return this.endSession(result.error);
    this.scheduleRetry();
  }

  /** After a reconnect: push a state chosen while offline, if the platform still allows it. */
  private reconcile(): Promise<void> {
    return this.serially(async () => {
      const wanted = this.pendingState;
      if (!wanted || !this.client || !this.snap.profile || this.snap.phase !== 'signed-in') return;
      if (isCallState(this.snap.state) || this.snap.state === wanted) {
        this.pendingState = null;
        this.update({ pendingState: null });
        return;
      }
      const result = await this.sendState(wanted);
      if (wanted !== this.pendingState) return; // the agent chose again meanwhile
      if (result.ok) {
        this.pendingState = null;
        this.update({ pendingState: null });
        this.applyState(wanted, true);
      } else if (!isTransient(result.error)) {
        this.pendingState = null;
        this.update({ pendingState: null });
        this.noteFailure(result.error);
      }
    });
  }

  /**
   * Reads the agent back: the only way to learn platform-driven states (fetching, talking…).
   * False when the platform did not answer with the agent.
   */
  private async readBack(): Promise<boolean> {
    if (!this.client || !this.snap.profile) return false;
    const epoch = this.stateEpoch;
    const ended = this.callsEnded;
    const generation = this.generation;
    const begun = { extension: this.extensionEpoch, skills: this.skillsEpoch };
    const result = await this.client.getAgent(this.snap.profile.name);
    // Signed out while it was on its way: the answer describes a session that is over.
    if (generation !== this.generation || this.snap.phase === 'signed-out') return false;
    if (!result.ok) {
      if (!isSessionLost(result.error)) this.noteFailure(result.error, true);
      return false;
    }
    if (!this.snap.profile) return false;
    this.readAgent(result.value, epoch, ended !== this.callsEnded, begun);
    return true;
  }

  /**
   * What a read-back of `agent` tells: a takeover, the agent's state, what is owed after a call.
   * `askedInCall`: the read began before the last call ended, so it cannot say the call is over.
   */
  private readAgent(
    read: Agent,
    epoch: number,
    askedInCall: boolean,
    begun: { extension: number; skills: number },
  ): void {
    this.markAck();
    const ours = this.snap.profile!.extension;
    // Only a read begun after the last extension change was answered, with none on its way,
    // says which extension the platform has; an earlier one may show any of them.
    const settles = begun.extension === this.extensionEpoch && this.extensionsInFlight === 0;
    const ownChange = read.extension !== null && this.askedExtensions.has(read.extension);
    if (read.extension && read.extension !== ours && settles && !ownChange) {
      // The platform knows agents by name only: a login elsewhere took the name (after ours
      // expired) and bound another extension. Keeping this session alive would fight it.
      const detail = `the platform shows ${read.name} on extension ${read.extension}, not ${ours}`;
      const error = appError(PLATFORM_CODES.AGENT_LOGGED_IN, detail);
      // During a call the window warns now; afterwards the sign-in form says why.
      if (this.snap.call !== null && !this.snap.takeover) {
        this.update({ takeover: { clue: 'state', detail, since: this.now() } });
      }
      return this.endWhenNoCall(() => {
        this.endSession(error);
        this.update({ takeover: null });
      }, detail);
    }
    if (settles) {
      this.askedExtensions.clear();
      // A change whose reply was lost (or came back out of order): the platform applied it.
      if (read.extension && read.extension !== ours) {
        this.options.logger.info('session: the platform has the extension asked for', {
          extension: read.extension,
        });
        this.showExtension(read.extension);
      }
    }
    // Until settled, the extension shown is the one this desktop last had confirmed; skills
    // read before an edit was confirmed are older than the edit.
    const freshSkills = begun.skills === this.skillsEpoch;
    if (freshSkills) this.skills = read.skills.map((skill) => ({ ...skill }));
    const agent: Agent = {
      ...read,
      ...(read.extension ? { extension: this.snap.profile!.extension } : {}),
      ...(freshSkills || !this.skills ? {} : { skills: this.skills.map((s) => ({ ...s })) }),
    };
    if (epoch !== this.stateEpoch || this.statesInFlight > 0) {
      // The state changed while this read was in flight (our own change, or a call arriving):
      // what it says about the state is older than what the snapshot shows.
      this.update({ agent: { ...agent, state: this.snap.state } });
      return;
    }
    const lost = this.lostOnPlatform(read, settles);
    if (lost) return this.platformLost(agent, lost);
    this.lostRepairs = 0;
    this.lostRepairAt = Number.NEGATIVE_INFINITY;
    const seen = this.snap.state;
    // What this desktop may have put on the platform: its last request, and a choice made while
    // the platform could not be reached (it may have taken it unanswered).
    const asked = [this.lastAsked, this.pendingState];
    // Around a call the platform moves the agent itself (into the call's reserve state), also
    // for an offer this desktop refused before it rang (no media): no takeover clue then.
    const afterCall = this.now() - this.lastCallAt < CALL_MOVES_MS;
    let elsewhere = false;
    if (this.snap.phase === 'signed-in' && !afterCall) {
      const lapsed = this.mayHaveLapsed || this.sinceRefresh() > this.lapseBound();
      this.mayHaveLapsed = false;
      if (isMovedElsewhere(seen, agent.state, asked)) {
        const detail = `the platform shows ${agent.state}, this desktop set ${seen}`;
        if (lapsed) return this.takenOver('state', detail);
        elsewhere = true;
      }
    }
    this.update({ agent });
    if (elsewhere) this.setElsewhere(agent.state!, seen);
    else if (agent.state && agent.state !== this.snap.state) this.applyState(agent.state, false);
    // The question "force sign-out during a call?" is moot once the call is over.
    if (this.snap.question?.kind === 'force-sign-out' && !isInCall(this.snap)) {
      this.update({ question: null });
    }
    if (this.snap.phase === 'signed-in' && this.snap.call?.phase === 'talking') {
      this.holdForUnroutedCall(agent.state);
    }
    if (this.snap.phase !== 'signed-in') return;
    // Back at the desk while the platform could not take the return: it answers again now.
    const back = this.returnOwed;
    if (back) {
      this.returnOwed = null;
      void this.store.batch(() => this.comeBack(back));
      return;
    }
    if (isInCall(this.snap)) return;
    // Locked or suspended during the call, or while the platform could not take the hold: the
    // hold it asked for, now that the call is over and the platform answers.
    const owed = this.owedHold;
    if (owed) {
      this.owedHold = null;
      void this.store.batch(() => this.holdAway(owed, this.cameBack));
    } else if (this.holds.current()?.cause === 'in-call' && !askedInCall) {
      // Signed in again during the call, which is over now: the agent's choice comes back. Not
      // on the word of a read begun during the call: wrap-up's hold may be a moment away, and
      // an idle agent is offered the next queued call at once (a later read-back lets go).
      void this.releaseHold('in-call');
    }
  }

  /**
   * What a read-back shows the platform lost: the real platform keeps an agent's state and
   * extension in Redis, and after a Redis restart or eviction answers the agent row with null
   * ones while keepalives still pass. Such an agent is offered no calls. Not during a call (the
   * call's end settles it), nor while an extension change is on its way; a state the agent never
   * chose (`online`) is no loss.
   */
  private lostOnPlatform(
    read: Agent,
    settles: boolean,
  ): { state: string | null; extension: boolean } | null {
    if (this.snap.phase !== 'signed-in' || this.snap.call !== null) return null;
    const target = this.holds.restoreTarget(this.pendingState ?? this.snap.chosenState);
    const state = read.state === null && target !== 'online' ? target : null;
    const extension = read.extension === null && settles;
    return state || extension ? { state, extension } : null;
  }

  /**
   * The platform lost the agent's state or extension: not shown Ready (`online` for a lost
   * state), a platform fault is shown, and both are set again at once, then on a backoff at
   * later read-backs while it keeps answering null.
   */
  private platformLost(agent: Agent, lost: { state: string | null; extension: boolean }): void {
    const what = [lost.state ? 'state' : '', lost.extension ? 'extension' : '']
      .filter(Boolean)
      .join(' and ');
    const error = appError(PLATFORM_CODES.UNKNOWN, `the platform shows the agent with no ${what}`);
    this.update({
      agent,
      platform: { ...this.snap.platform, health: 'faulty', lastError: error },
      lastError: error,
    });
    this.applyState(agent.state ?? 'online', false);
    if (this.now() < this.lostRepairAt) return;
    const random = this.options.random ?? Math.random;
    this.lostRepairAt = this.now() + backoffDelay(this.lostRepairs++, LOST_RETRY, random);
    this.options.logger.warn('session: the platform lost the agent; setting it again', { what });
    void this.store.batch(() => this.putBack(lost));
  }

  /** Sets again, in turn with state changes, what the platform lost; then reads the agent back. */
  private putBack(lost: { state: string | null; extension: boolean }): Promise<void> {
    return this.serially(async () => {
      if (!this.signedIn() || this.snap.call !== null) return;
      const name = this.snap.profile!.name;
      if (lost.extension) {
        const id = this.snap.profile!.extension;
        this.askedExtensions.add(id);
        this.extensionsInFlight++;
        this.extensionEpoch++;
        let set: PResult<null>;
        try {
          set = await this.client!.setExtension(name, id);
        } finally {
          this.extensionsInFlight--;
          this.extensionEpoch++;
        }
        if (!set.ok) return this.noteFailure(set.error, true);
      }
      if (!this.signedIn()) return;
      // What the agent or a hold asked for since the read-back goes instead.
      const state =
        lost.state && this.holds.restoreTarget(this.pendingState ?? this.snap.chosenState);
      if (state && state !== 'online') {
        const set = await this.sendState(state);
        if (!set.ok) return this.noteFailure(set.error, true);
        if (state === this.pendingState) {
          this.pendingState = null;
          this.update({ pendingState: null });
        }
      }
      // Shown Ready (or held) again only once a read-back shows it.
      await this.readBack();
    });
  }

  /**
   * A call answered on the line while the platform shows the agent routable: it did not route
   * it (dialled straight to the extension), and would offer queued customers to an agent who is
   * talking, each refused busy and lost, and offered again at once. Held busy for the call, as
   * after a heal during one; the first read-back after it lets go. Not while ringing: a ring is
   * short, and the hold would cost every direct ring a state change.
   */
  private holdForUnroutedCall(platformState: string | null): void {
    if (!platformState || !this.waitsForCall(platformState) || this.holds.current()) return;
    this.options.logger.info('session: a call the platform did not route; held busy for it');
    void this.holdFor('in-call', SYSTEM_HOLD_STATES['in-call']);
  }

  /**
   * Another desktop drives this agent now. Say so and step back: no state pushes, no keepalive,
   * no heal, and no logout (that would sign the other desktop out).
   */
  private takenOver(clue: 'state' | 'register', detail: string): void {
    const takeover = { clue, detail, since: this.snap.takeover?.since ?? this.now() };
    // Said at once (the window warns that this desktop steps back after the call).
    this.update({ takeover });
    this.endWhenNoCall(() => {
      this.options.logger.warn('session: taken over elsewhere; stopping', { clue, detail });
      this.endSession(); // keeps the takeover said above
    }, detail);
  }

  /** Runs `end` now, or once the call on the line is over (see {@link endAfterCall}). */
  private endWhenNoCall(end: () => void, why: string): void {
    if (this.snap.call === null) return end();
    if (!this.endAfterCall) {
      this.options.logger.warn('session: ending once the call is over', { why });
    }
    this.endAfterCall = end;
  }

  private endIfCallOver(): void {
    const end = this.endAfterCall;
    if (end && this.snap.call === null) end();
  }

  // ---------------------------------------------------------------- snapshot helpers

  /** Records a hold the platform took (or a heal will log in with) and shows it. */
  private beginHold(cause: HoldCause, target: string, from: string | null): void {
    const hold = this.holds.begin(cause, target, from, this.now());
    this.update({ hold: { reason: hold.cause, since: hold.since } });
  }

  /**
   * Whether `state` must wait for the call on the line to end behind the in-call hold: the
   * platform takes a state during a call only from a login in no call there (a heal's), and a
   * routable one would be offered a second call.
   */
  private waitsForCall(state: string): boolean {
    return this.snap.call !== null && isRoutableState(state);
  }

  /** Shows a new state; `chosen` when the agent picked it (remembered, ends any hold). */
  private applyState(state: string, chosen: boolean): void {
    this.stateEpoch++;
    const patch: Partial<SessionSnapshot> = { state, stateSince: this.now() };
    if (chosen) {
      patch.chosenState = state;
      patch.hold = null;
      this.holds.clear();
      patch.recentReasons = rememberReason(this.snap.recentReasons, state);
    }
    // Said until the agent chooses, or the state moves on (a call, a hold).
    if (this.snap.stateSetElsewhere && (chosen || state !== this.snap.state)) {
      patch.stateSetElsewhere = null;
    }
    if (this.snap.state === state) delete patch.stateSince;
    this.update(patch);
  }

  /**
   * Someone changed the agent's state on the platform (a supervisor, an admin tool) while this
   * login stayed alive: it stands as the agent's choice (a heal restores it, a hold gives it
   * back), and the window says who set it. Pushing our own state back would fight the change.
   */
  private setElsewhere(state: string, from: string | null): void {
    this.options.logger.info('session: the state was changed on the platform; kept', {
      from,
      to: state,
    });
    this.stateEpoch++;
    this.holds.clear();
    // It is what the platform shows now: this desktop's last word, and newer than a choice still
    // waiting to be sent.
    this.lastAsked = state;
    this.pendingState = null;
    this.update({
      state,
      stateSince: this.now(),
      chosenState: state,
      hold: null,
      pendingState: null,
      stateSetElsewhere: { state, at: this.now() },
    });
  }

  /** The platform took a login or keepalive: a gap since the last one may have let it lapse. */
  private refreshed(): void {
    if (this.sinceRefresh() > this.lapseBound()) this.mayHaveLapsed = true;
    this.lastRefreshAt = this.now();
  }

  private sinceRefresh(): number {
    return this.now() - this.lastRefreshAt;
  }

  /**
   * A gap between keepalives beyond which the login may have lapsed: the platform's timeout is
   * longer than a keepalive period and this slack, or logins would lapse between keepalives.
   */
  private lapseBound(): number {
    return this.options.keepaliveMs() + LAPSE_SLACK_MS;
  }

  private endSession(error?: AppError): void {
    this.generation++;
    this.lostRepairs = 0;
    this.lostRepairAt = Number.NEGATIVE_INFINITY;
    this.endAfterCall = null;
    this.askedExtensions.clear();
    this.loop.stop();
    this.cancelOwedRetry();
    this.pendingState = null;
    this.owedHold = null;
    this.returnOwed = null;
    this.signOutOwed = null;
    this.holds.clear();
    this.update({
      pendingState: null,
      phase: 'signed-out',
      agent: null,
      state: null,
      stateSince: null,
      hold: null,
      question: null,
      stateSetElsewhere: null,
      call: null,
      droppedCall: null,
      lastError: error ?? null,
      lastKeepaliveAckAt: null,
    });
  }

  private markAck(): void {
    if (!this.signOutRetrying) this.loop.succeeded();
    // A banner describes the present: a platform trouble the platform just answered past is over.
    const last = this.snap.lastError;
    // So is a lapsed gateway token once the gateway takes the agent's requests again.
    const over = (e: AppError) => isTransient(e) || e.code === 'gateway-signed-out';
    if (last && (over(last) || sameError(last, this.snap.platform.lastError))) {
      this.update({ lastError: null });
    }
    const p = this.snap.platform;
    if (
      p.health === 'ok' &&
      p.lastError === null &&
      p.nextRetryAt === null &&
      p.lastAckAt === this.now()
    )
      return;
    this.update({
      platform: { ...p, health: 'ok', lastAckAt: this.now(), lastError: null, nextRetryAt: null },
    });
  }

  /**
   * Records a failed platform request. `ours`: a request the session itself makes (keepalive,
   * read-back, heal), so a refusal means the platform does not work for this agent.
   */
  private noteFailure(error: AppError, ours = false): void {
    const health: PlatformHealth | null =
      error.code === 'auth-failed'
        ? 'auth-failed'
        : error.code === 'malformed-reply'
          ? 'faulty' // it answered: reached, but the answer is unusable
          : isTransient(error)
            ? 'unreachable'
            : ours
              ? 'faulty'
              : null;
    const platform = health
      ? { ...this.snap.platform, health, lastError: error }
      : this.snap.platform;
    this.update({ platform, lastError: error });
  }

  private guardSignedIn(): Answer | null {
    if (this.snap.phase === 'signed-out' || !this.client || !this.snap.profile) {
      return this.fail(appError('not-signed-in'), false);
    }
    return null;
  }

  private failPlatform(error: AppError): Answer {
    this.noteFailure(error);
    if (isSessionLost(error)) void this.tick();
    return this.fail(error, false);
  }

  private fail(error: AppError, record = true): Answer {
    if (record) this.update({ lastError: error });
    return { ok: false, error };
  }

  private ok(): Answer {
    return { ok: true, value: this.snap };
  }

  private now(): number {
    return this.options.clock.now();
  }

  /** The phase now (not as narrowed before an await: requests let other commands run). */
  private phaseNow(): SessionPhase {
    return this.snap.phase;
  }

  /** A new missed list, with the version that tells it from the one before. */
  private missed(list: MissedOffer[]): Pick<SessionSnapshot, 'missed' | 'missedVersion'> {
    return { missed: list, missedVersion: this.snap.missedVersion + 1 };
  }

  private update(patch: Partial<SessionSnapshot>): void {
    this.store.update(patch);
  }
}

/** A sign-out sent again until the platform takes it (see `AgentSession.signOutOwed`). */
interface OwedSignOut {
  force: boolean;
  hold: SystemHoldCause | null;
  call: string | null;
}

/**
 * A request whose reply never came (the link failed, or it timed out) or could not be read: the
 * platform may have applied it.
 */
function isUnanswered(error: AppError): boolean {
  return (
    error.code === 'transport' ||
    error.code === 'timeout' ||
    error.code === 'http-error' ||
    error.code === 'gateway-trouble' ||
    error.code === 'malformed-reply'
  );
}

function sameError(a: AppError, b: AppError | null): boolean {
  return b !== null && a.code === b.code && a.message === b.message;
}

/**
 * Only `platform.lastAckAt` moved (every successful platform request sets it): nothing shows
 * it, so it is not worth a push of its own — it goes out with the next one.
 */
function onlyAckTimeMoved(next: SessionSnapshot, pushed: SessionSnapshot): boolean {
  if (next.platform.lastAckAt === pushed.platform.lastAckAt) return false;
  const platform = { ...next.platform, lastAckAt: pushed.platform.lastAckAt };
  return sameValue({ ...next, platform }, pushed);
}
