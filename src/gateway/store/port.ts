/**
 * The gateway's storage port: agents and the extensions they may use, sessions (hashed
 * tokens), sign-in failures (lockout) and the audit log. Two adapters implement it — SQLite
 * (one instance) and PostgreSQL (several instances share it) — and one test-suite runs on both.
 * Every method is async so the PostgreSQL adapter fits; times are epoch milliseconds.
 */

export interface AgentRecord {
  name: string;
  /** `scrypt$N$r$p$salt$hash` (see passwords.ts); null = no password set yet (cannot sign in). */
  passwordHash: string | null;
  disabled: boolean;
  /** May the agent edit their own skills (off by default: supervisors usually own skills). */
  allowSkills: boolean;
  /** Extension ids the agent may bind, sorted. */
  extensions: string[];
  createdAt: number;
}

export interface SessionRecord {
  /** SHA-256 of the token, hex: the token itself is never stored. */
  tokenHash: string;
  agent: string;
  createdAt: number;
  lastSeenAt: number;
  /** The absolute end (a shift); idle expiry is lastSeenAt + idle period. */
  expiresAt: number;
  sourceAddress: string;
}

export interface FailureRecord {
  /** `agent:<name hash>`, `pair:<name hash>@<address>` or `addr:<address>` (see lockout.ts). */
  key: string;
  count: number;
  lastAt: number;
  lockedUntil: number;
}

export interface AuditRecord {
  at: number;
  /** Who asked: the token's agent, or the name given at sign-in, or '' when unknown. */
  agent: string;
  action: string;
  /** What the request was about (an agent name, an extension id), '' when nothing. */
  target: string;
  /** HTTP status the gateway answered with. */
  status: number;
  /** The envelope code answered ('000000', a platform code, or a gateway code). */
  code: string;
  sourceAddress: string;
}

export interface AuditQuery {
  /** Rows asked by this agent (the `agent` column). */
  agent?: string;
  /**
   * Rows about this agent or extension: the target's first word is it (`alice`, `alice 1001,1002`,
   * `alice 10.0.0.5` — an admin change to alice names her first), never `bob` nor `alice2`.
   */
  about?: string;
  limit: number;
}

export type AgentPatch = Partial<Pick<AgentRecord, 'passwordHash' | 'disabled' | 'allowSkills'>>;

export interface GatewayStore {
  /** Which adapter ('sqlite' | 'postgres'), for /healthz and logs. */
  readonly kind: string;
  /** Creates or upgrades the schema (idempotent; safe when several instances start at once). */
  migrate(): Promise<void>;
  /** A trivial round-trip, for /healthz. */
  ping(): Promise<void>;

  /** False when the name exists already. */
  addAgent(agent: Omit<AgentRecord, 'extensions'>): Promise<boolean>;
  getAgent(name: string): Promise<AgentRecord | null>;
  updateAgent(name: string, patch: AgentPatch): Promise<boolean>;
  /** Removes the agent, their extensions and their sessions. */
  removeAgent(name: string): Promise<boolean>;
  listAgents(): Promise<AgentRecord[]>;
  /** Replaces the set of extensions the agent may use. */
  setExtensions(name: string, ids: readonly string[]): Promise<boolean>;

  createSession(session: SessionRecord): Promise<void>;
  findSession(tokenHash: string): Promise<SessionRecord | null>;
  touchSession(tokenHash: string, at: number): Promise<void>;
  revokeSession(tokenHash: string): Promise<boolean>;
  revokeAgentSessions(agent: string): Promise<number>;
  /** The agent's sessions, most recently used first. */
  listAgentSessions(agent: string): Promise<SessionRecord[]>;
  /** Deletes sessions past their absolute end or idle since before `idleBefore`. */
  purgeSessions(now: number, idleBefore: number): Promise<number>;

  getFailure(key: string): Promise<FailureRecord | null>;
  putFailure(record: FailureRecord): Promise<void>;
  /**
   * Reads the key's row, writes what `next` makes of it (null: the row goes) and returns that,
   * as one step: concurrent calls for one key, from this instance or another, see each other's
   * writes (sign-in attempts in parallel are each counted). `next` must be pure: it may run
   * again.
   */
  updateFailure(
    key: string,
    next: (old: FailureRecord | null) => FailureRecord | null,
  ): Promise<FailureRecord | null>;
  clearFailure(key: string): Promise<void>;
  /** Deletes every failure row whose key starts with `prefix` (a name's per-address rows). */
  clearFailurePrefix(prefix: string): Promise<number>;
  /** The failure rows whose key starts with `prefix` (an agent's per-address counts). */
  listFailurePrefix(prefix: string): Promise<FailureRecord[]>;
  /** How many keys are locked at `now` (a metric). */
  countLocked(now: number): Promise<number>;
  /**
   * Deletes up to `limit` failure rows whose last failure and lock end both lie before
   * `before`; returns how many went. Bounded so one call stays short however large the backlog.
   */
  purgeFailures(before: number, limit: number): Promise<number>;

  /**
   * Notes that the agent signed in from `address` (a lockout scope, see lockout.ts) at `at`;
   * nothing when no agent has that name.
   */
  rememberAddress(agent: string, address: string, at: number): Promise<void>;
  /** When the agent last signed in from `address`, or null when never (or long forgotten). */
  knownAddressAt(agent: string, address: string): Promise<number | null>;
  /** Every address the agent signed in from lately, most recent first. */
  knownAddresses(agent: string): Promise<Array<{ address: string; lastAt: number }>>;
  /** Deletes up to `limit` known addresses last used before `before`; returns how many went. */
  purgeKnownAddresses(before: number, limit: number): Promise<number>;

  appendAudit(records: readonly AuditRecord[]): Promise<void>;
  /**
   * Deletes up to `limit` audit rows written before `before`; returns how many went. Bounded so
   * one call stays short however large the backlog.
   */
  purgeAudit(before: number, limit: number): Promise<number>;
  /** Newest first. */
  listAudit(query: AuditQuery): Promise<AuditRecord[]>;

  close(): Promise<void>;
}
