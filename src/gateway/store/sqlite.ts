/**
 * SQLite adapter (better-sqlite3 12; 13 crashes on Node 20). One file, WAL journal, one
 * instance. Statements are prepared once; better-sqlite3 is synchronous, which is fast enough
 * for the hot path (a token lookup is a primary-key read of a few microseconds).
 */
import Database from 'better-sqlite3';
import { unscopedDesks } from '../lockout';
import type {
  AgentPatch,
  AgentRecord,
  AuditQuery,
  AuditRecord,
  FailureRecord,
  GatewayStore,
  SessionRecord,
} from './port';

/** Fills known_addresses from the sessions table (part of migration 4). */
const SEED_KNOWN_ADDRESSES = `INSERT INTO known_addresses (agent, address, last_at)
  SELECT agent, CASE WHEN lower(source_address) LIKE '::ffff:%.%'
    THEN substr(source_address, 8) ELSE source_address END AS address, MAX(created_at)
  FROM sessions GROUP BY 1, 2 ON CONFLICT DO NOTHING;`;

/**
 * Migration 6: the desks migration 4 seeded from IPv6 sessions by their whole address, under
 * the /64 the lockout looks them up by (a desk's privacy address changes daily within it).
 */
function rescopeDesks(db: Database.Database): void {
  const rows = db
    .prepare(
      `SELECT agent, address, last_at AS lastAt FROM known_addresses
       WHERE address LIKE '%:%' AND address NOT LIKE '%/64'`,
    )
    .all() as Array<{ agent: string; address: string; lastAt: number }>;
  const put = db.prepare(
    `INSERT INTO known_addresses (agent, address, last_at) VALUES (?, ?, ?)
     ON CONFLICT (agent, address) DO UPDATE SET last_at = max(last_at, excluded.last_at)`,
  );
  const drop = db.prepare(`DELETE FROM known_addresses WHERE agent = ? AND address = ?`);
  for (const row of unscopedDesks(rows)) {
    put.run(row.agent, row.desk, row.lastAt);
    drop.run(row.agent, row.address);
  }
}

/**
 * Schema steps; the index + 1 is the version. Never edit a step that has shipped: add one. A
 * function step is for what SQL alone cannot say.
 */
const MIGRATIONS: Array<string | ((db: Database.Database) => void)> = [
  `CREATE TABLE agents (
     name TEXT PRIMARY KEY,
     password_hash TEXT,
     disabled INTEGER NOT NULL DEFAULT 0,
     allow_skills INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE agent_extensions (
     agent TEXT NOT NULL REFERENCES agents(name) ON DELETE CASCADE,
     extension TEXT NOT NULL,
     PRIMARY KEY (agent, extension)
   );
   CREATE TABLE sessions (
     token_hash TEXT PRIMARY KEY,
     agent TEXT NOT NULL REFERENCES agents(name) ON DELETE CASCADE,
     created_at INTEGER NOT NULL,
     last_seen_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     source_address TEXT NOT NULL
   );
   CREATE INDEX sessions_agent ON sessions(agent);
   CREATE TABLE failures (
     key TEXT PRIMARY KEY,
     count INTEGER NOT NULL,
     last_at INTEGER NOT NULL,
     locked_until INTEGER NOT NULL
   );
   CREATE TABLE audit (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     agent TEXT NOT NULL,
     action TEXT NOT NULL,
     target TEXT NOT NULL,
     status INTEGER NOT NULL,
     code TEXT NOT NULL,
     source_address TEXT NOT NULL
   );
   CREATE INDEX audit_agent ON audit(agent, id);`,
  // The lockout purge looks for long-quiet rows; without an index each batch scans the table.
  `CREATE INDEX failures_last_at ON failures(last_at);`,
  // The audit purge deletes by age; without an index its last batch of each run scans the table.
  `CREATE INDEX audit_at ON audit(at);`,
  // Where each agent signed in lately: a lock on their name spares these addresses. Seeded from
  // the sessions open at the upgrade (an IPv4 client of a dual-stack socket by its plain address).
  `CREATE TABLE known_addresses (
     agent TEXT NOT NULL REFERENCES agents(name) ON DELETE CASCADE,
     address TEXT NOT NULL,
     last_at INTEGER NOT NULL,
     PRIMARY KEY (agent, address)
   );
   CREATE INDEX known_addresses_last_at ON known_addresses(last_at);
   ${SEED_KNOWN_ADDRESSES}`,
  // `audit --about NAME`: rows by the target's first word, newest first, without a scan. The
  // expression is AUDIT_SUBJECT's, character for character, or SQLite does not use the index.
  `CREATE INDEX audit_subject ON audit(substr(target, 1, instr(target || ' ', ' ') - 1), id);`,
  rescopeDesks,
];

/** The target's first word, as the audit_subject index has it. */
const AUDIT_SUBJECT = `substr(target, 1, instr(target || ' ', ' ') - 1)`;

interface AgentRow {
  name: string;
  password_hash: string | null;
  disabled: number;
  allow_skills: number;
  created_at: number;
}
interface FailureRow {
  key: string;
  count: number;
  last_at: number;
  locked_until: number;
}

interface SessionRow {
  token_hash: string;
  agent: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  source_address: string;
}
interface AuditRow {
  at: number;
  agent: string;
  action: string;
  target: string;
  status: number;
  code: string;
  source_address: string;
}

/** Opens (creating if needed) the SQLite file; ':memory:' for a throwaway store. */
export function openSqliteStore(file: string): GatewayStore {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return new SqliteStore(db);
}

class SqliteStore implements GatewayStore {
  readonly kind = 'sqlite';
  private statements: ReturnType<SqliteStore['prepare']> | null = null;

  constructor(private readonly db: Database.Database) {}

  private get q() {
    this.statements ??= this.prepare();
    return this.statements;
  }

  private prepare() {
    const db = this.db;
    return {
      addAgent: db.prepare(
        `INSERT INTO agents (name, password_hash, disabled, allow_skills, created_at)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO NOTHING`,
      ),
      getAgent: db.prepare<[string], AgentRow>(`SELECT * FROM agents WHERE name = ?`),
      listAgents: db.prepare<[], AgentRow>(`SELECT * FROM agents ORDER BY name`),
      extensionsOf: db.prepare<[string], { extension: string }>(
        `SELECT extension FROM agent_extensions WHERE agent = ? ORDER BY extension`,
      ),
      allExtensions: db.prepare<[], { agent: string; extension: string }>(
        `SELECT agent, extension FROM agent_extensions ORDER BY agent, extension`,
      ),
      removeAgent: db.prepare(`DELETE FROM agents WHERE name = ?`),
      clearExtensions: db.prepare(`DELETE FROM agent_extensions WHERE agent = ?`),
      addExtension: db.prepare(
        `INSERT INTO agent_extensions (agent, extension) VALUES (?, ?) ON CONFLICT DO NOTHING`,
      ),
      createSession: db.prepare(
        `INSERT INTO sessions (token_hash, agent, created_at, last_seen_at, expires_at, source_address)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      findSession: db.prepare<[string], SessionRow>(`SELECT * FROM sessions WHERE token_hash = ?`),
      touchSession: db.prepare(
        `UPDATE sessions SET last_seen_at = ? WHERE token_hash = ? AND last_seen_at < ?`,
      ),
      revokeSession: db.prepare(`DELETE FROM sessions WHERE token_hash = ?`),
      revokeAgentSessions: db.prepare(`DELETE FROM sessions WHERE agent = ?`),
      agentSessions: db.prepare<[string], SessionRow>(
        `SELECT * FROM sessions WHERE agent = ? ORDER BY last_seen_at DESC`,
      ),
      purgeSessions: db.prepare(`DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at < ?`),
      getFailure: db.prepare<[string], FailureRow>(`SELECT * FROM failures WHERE key = ?`),
      putFailure: db.prepare(
        `INSERT INTO failures (key, count, last_at, locked_until) VALUES (?, ?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET count = excluded.count, last_at = excluded.last_at,
           locked_until = excluded.locked_until`,
      ),
      clearFailure: db.prepare(`DELETE FROM failures WHERE key = ?`),
      clearFailurePrefix: db.prepare(
        `DELETE FROM failures WHERE substr(key, 1, length(@prefix)) = @prefix`,
      ),
      listFailurePrefix: db.prepare<{ prefix: string }, FailureRow>(
        `SELECT * FROM failures WHERE substr(key, 1, length(@prefix)) = @prefix ORDER BY key`,
      ),
      rememberAddress: db.prepare(
        `INSERT INTO known_addresses (agent, address, last_at)
         SELECT @agent, @address, @at WHERE EXISTS (SELECT 1 FROM agents WHERE name = @agent)
         ON CONFLICT (agent, address) DO UPDATE SET last_at = max(last_at, excluded.last_at)`,
      ),
      knownAddressAt: db.prepare<[string, string], { last_at: number }>(
        `SELECT last_at FROM known_addresses WHERE agent = ? AND address = ?`,
      ),
      knownAddresses: db.prepare<[string], { address: string; last_at: number }>(
        `SELECT address, last_at FROM known_addresses WHERE agent = ?
         ORDER BY last_at DESC, address`,
      ),
      purgeKnownAddresses: db.prepare(
        `DELETE FROM known_addresses WHERE rowid IN (SELECT rowid FROM known_addresses
           WHERE last_at < ? LIMIT ?)`,
      ),
      countLocked: db.prepare<[number], { n: number }>(
        `SELECT COUNT(*) AS n FROM failures WHERE locked_until > ?`,
      ),
      purgeFailures: db.prepare(
        `DELETE FROM failures WHERE key IN (SELECT key FROM failures
           WHERE last_at < ? AND locked_until < ? LIMIT ?)`,
      ),
      purgeAudit: db.prepare(
        `DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at < ? LIMIT ?)`,
      ),
      appendAudit: db.prepare(
        `INSERT INTO audit (at, agent, action, target, status, code, source_address)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      auditAll: db.prepare<[number], AuditRow>(`SELECT * FROM audit ORDER BY id DESC LIMIT ?`),
      auditOf: db.prepare<[string, number], AuditRow>(
        `SELECT * FROM audit WHERE agent = ? ORDER BY id DESC LIMIT ?`,
      ),
      auditAbout: db.prepare<[string, number], AuditRow>(
        `SELECT * FROM audit WHERE ${AUDIT_SUBJECT} = ? ORDER BY id DESC LIMIT ?`,
      ),
      auditOfAbout: db.prepare<[string, string, number], AuditRow>(
        `SELECT * FROM audit WHERE agent = ? AND ${AUDIT_SUBJECT} = ? ORDER BY id DESC LIMIT ?`,
      ),
    };
  }

  async migrate(): Promise<void> {
    this.db.exec(`CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`);
    const step = this.db.transaction(() => {
      const row = this.db.prepare(`SELECT version FROM schema_version`).get() as
        { version: number } | undefined;
      let version = row?.version ?? 0;
      if (!row) this.db.prepare(`INSERT INTO schema_version (version) VALUES (0)`).run();
      for (; version < MIGRATIONS.length; version++) {
        const step = MIGRATIONS[version]!;
        if (typeof step === 'string') this.db.exec(step);
        else step(this.db);
      }
      this.db.prepare(`UPDATE schema_version SET version = ?`).run(version);
    });
    step.immediate();
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async addAgent(agent: Omit<AgentRecord, 'extensions'>): Promise<boolean> {
    const r = this.q.addAgent.run(
      agent.name,
      agent.passwordHash,
      agent.disabled ? 1 : 0,
      agent.allowSkills ? 1 : 0,
      agent.createdAt,
    );
    return r.changes > 0;
  }

  async getAgent(name: string): Promise<AgentRecord | null> {
    const row = this.q.getAgent.get(name);
    if (!row) return null;
    return toAgent(
      row,
      this.q.extensionsOf.all(name).map((r) => r.extension),
    );
  }

  async updateAgent(name: string, patch: AgentPatch): Promise<boolean> {
    const sets: string[] = [];
    const values: (string | number | null)[] = [];
    if (patch.passwordHash !== undefined) {
      sets.push('password_hash = ?');
      values.push(patch.passwordHash);
    }
    if (patch.disabled !== undefined) {
      sets.push('disabled = ?');
      values.push(patch.disabled ? 1 : 0);
    }
    if (patch.allowSkills !== undefined) {
      sets.push('allow_skills = ?');
      values.push(patch.allowSkills ? 1 : 0);
    }
    if (sets.length === 0) return (await this.getAgent(name)) !== null;
    const r = this.db
      .prepare(`UPDATE agents SET ${sets.join(', ')} WHERE name = ?`)
      .run(...values, name);
    return r.changes > 0;
  }

  async removeAgent(name: string): Promise<boolean> {
    return this.q.removeAgent.run(name).changes > 0;
  }

  async listAgents(): Promise<AgentRecord[]> {
    const byAgent = new Map<string, string[]>();
    for (const { agent, extension } of this.q.allExtensions.all()) {
      const list = byAgent.get(agent) ?? [];
      list.push(extension);
      byAgent.set(agent, list);
    }
    return this.q.listAgents.all().map((row) => toAgent(row, byAgent.get(row.name) ?? []));
  }

  async setExtensions(name: string, ids: readonly string[]): Promise<boolean> {
    if (!this.q.getAgent.get(name)) return false;
    this.db.transaction(() => {
      this.q.clearExtensions.run(name);
      for (const id of ids) this.q.addExtension.run(name, id);
    })();
    return true;
  }

  async createSession(s: SessionRecord): Promise<void> {
    this.q.createSession.run(
      s.tokenHash,
      s.agent,
      s.createdAt,
      s.lastSeenAt,
      s.expiresAt,
      s.sourceAddress,
    );
  }

  async findSession(tokenHash: string): Promise<SessionRecord | null> {
    const row = this.q.findSession.get(tokenHash);
    return row ? toSession(row) : null;
  }

  async listAgentSessions(agent: string): Promise<SessionRecord[]> {
    return this.q.agentSessions.all(agent).map(toSession);
  }

  async touchSession(tokenHash: string, at: number): Promise<void> {
    this.q.touchSession.run(at, tokenHash, at);
  }

  async revokeSession(tokenHash: string): Promise<boolean> {
    return this.q.revokeSession.run(tokenHash).changes > 0;
  }

  async revokeAgentSessions(agent: string): Promise<number> {
    return this.q.revokeAgentSessions.run(agent).changes;
  }

  async purgeSessions(now: number, idleBefore: number): Promise<number> {
    return this.q.purgeSessions.run(now, idleBefore).changes;
  }

  async getFailure(key: string): Promise<FailureRecord | null> {
    const row = this.q.getFailure.get(key);
    return row ? toFailure(row) : null;
  }

  async listFailurePrefix(prefix: string): Promise<FailureRecord[]> {
    return this.q.listFailurePrefix.all({ prefix }).map(toFailure);
  }

  async putFailure(r: FailureRecord): Promise<void> {
    this.q.putFailure.run(r.key, r.count, r.lastAt, r.lockedUntil);
  }

  async clearFailure(key: string): Promise<void> {
    this.q.clearFailure.run(key);
  }

  async updateFailure(
    key: string,
    next: (old: FailureRecord | null) => FailureRecord | null,
  ): Promise<FailureRecord | null> {
    // Synchronous, so nothing else on this thread runs in between; IMMEDIATE takes the write
    // lock before the read, for another process on the same file.
    return this.db
      .transaction(() => {
        const row = this.q.getFailure.get(key);
        const old = row ? toFailure(row) : null;
        const record = next(old);
        if (record) this.q.putFailure.run(key, record.count, record.lastAt, record.lockedUntil);
        else if (old) this.q.clearFailure.run(key);
        return record;
      })
      .immediate();
  }

  async clearFailurePrefix(prefix: string): Promise<number> {
    return this.q.clearFailurePrefix.run({ prefix }).changes;
  }

  async rememberAddress(agent: string, address: string, at: number): Promise<void> {
    this.q.rememberAddress.run({ agent, address, at });
  }

  async knownAddressAt(agent: string, address: string): Promise<number | null> {
    return this.q.knownAddressAt.get(agent, address)?.last_at ?? null;
  }

  async knownAddresses(agent: string): Promise<Array<{ address: string; lastAt: number }>> {
    return this.q.knownAddresses.all(agent).map((r) => ({ address: r.address, lastAt: r.last_at }));
  }

  async purgeKnownAddresses(before: number, limit: number): Promise<number> {
    return this.q.purgeKnownAddresses.run(before, limit).changes;
  }

  async countLocked(now: number): Promise<number> {
    return this.q.countLocked.get(now)?.n ?? 0;
  }

  async purgeFailures(before: number, limit: number): Promise<number> {
    return this.q.purgeFailures.run(before, before, limit).changes;
  }

  async purgeAudit(before: number, limit: number): Promise<number> {
    return this.q.purgeAudit.run(before, limit).changes;
  }

  async appendAudit(records: readonly AuditRecord[]): Promise<void> {
    if (records.length === 0) return;
    this.db.transaction(() => {
      for (const r of records) {
        this.q.appendAudit.run(
          r.at,
          r.agent,
          r.action,
          r.target,
          r.status,
          r.code,
          r.sourceAddress,
        );
      }
    })();
  }

  async listAudit(query: AuditQuery): Promise<AuditRecord[]> {
    const { agent, about, limit } = query;
    const rows =
      agent === undefined
        ? about === undefined
          ? this.q.auditAll.all(limit)
          : this.q.auditAbout.all(about, limit)
        : about === undefined
          ? this.q.auditOf.all(agent, limit)
          : this.q.auditOfAbout.all(agent, about, limit);
    return rows.map((r) => ({
      at: r.at,
      agent: r.agent,
      action: r.action,
      target: r.target,
      status: r.status,
      code: r.code,
      sourceAddress: r.source_address,
    }));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function toFailure(row: FailureRow): FailureRecord {
  return { key: row.key, count: row.count, lastAt: row.last_at, lockedUntil: row.locked_until };
}

function toSession(row: SessionRow): SessionRecord {
  return {
    tokenHash: row.token_hash,
    agent: row.agent,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    sourceAddress: row.source_address,
  };
}

function toAgent(row: AgentRow, extensions: string[]): AgentRecord {
  return {
    name: row.name,
    passwordHash: row.password_hash,
    disabled: row.disabled !== 0,
    allowSkills: row.allow_skills !== 0,
    extensions,
    createdAt: row.created_at,
  };
}
