/**
 * The agent's session with the platform: sign-in/out, state changes, keepalive, healing a lost
 * session, and protection against phantom availability. Host-agnostic (no electron import);
 * publishes one immutable snapshot on every change.
 */
import { appError } from '../../shared/domain/errors';
import { baseOf, checkSettableState, isCallState, parseState } from '../../shared/domain/state';
import { initialSnapshot } from '../../shared/snapshot';
import { backoffDelay } from '../../lib/backoff';
import {
  SYSTEM_HOLD_STATES,
  checkProfile,
  describeStateProblem,
  isTransient,
  loginRequest,
} from './session-rules';
import { isSessionLost } from '../../lib/platform/client';
import type { SkillOp } from '../../shared/domain/agent';
import type { AppError } from '../../shared/domain/errors';
import type { Result } from '../../shared/ipc/contract';
import type { Agent, ExtensionDto, LoginRequest, Page, PageQuery } from '../../shared/platform/dto';
import type { HoldAction } from '../../shared/settings';
import type {
  CallInfo,
  LinkHealth,
  MissedOffer,
  PlatformHealth,
  SessionSnapshot,
  SignInProfile,
  SipStatus,
} from '../../shared/snapshot';
import type { Clock, Logger, TimerHandle } from '../../lib/ports';

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

const RETRY = { baseMs: 1_000, capMs: 30_000 };
/** Platform refusals while healing before the session gives up and says so. */
const MAX_HEAL_REFUSALS = 3;
const RECENT_REASONS = 6;
/** Missed offers kept, newest first. */
export const MAX_MISSED = 50;

type Listener = (snapshot: SessionSnapshot) => void;
type Answer = Result<SessionSnapshot>;

export class AgentSession {
  private snap: SessionSnapshot;
  private readonly listeners = new Set<Listener>();
  private client: SessionPlatform | null = null;
  private timer: TimerHandle | null = null;
  private nextTickAt = 0;
  private ticking = false;
  private failures = 0;
  private healRefusals = 0;
  /** A state the agent chose while the platform could not be reached: pushed on recovery. */
  private pendingState: string | null = null;
  /** The state to restore when a system hold ends. */
  private heldFrom: string | null = null;
  /** Set when suspend/lock signed the agent out, so resume can sign them back in. */
  private signedOutByHold: { profile: SignInProfile; state: string | null } | null = null;
  private readonly random: () => number;
  /** While our own extension change is in flight, a read-back may show either extension. */
  private changingExtension = false;
  /** Bumped on every state change seen here: a read-back older than the last change is stale. */
  private stateEpoch = 0;

  constructor(private readonly options: SessionOptions) {
    const base = options.baseUrl();
    this.snap = initialSnapshot(base.url, base.demo, options.clock.now());
    this.random = options.random ?? Math.random;
  }

  /** The current snapshot (immutable; a new object after every change). */
  snapshot(): SessionSnapshot {
    return this.snap;
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---------------------------------------------------------------- commands

  /** Signs in with a profile, after checking it with the shared rules. */
  async signIn(profile: SignInProfile): Promise<Answer> {
    if (this.snap.phase !== 'signed-out') return this.fail(appError('already-signed-in'));
    const invalid = checkProfile(profile);
    if (invalid) return this.fail(invalid, false);
    const base = this.options.baseUrl();
    this.client = this.options.platform();
    this.signedOutByHold = null;
    this.update({
      phase: 'signing-in',
      profile,
      question: null,
      lastError: null,
      platform: { ...this.snap.platform, baseUrl: base.url, demo: base.demo },
    });
    const state = profile.initialState || 'online';
    const login = await this.client.login(loginRequest(profile, state));
    if (!login.ok) {
      this.noteFailure(login.error);
      this.update({ phase: 'signed-out' });
      return this.fail(login.error);
    }
    this.healRefusals = 0;
    this.pendingState = null;
    this.heldFrom = null;
    this.markAck();
    this.update({
      phase: 'signed-in',
      state,
      stateSince: this.now(),
      chosenState: state === 'online' ? null : state,
      hold: null,
      lastError: null,
    });
    await this.readBack();
    this.startKeepalive();
    return this.ok();
  }

  /** Signs out; while in a call only with `force` (after the agent confirmed). */
  async signOut(force: boolean): Promise<Answer> {
    const name = this.snap.profile?.name;
    if (this.snap.phase === 'signed-out' || !name || !this.client) {
      this.signedOutByHold = null;
      return this.ok();
    }
    if (!force && isCallState(this.snap.state)) {
      this.update({ question: { kind: 'force-sign-out' } });
      return this.fail(appError('in-call'), false);
    }
    const result = await this.client.logout(name, { force });
    if (!result.ok && result.error.code === '040203') {
      this.update({ question: { kind: 'force-sign-out' } });
      return this.fail(appError('in-call', result.error.message));
    }
    // 040202: the platform has already forgotten the agent, which is what signing out wants.
    if (!result.ok && result.error.code !== '040202') return this.fail(result.error);
    this.endSession();
    return this.ok();
  }

  dismissQuestion(): Answer {
    this.update({ question: null });
    return { ok: true, value: this.snap };
  }

  /** Changes the agent's state to idle, busy[/reason] or away[/reason]. */
  async setState(state: string): Promise<Answer> {
    const problem = checkSettableState(state);
    if (problem)
      return this.fail(appError('invalid-input', state, describeStateProblem(problem)), false);
    const guard = this.guardSignedIn();
    if (guard) return guard;
    if (isCallState(this.snap.state))
      return this.fail(appError('040203', undefined, 'in a call'), false);
    const result = await this.client!.setState(this.snap.profile!.name, state);
    if (!result.ok) {
      if (isTransient(result.error)) {
        // Nothing the agent chose is lost: it is applied when the platform is back.
        this.pendingState = state;
        this.update({ chosenState: state });
      }
      this.noteFailure(result.error);
      if (isSessionLost(result.error)) void this.tick();
      return this.fail(result.error);
    }
    this.markAck();
    this.pendingState = null;
    this.heldFrom = null;
    this.applyState(state, true);
    return this.ok();
  }

  async editSkills(opts: SkillOp[]): Promise<Answer> {
    const guard = this.guardSignedIn();
    if (guard) return guard;
    const result = await this.client!.editSkills(this.snap.profile!.name, opts);
    if (!result.ok) return this.failPlatform(result.error);
    this.markAck();
    await this.readBack();
    return this.ok();
  }

  async setExtension(id: string): Promise<Answer> {
    const guard = this.guardSignedIn();
    if (guard) return guard;
    this.changingExtension = true;
    const result = await this.client!.setExtension(this.snap.profile!.name, id).finally(() => {
      this.changingExtension = false;
    });
    if (!result.ok) return this.failPlatform(result.error);
    this.markAck();
    this.update({ profile: { ...this.snap.profile!, extension: id } });
    await this.readBack();
    return this.ok();
  }

  /** Reads the agent back from the platform now. */
  async refresh(): Promise<Answer> {
    const guard = this.guardSignedIn();
    if (guard) return guard;
    await this.readBack();
    return this.snap.lastError && this.snap.platform.health !== 'ok'
      ? this.fail(this.snap.lastError, false)
      : this.ok();
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
    if (this.snap.microphone !== microphone) this.update({ microphone });
  }

  /** The SIP line reports here; the snapshot carries its status. */
  setSipStatus(sip: SipStatus): void {
    this.update({ sip });
  }

  // ---------------------------------------------------------------- calls (calls.ts reports)

  /**
   * Shows the call. `state` is what SIP just told us the platform did (an INVITE means
   * `fetching`, our answer `talking`): shown at once, before a read-back confirms it.
   */
  showCall(call: CallInfo | null, state?: string): void {
    if (this.snap.phase === 'signed-out') {
      if (this.snap.call) this.update({ call: null });
      return;
    }
    // One snapshot: the window and the tray never see the call without its state.
    const moved = state !== undefined && baseOf(this.snap.state) !== baseOf(state);
    if (moved) this.stateEpoch++;
    this.update(moved ? { call, state, stateSince: this.now() } : { call });
  }

  /** Records a ring that was not answered, newest first. */
  addMissed(offer: MissedOffer): void {
    this.update({ missed: [offer, ...this.snap.missed].slice(0, MAX_MISSED) });
  }

  /** Notes the state the platform left the agent in after a missed offer. */
  setMissedStateAfter(id: string, stateAfter: string): void {
    if (!this.snap.missed.some((offer) => offer.id === id)) return;
    const missed = this.snap.missed.map((o) => (o.id === id ? { ...o, stateAfter } : o));
    this.update({ missed });
  }

  // ---------------------------------------------------------------- system events

  /** Suspend or lock: hold an available agent away (or sign out), per settings. */
  async hold(reason: 'suspend' | 'lock'): Promise<void> {
    const actions = this.options.holdActions();
    const action = reason === 'suspend' ? actions.onSuspend : actions.onLock;
    if (action === 'nothing' || this.snap.phase !== 'signed-in') return;
    if (isCallState(this.snap.state)) return;
    if (action === 'sign-out') {
      const profile = this.snap.profile!;
      const state = this.snap.chosenState;
      const result = await this.signOut(false);
      if (result.ok) this.signedOutByHold = { profile, state };
      return;
    }
    if (this.snap.hold) return;
    const previous = this.snap.state;
    const result = await this.client!.setState(this.snap.profile!.name, SYSTEM_HOLD_STATES[reason]);
    if (result.ok) {
      this.heldFrom = previous;
      this.markAck();
      this.applyState(SYSTEM_HOLD_STATES[reason], false);
      this.update({ hold: { reason, since: this.now() } });
    } else {
      this.noteFailure(result.error);
    }
  }

  /** Resume/unlock/network return: keepalive and read back at once, then lift a system hold. */
  async wake(): Promise<void> {
    if (this.signedOutByHold && this.snap.phase === 'signed-out') {
      const { profile, state } = this.signedOutByHold;
      await this.signIn({ ...profile, initialState: state ?? profile.initialState ?? 'online' });
      return;
    }
    if (this.snap.phase === 'signed-out') return;
    this.failures = 0;
    await this.tick();
    await this.liftHold();
  }

  /** The OS says the network is gone: say so at once rather than at the next keepalive. */
  networkLost(): void {
    if (this.snap.phase === 'signed-out') return;
    const error = appError('transport', 'the system reports no network');
    this.update({ platform: { ...this.snap.platform, health: 'unreachable', lastError: error } });
  }

  /** Signs out (bounded) and stops all timers: used on quit. */
  async shutdown(timeoutMs: number): Promise<void> {
    const signOut = this.snap.phase === 'signed-out' ? Promise.resolve() : this.signOut(true);
    let timer: TimerHandle | null = null;
    await Promise.race([
      signOut.catch(() => undefined),
      new Promise<void>((resolve) => (timer = this.options.clock.setTimeout(resolve, timeoutMs))),
    ]);
    if (timer) this.options.clock.clearTimeout(timer);
    this.stopTimer();
  }

  // ---------------------------------------------------------------- keepalive and healing

  private startKeepalive(): void {
    this.failures = 0;
    this.nextTickAt = this.now();
    this.scheduleAligned();
  }

  /** Next tick on the fixed grid start + n·period, so hours of ticks do not drift. */
  private scheduleAligned(): void {
    const period = this.options.keepaliveMs();
    const now = this.now();
    this.nextTickAt += period;
    if (this.nextTickAt <= now) this.nextTickAt = now + period;
    this.schedule(this.nextTickAt - now);
  }

  private scheduleRetry(): void {
    const delay = Math.min(
      backoffDelay(this.failures++, RETRY, this.random),
      this.options.keepaliveMs(),
    );
    this.update({ platform: { ...this.snap.platform, nextRetryAt: this.now() + delay } });
    this.nextTickAt = this.now();
    this.schedule(delay);
  }

  private schedule(delayMs: number): void {
    this.stopTimer();
    this.timer = this.options.clock.setTimeout(() => void this.tick(), delayMs);
  }

  private stopTimer(): void {
    if (this.timer) this.options.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** One keepalive round: keepalive, read back, heal or back off as the answer says. */
  private async tick(): Promise<void> {
    if (this.ticking || this.snap.phase === 'signed-out' || !this.client || !this.snap.profile)
      return;
    this.ticking = true;
    try {
      if (this.snap.phase === 'restoring') return await this.heal();
      const result = await this.client.keepalive(this.snap.profile.name);
      if (this.snap.phase !== 'signed-in') return;
      if (result.ok) {
        const wasDown = this.snap.platform.health !== 'ok';
        this.markAck();
        this.update({ lastKeepaliveAckAt: this.now() });
        await this.readBack();
        if (wasDown || this.pendingState) await this.reconcile();
        this.scheduleAligned();
      } else if (isSessionLost(result.error)) {
        this.update({ phase: 'restoring', lastError: result.error });
        await this.heal();
      } else {
        this.noteFailure(result.error);
        this.scheduleRetry();
      }
    } finally {
      this.ticking = false;
    }
  }

  /** Signs in again with the same profile and restores the agent's last chosen state. */
  private async heal(): Promise<void> {
    if (!this.client || !this.snap.profile) return;
    const target = this.restoreTarget();
    const result = await this.client.login(loginRequest(this.snap.profile, target));
    if (this.snap.phase !== 'restoring') return;
    if (result.ok) {
      this.healRefusals = 0;
      this.pendingState = null;
      this.markAck();
      this.applyState(target, false);
      this.update({ phase: 'signed-in', lastError: null });
      await this.readBack();
      this.failures = 0;
      this.nextTickAt = this.now();
      this.scheduleAligned();
      return;
    }
    this.noteFailure(result.error);
    if (result.error.code === '040201') {
      // Someone else holds the name now: healing would fight them. Say so and stop.
      return this.endSession(result.error);
    }
    if (!isTransient(result.error) && ++this.healRefusals >= MAX_HEAL_REFUSALS) {
      return this.endSession(result.error);
    }
    this.scheduleRetry();
  }

  /** After a reconnect: push a state chosen while offline, if the platform still allows it. */
  private async reconcile(): Promise<void> {
    const wanted = this.pendingState;
    if (!wanted || !this.client || !this.snap.profile) return;
    if (isCallState(this.snap.state) || this.snap.state === wanted) {
      this.pendingState = null;
      return;
    }
    const result = await this.client.setState(this.snap.profile.name, wanted);
    if (result.ok) {
      this.pendingState = null;
      this.applyState(wanted, true);
    } else if (!isTransient(result.error)) {
      this.pendingState = null;
      this.noteFailure(result.error);
    }
  }

  private async liftHold(): Promise<void> {
    const hold = this.snap.hold;
    if (!hold || this.snap.phase !== 'signed-in' || !this.client || !this.snap.profile) return;
    // The agent (or a supervisor) changed state meanwhile: that choice wins.
    if (this.snap.state !== SYSTEM_HOLD_STATES[hold.reason]) {
      this.update({ hold: null });
      return;
    }
    const back = this.heldFrom && this.heldFrom !== 'online' ? this.heldFrom : null;
    if (back) {
      const result = await this.client.setState(this.snap.profile.name, back);
      if (!result.ok) return this.noteFailure(result.error);
      this.applyState(back, false);
    }
    this.heldFrom = null;
    this.update({ hold: null });
  }

  private restoreTarget(): string {
    if (this.snap.hold) return SYSTEM_HOLD_STATES[this.snap.hold.reason];
    return this.snap.chosenState ?? 'online';
  }

  /** Reads the agent back: the only way to learn platform-driven states (fetching, talking…). */
  private async readBack(): Promise<void> {
    if (!this.client || !this.snap.profile) return;
    const epoch = this.stateEpoch;
    const result = await this.client.getAgent(this.snap.profile.name);
    if (!result.ok) {
      if (!isSessionLost(result.error)) this.noteFailure(result.error);
      return;
    }
    if (!this.snap.profile) return;
    this.markAck();
    const agent = result.value;
    const ours = this.snap.profile.extension;
    if (agent.extension && agent.extension !== ours && !this.changingExtension) {
      // The platform knows agents by name only: a login elsewhere took the name (after ours
      // expired) and bound another extension. Keeping this session alive would fight it.
      const detail = `the platform shows ${agent.name} on extension ${agent.extension}, not ${ours}`;
      return this.endSession(appError('040201', detail));
    }
    if (epoch !== this.stateEpoch) {
      // The state changed while this read was in flight (our own change, or a call arriving):
      // what it says about the state is older than what the snapshot shows.
      this.update({ agent: { ...agent, state: this.snap.state } });
      return;
    }
    this.update({ agent });
    if (agent.state && agent.state !== this.snap.state) this.applyState(agent.state, false);
  }

  // ---------------------------------------------------------------- snapshot helpers

  private applyState(state: string, chosen: boolean): void {
    this.stateEpoch++;
    const patch: Partial<SessionSnapshot> = { state, stateSince: this.now() };
    if (chosen) {
      patch.chosenState = state;
      patch.hold = null;
      const parsed = parseState(state);
      if (
        parsed.ok &&
        parsed.value.reason &&
        (parsed.value.base === 'busy' || parsed.value.base === 'away')
      ) {
        const key = parsed.value.base;
        const list = [
          parsed.value.reason,
          ...this.snap.recentReasons[key].filter((r) => r !== parsed.value.reason),
        ];
        patch.recentReasons = { ...this.snap.recentReasons, [key]: list.slice(0, RECENT_REASONS) };
      }
    }
    if (this.snap.state === state) delete patch.stateSince;
    this.update(patch);
  }

  private endSession(error?: AppError): void {
    this.stopTimer();
    this.pendingState = null;
    this.heldFrom = null;
    this.update({
      phase: 'signed-out',
      agent: null,
      state: null,
      stateSince: null,
      hold: null,
      question: null,
      call: null,
      lastError: error ?? null,
      lastKeepaliveAckAt: null,
    });
  }

  private markAck(): void {
    this.failures = 0;
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

  private noteFailure(error: AppError): void {
    const health: PlatformHealth | null =
      error.code === 'auth-failed' ? 'auth-failed' : isTransient(error) ? 'unreachable' : null;
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

  private update(patch: Partial<SessionSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const listener of this.listeners) {
      try {
        listener(this.snap);
      } catch (error) {
        this.options.logger.error('snapshot listener failed', { error: String(error) });
      }
    }
  }
}
