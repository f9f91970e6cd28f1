/**
 * The emulated platform's state: agents, their keepalive times, extensions and SIP registrations,
 * with the rules of docs/platform-api/agent-api.md §3–§5. Plain synchronous methods returning `{code, data}`, on an
 * injectable clock; only login and logout are async, because hanging up an agent's call is the
 * calls feature's business and may take a moment. The HTTP layer holds the agent's lock around
 * these methods (agent-lock.ts: another request on the agent meanwhile is refused), so nothing
 * here has to guard against its own callers.
 */
import { PLATFORM_CODES } from '../shared/domain/errors';
import { isValidAgentName, skillWithDefaults, applySkillOps } from '../shared/domain/agent';
import type { Skill, SkillOp } from '../shared/domain/agent';
import {
  checkLoginState,
  checkSettableState,
  isCallState,
  platformSeesCall,
  parseState,
} from '../shared/domain/state';
import type {
  CreateExtensionRequest,
  ExtensionDto,
  LoginRequest,
  Page,
  PageQuery,
} from '../shared/platform/dto';
import { pageOf } from '../shared/platform/dto';
import { toStatus, toWire, type AgentRecord, type AgentWire } from './agent-record';
import type { AgentStatus, StoreEvent } from './agent-status';
import { ExtensionBook, extensionDto, type ExtensionRecord } from './extension-book';
import { Listeners, settleWithin } from '../lib/listeners';
import { checkPage } from './paging';
import { fail, ok, OK, type Fail, type Result } from './results';
import type { SipAccount, SipDirectory } from './sip-directory';

export interface StoreOptions {
  /** Clock in epoch ms (default Date.now). */
  now?: () => number;
  /** Keepalive timeout in seconds (default 300). */
  keepaliveTimeoutSec?: number;
  /** Start with the demo extensions (default true). */
  demoData?: boolean;
  /** Longest wait for force-hangup listeners before logging out anyway (default 2000 ms). */
  hangupTimeoutMs?: number;
  log?: (msg: string) => void;
}

export const DEFAULT_KEEPALIVE_TIMEOUT_SEC = 300;

export class PlatformStore implements SipDirectory {
  readonly now: () => number;
  private readonly agents = new Map<string, AgentRecord>();
  private readonly book: ExtensionBook;
  private readonly hangupListeners: Listeners<[string]>;
  private readonly changeListeners: Listeners<[StoreEvent]>;
  private readonly log: (msg: string) => void;
  private readonly hangupTimeoutMs: number;
  /**
   * Agents whose state or extension the platform lost (its Redis restarted or evicted the keys
   * while the agent row stayed; see {@link forget}): answered as null until set again.
   */
  private readonly lost = new Map<string, { state: boolean; extension: boolean }>();
  private timeoutMs: number;

  constructor(private readonly options: StoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => {});
    this.hangupTimeoutMs = options.hangupTimeoutMs ?? 2000;
    this.timeoutMs = secondsToMs(options.keepaliveTimeoutSec ?? DEFAULT_KEEPALIVE_TIMEOUT_SEC);
    this.hangupListeners = new Listeners('force-hangup', this.log);
    this.changeListeners = new Listeners('store-change', this.log);
    this.book = new ExtensionBook(
      this.now,
      (extensionId, registered) => this.emit({ type: 'registration', extensionId, registered }),
      this.log,
    );
    this.book.reset(options.demoData ?? true);
  }

  // ---------- configuration and observation ----------

  get keepaliveTimeoutSec(): number {
    return this.timeoutMs / 1000;
  }

  /** Changes the keepalive timeout; freshness is computed on demand, so it applies at once. */
  setKeepaliveTimeout(seconds: number): void {
    this.timeoutMs = secondsToMs(seconds);
  }

  /** Registers the calls feature's hang-up; awaited (bounded) before a forced logout completes. */
  onForceHangup(listener: (agentName: string) => void | Promise<void>): () => void {
    return this.hangupListeners.add(listener);
  }

  /** Subscribes to agent and registration changes. */
  onChange(listener: (event: StoreEvent) => void): () => void {
    return this.changeListeners.add(listener);
  }

  /** Back to the initial data: no agents, demo extensions (if enabled). */
  reset(): void {
    const names = [...this.agents.keys()];
    this.agents.clear();
    this.lost.clear();
    this.book.reset(this.options.demoData ?? true);
    for (const name of names) this.emit({ type: 'agent-logout', name, reason: 'reset' });
  }

  // ---------- agents: the API ----------

  /** Logs an agent in (§3): validation, 040201 while fresh, replacement after expiry. */
  async login(req: LoginRequest): Promise<Result> {
    const checked = this.checkLogin(req);
    if ('code' in checked) return checked;
    const { old } = checked;
    if (old && isCallState(old.state)) {
      // The expired login being replaced is still in a call: end it first, as a forced logout does.
      old.leaving = true;
      await this.hangUp(old);
      const again = this.checkLogin(req);
      if ('code' in again) {
        old.leaving = false;
        return again;
      }
      return this.commitLogin(req, again.old);
    }
    return this.commitLogin(req, old);
  }

  /** Logs an agent out; in a call only with `force`, which hangs the call up first. */
  async logout(name: string, force: boolean): Promise<Result> {
    const agent = this.agents.get(name);
    if (!agent) return fail(PLATFORM_CODES.AGENT_NOT_FOUND);
    // The platform's test is by substring (platformSeesCall): `busy/talking-x` counts too.
    if (platformSeesCall(agent.state)) {
      if (!force) return fail(PLATFORM_CODES.AGENT_BUSY);
      agent.leaving = true;
      await this.hangUp(agent);
      if (this.agents.get(name) !== agent) return OK; // removed meanwhile (reset)
    }
    this.remove(agent, 'logout');
    return OK;
  }

  /** Refreshes the agent's last-seen time; an expired agent comes back online. */
  keepalive(name: string): Result {
    const agent = this.agents.get(name);
    if (!agent) return fail(PLATFORM_CODES.AGENT_NOT_FOUND);
    const wasFresh = this.isFresh(agent);
    agent.lastKeepalive = this.now();
    if (!wasFresh) this.emit({ type: 'agent-revived', name });
    return OK;
  }

  /** One agent as the platform returns it. */
  getAgent(name: string): Result<AgentWire> {
    const agent = this.agents.get(name);
    return agent ? ok(this.wire(agent)) : fail(PLATFORM_CODES.AGENT_NOT_FOUND);
  }

  /** A page of agents, newest login first (the order of the platform document's example). */
  listAgents(page: PageQuery): Result<Page<AgentWire>> {
    const refused = checkPage(page);
    if (refused) return refused;
    const all = [...this.agents.values()].reverse();
    const result = pageOf(all, page.pageNo, page.pageSize);
    return ok({ ...result, result: result.result.map((agent) => this.wire(agent)) });
  }

  /** Binds another extension; the old one is released. */
  setExtension(name: string, extensionId: string): Result {
    if (extensionId.trim() === '') return fail(PLATFORM_CODES.BAD_PARAMETER);
    const agent = this.agents.get(name);
    if (!agent) return fail(PLATFORM_CODES.AGENT_NOT_FOUND);
    const ext = this.book.record(extensionId);
    if (!ext) return fail(PLATFORM_CODES.EXTENSION_NOT_FOUND);
    if (ext.boundTo === name) {
      this.found(name, 'extension');
      return OK;
    }
    if (ext.boundTo !== null) return fail(PLATFORM_CODES.EXTENSION_BOUND);
    this.release(agent);
    ext.boundTo = name;
    agent.extension = ext.id;
    this.found(name, 'extension');
    this.emit({ type: 'agent-extension', name, extension: ext.id });
    return OK;
  }

  /** The API's state change: idle, busy[/x] or away[/x] only, never during a call. */
  setState(name: string, state: string): Result {
    if (checkSettableState(state)) return fail(PLATFORM_CODES.BAD_PARAMETER);
    const agent = this.agents.get(name);
    if (!agent) return fail(PLATFORM_CODES.AGENT_NOT_FOUND);
    if (platformSeesCall(agent.state)) return fail(PLATFORM_CODES.AGENT_BUSY);
    this.changeState(agent, state);
    this.found(name, 'state');
    return OK;
  }

  /** Applies skill operations in order; no operations or none with effect → 000001. */
  updateSkills(name: string, ops: readonly SkillOp[]): Result {
    if (ops.length === 0) return fail(PLATFORM_CODES.BAD_PARAMETER);
    const agent = this.agents.get(name);
    if (!agent) return fail(PLATFORM_CODES.AGENT_NOT_FOUND);
    const { skills, effective } = applySkillOps(agent.skills, ops);
    if (effective === 0) return fail(PLATFORM_CODES.BAD_PARAMETER);
    agent.skills = skills;
    this.emit({ type: 'agent-skills', name });
    return OK;
  }

  // ---------- agents: the platform's own moves and test controls ----------

  /** A platform-driven state (e.g. `fetching`, `talking/x`): any well-formed state is allowed. */
  forceState(name: string, state: string): Result {
    if (!parseState(state).ok) return fail(PLATFORM_CODES.BAD_PARAMETER);
    const agent = this.agents.get(name);
    if (!agent) return fail(PLATFORM_CODES.AGENT_NOT_FOUND);
    this.changeState(agent, state);
    this.found(name, 'state');
    return OK;
  }

  /**
   * The platform loses the agent's state and extension (tests): its server keeps both in Redis,
   * and a Redis restart or eviction leaves the agent row answering `state: null, extension: null`
   * (agent-api.zh.md shows such an agent). Keepalive and logout still work; the agent is offered
   * no calls until a state change and an extension change set them again. False when unknown.
   */
  forget(name: string): boolean {
    if (!this.agents.has(name)) return false;
    this.lost.set(name, { state: true, extension: true });
    return true;
  }

  /** Makes the agent's keepalive stale now (tests); false when unknown. */
  expire(name: string): boolean {
    const agent = this.agents.get(name);
    if (!agent) return false;
    agent.lastKeepalive = this.now() - this.timeoutMs;
    return true;
  }

  /** What routing and the state dump need about one agent, or null. */
  agentStatus(name: string): AgentStatus | null {
    const agent = this.agents.get(name);
    return agent ? this.statusOf(agent) : null;
  }

  /** Every agent, oldest login first. */
  agentStatuses(): AgentStatus[] {
    return [...this.agents.values()].map((agent) => this.statusOf(agent));
  }

  // ---------- extensions ----------

  /** Creates a type-1 extension (§5). */
  createExtension(req: CreateExtensionRequest): Result<ExtensionDto> {
    return this.book.create(req);
  }

  /** One extension, SIP user and password included. */
  getExtension(id: string): Result<ExtensionDto> {
    return this.book.get(id);
  }

  /** A page of extensions in creation order. */
  listExtensions(page: PageQuery): Result<Page<ExtensionDto>> {
    const refused = checkPage(page);
    if (refused) return refused;
    const all = this.book.all();
    const result = pageOf(all, page.pageNo, page.pageSize);
    return ok({ ...result, result: result.result.map(extensionDto) });
  }

  /** Deletes an extension no agent is bound to. */
  deleteExtension(id: string): Result {
    return this.book.delete(id);
  }

  /** Every extension record (for the state dump). */
  extensionRecords(): readonly ExtensionRecord[] {
    return this.book.all();
  }

  /** True while the extension holds an unexpired registration. */
  isExtensionRegistered(id: string): boolean {
    return this.book.isRegistered(id);
  }

  // ---------- SipDirectory ----------

  lookup(sipUser: string): SipAccount | null {
    return this.book.lookup(sipUser);
  }

  accounts(): SipAccount[] {
    return this.book.accounts();
  }

  setRegistration(extensionId: string, contact: string | null, expiresAt: number | null): void {
    this.book.setRegistration(extensionId, contact, expiresAt);
  }

  onAccountsChanged(listener: () => void): () => void {
    return this.book.onAccountsChanged(listener);
  }

  // ---------- internals ----------

  private checkLogin(req: LoginRequest): Fail | { old: AgentRecord | undefined } {
    if (!isValidAgentName(req.name) || req.extension.trim() === '')
      return fail(PLATFORM_CODES.BAD_PARAMETER);
    if (req.state !== undefined && checkLoginState(req.state))
      return fail(PLATFORM_CODES.BAD_PARAMETER);
    if (req.skills?.some((s) => s.name.trim() === '')) return fail(PLATFORM_CODES.BAD_PARAMETER);
    const old = this.agents.get(req.name);
    if (old && this.isFresh(old)) return fail(PLATFORM_CODES.AGENT_LOGGED_IN);
    const ext = this.book.record(req.extension);
    if (!ext) return fail(PLATFORM_CODES.EXTENSION_NOT_FOUND);
    if (ext.boundTo !== null && ext.boundTo !== req.name)
      return fail(PLATFORM_CODES.EXTENSION_BOUND);
    return { old };
  }

  private commitLogin(req: LoginRequest, old: AgentRecord | undefined): Result {
    if (old) this.remove(old, 'replaced');
    const ext = this.book.record(req.extension)!; // checked just before, synchronously
    const skills = new Map<string, Skill>();
    for (const input of req.skills ?? []) skills.set(input.name, skillWithDefaults(input));
    const now = this.now();
    this.agents.set(req.name, {
      name: req.name,
      num: req.num ?? null,
      state: req.state ?? 'online',
      extension: ext.id,
      skills: [...skills.values()],
      lastKeepalive: now,
      stateSince: now,
      leaving: false,
    });
    ext.boundTo = req.name;
    this.emit({ type: 'agent-login', name: req.name });
    return OK;
  }

  /** Runs the hang-up listeners (awaiting them, bounded), then takes the agent out of its call. */
  private async hangUp(agent: AgentRecord): Promise<void> {
    const results = this.hangupListeners.emit(agent.name);
    if (!(await settleWithin(results, this.hangupTimeoutMs, this.log))) {
      this.log(`force-hangup of ${agent.name} timed out; logging out`);
    }
    if (isCallState(agent.state)) this.changeState(agent, 'idle');
  }

  private changeState(agent: AgentRecord, state: string): void {
    if (agent.state === state) return;
    agent.state = state;
    agent.stateSince = this.now();
    this.emit({ type: 'agent-state', name: agent.name, state });
  }

  private remove(agent: AgentRecord, reason: 'logout' | 'replaced'): void {
    this.agents.delete(agent.name);
    this.lost.delete(agent.name);
    this.release(agent);
    this.emit({ type: 'agent-logout', name: agent.name, reason });
  }

  private release(agent: AgentRecord): void {
    const ext = this.book.record(agent.extension);
    if (ext && ext.boundTo === agent.name) ext.boundTo = null;
  }

  private isFresh(agent: AgentRecord): boolean {
    return this.now() - agent.lastKeepalive < this.timeoutMs;
  }

  private statusOf(agent: AgentRecord): AgentStatus {
    const registered = this.book.isRegistered(agent.extension);
    const status = toStatus(agent, this.now(), this.timeoutMs, registered);
    const lost = this.lost.get(agent.name);
    // Lost (see forget): no state routes, no extension rings; '' stands for the platform's null.
    if (lost?.state) status.state = '';
    if (lost?.extension) Object.assign(status, { extension: '', extensionRegistered: false });
    return status;
  }

  /** The wire form, with what the platform lost (see forget) as null. */
  private wire(agent: AgentRecord): AgentWire {
    const wire = toWire(agent);
    const lost = this.lost.get(agent.name);
    if (lost?.state) wire.state = null;
    if (lost?.extension) wire.extension = null;
    return wire;
  }

  /** A state or extension change set again what the platform had lost. */
  private found(name: string, what: 'state' | 'extension'): void {
    const lost = this.lost.get(name);
    if (!lost) return;
    lost[what] = false;
    if (lost.state || lost.extension) return;
    this.lost.delete(name);
    // Whole again: routable, so the call center looks at its queue (the change itself may have
    // set what the agent already had, which announces nothing).
    const agent = this.agents.get(name);
    if (agent) this.emit({ type: 'agent-state', name, state: agent.state });
  }

  private emit(event: StoreEvent): void {
    if (this.changeListeners.size > 0) this.changeListeners.emit(event);
  }
}

function secondsToMs(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new RangeError(`keepalive timeout must be a positive number of seconds, got ${seconds}`);
  }
  return seconds * 1000;
}
