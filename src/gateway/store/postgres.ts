/**
 * PostgreSQL adapter (`pg`): several gateway instances share one database, so sessions,
 * lockouts and the audit log are the same whichever instance an agent's request lands on.
 * Migrations take an advisory lock, so instances starting together do not race.
 */
import pg from 'pg';
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

/**
 * Migration 6: the desks migration 4 seeded from IPv6 sessions by their whole address, under
 * the /64 the lockout looks them up by (a desk's privacy address changes daily within it).
 */
async function rescopeDesks(client: pg.PoolClient): Promise<void> {
  const found = await client.query<{ agent: string; address: string; lastAt: string }>(
    `SELECT agent, address, last_at AS "lastAt" FROM known_addresses
     WHERE address LIKE '%:%' AND address NOT LIKE '%/64'`,
  );
  for (const row of unscopedDesks(found.rows)) {
    await client.query(
      `INSERT INTO known_addresses (agent, address, last_at) VALUES ($1, $2, $3)
       ON CONFLICT (agent, address)
       DO UPDATE SET last_at = GREATEST(known_addresses.last_at, EXCLUDED.last_at)`,
      [row.agent, row.desk, row.lastAt],
    );
    await client.query('DELETE FROM known_addresses WHERE agent = $1 AND address = $2', [
      row.agent,
      row.address,
    ]);
  }
}

/**
 * Schema steps; the index + 1 is the version. Never edit a step that has shipped: add one. A
 * function step is for what SQL alone cannot say.
 */
const MIGRATIONS: Array<string | ((client: pg.PoolClient) => Promise<void>)> = [
  `CREATE TABLE agents (
     name TEXT PRIMARY KEY,
     password_hash TEXT,
     disabled BOOLEAN NOT NULL DEFAULT FALSE,
     allow_skills BOOLEAN NOT NULL DEFAULT FALSE,
     created_at BIGINT NOT NULL
   );
   CREATE TABLE agent_extensions (
     agent TEXT NOT NULL REFERENCES agents(name) ON DELETE CASCADE,
     extension TEXT NOT NULL,
     PRIMARY KEY (agent, extension)
   );
   CREATE TABLE sessions (
     token_hash TEXT PRIMARY KEY,
     agent TEXT NOT NULL REFERENCES agents(name) ON DELETE CASCADE,
     created_at BIGINT NOT NULL,
     last_seen_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL,
     source_address TEXT NOT NULL
   );
   CREATE INDEX sessions_agent ON sessions(agent);
   CREATE TABLE failures (
     key TEXT PRIMARY KEY,
     count INTEGER NOT NULL,
     last_at BIGINT NOT NULL,
     locked_until BIGINT NOT NULL
   );
   CREATE TABLE audit (
     id BIGSERIAL PRIMARY KEY,
     at BIGINT NOT NULL,
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
     last_at BIGINT NOT NULL,
     PRIMARY KEY (agent, address)
   );
   CREATE INDEX known_addresses_last_at ON known_addresses(last_at);
   INSERT INTO known_addresses (agent, address, last_at)
     SELECT agent, CASE WHEN lower(source_address) LIKE '::ffff:%.%'
       THEN substr(source_address, 8) ELSE source_address END AS address, MAX(created_at)
     FROM sessions GROUP BY 1, 2 ON CONFLICT DO NOTHING;`,
  // `audit --about NAME`: rows by the target's first word, newest first, without a scan.
  `CREATE INDEX audit_subject ON audit (split_part(target, ' ', 1), id);`,
  rescopeDesks,
];
/** Any fixed number: the advisory lock that serialises migrations across instances. */
const MIGRATION_LOCK = 7_310_412;

type Row = Record<string, unknown>;

/** Writes a failure row whole, whether or not it exists ($1 key, $2 count, $3 last, $4 lock). */
const PUT_FAILURE = `INSERT INTO failures (key, count, last_at, locked_until) VALUES ($1, $2, $3, $4)
  ON CONFLICT (key) DO UPDATE SET count = EXCLUDED.count, last_at = EXCLUDED.last_at,
    locked_until = EXCLUDED.locked_until`;

export interface PostgresOptions {
  max?: number;
  /** Giving up on a new connection (default 5 s). */
  connectTimeoutMs?: number;
  /** Giving up on one query (default 10 s). */
  queryTimeoutMs?: number;
}

/**
 * Without these bounds, a database host that stops answering (a network partition, a server
 * hung in recovery) held every request, health check and audit write for minutes — until the
 * operating system gave the TCP connection up — and requests piled up behind the pool. With
 * them, each answers GW0503 (and /healthz 503) within seconds, and recovers with the database.
 */
export function openPostgresStore(url: string, options: PostgresOptions = {}): GatewayStore {
  const queryTimeout = options.queryTimeoutMs ?? 10_000;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    query_timeout: queryTimeout,
    statement_timeout: queryTimeout,
    keepAlive: true,
  });
  // An idle client losing its connection must not crash the process holding agents' sessions.
  pool.on('error', () => undefined);
  return new PostgresStore(pool);
}

class PostgresStore implements GatewayStore {
  readonly kind = 'postgres';
  constructor(private readonly pool: pg.Pool) {}

  private async rows(sql: string, values: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(sql, values)).rows as Row[];
  }

  private async count(sql: string, values: unknown[]): Promise<number> {
    return (await this.pool.query(sql, values)).rowCount ?? 0;
  }

  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
      const found = await client.query('SELECT version FROM schema_version');
      let version = found.rows.length ? Number(found.rows[0].version) : 0;
      if (!found.rows.length) await client.query('INSERT INTO schema_version VALUES (0)');
      for (; version < MIGRATIONS.length; version++) {
        await client.query('BEGIN');
        try {
          const step = MIGRATIONS[version]!;
          if (typeof step === 'string') await client.query(step);
          else await step(client);
          await client.query('UPDATE schema_version SET version = $1', [version + 1]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      client.release();
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async addAgent(a: Omit<AgentRecord, 'extensions'>): Promise<boolean> {
    return (
      (await this.count(
        `INSERT INTO agents (name, password_hash, disabled, allow_skills, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING`,
        [a.name, a.passwordHash, a.disabled, a.allowSkills, a.createdAt],
      )) > 0
    );
  }

  async getAgent(name: string): Promise<AgentRecord | null> {
    const [row] = await this.rows(
      `SELECT a.*, COALESCE(ARRAY(SELECT extension FROM agent_extensions e
         WHERE e.agent = a.name ORDER BY extension), '{}') AS extensions
       FROM agents a WHERE a.name = $1`,
      [name],
    );
    return row ? toAgent(row) : null;
  }

  async updateAgent(name: string, patch: AgentPatch): Promise<boolean> {
    const sets: string[] = [];
    const values: unknown[] = [];
    const add = (column: string, value: unknown) => {
      values.push(value);
      sets.push(`${column} = $${values.length}`);
    };
    if (patch.passwordHash !== undefined) add('password_hash', patch.passwordHash);
    if (patch.disabled !== undefined) add('disabled', patch.disabled);
    if (patch.allowSkills !== undefined) add('allow_skills', patch.allowSkills);
    if (sets.length === 0) return (await this.getAgent(name)) !== null;
    values.push(name);
    return (
      (await this.count(
        `UPDATE agents SET ${sets.join(', ')} WHERE name = $${values.length}`,
        values,
      )) > 0
    );
  }

  async removeAgent(name: string): Promise<boolean> {
    return (await this.count('DELETE FROM agents WHERE name = $1', [name])) > 0;
  }

  async listAgents(): Promise<AgentRecord[]> {
    const rows = await this.rows(
      `SELECT a.*, COALESCE(ARRAY(SELECT extension FROM agent_extensions e
         WHERE e.agent = a.name ORDER BY extension), '{}') AS extensions
       FROM agents a ORDER BY a.name`,
    );
    return rows.map(toAgent);
  }

  async setExtensions(name: string, ids: readonly string[]): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const found = await client.query('SELECT 1 FROM agents WHERE name = $1 FOR UPDATE', [name]);
      if (found.rowCount === 0) {
        await client.query('ROLLBACK');
        return false;
      }
      await client.query('DELETE FROM agent_extensions WHERE agent = $1', [name]);
      if (ids.length) {
        await client.query(
          `INSERT INTO agent_extensions (agent, extension)
           SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
          [name, [...ids]],
        );
      }
      await client.query('COMMIT');
      return true;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async createSession(s: SessionRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO sessions (token_hash, agent, created_at, last_seen_at, expires_at, source_address)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [s.tokenHash, s.agent, s.createdAt, s.lastSeenAt, s.expiresAt, s.sourceAddress],
    );
  }

  async findSession(tokenHash: string): Promise<SessionRecord | null> {
    const [row] = await this.rows('SELECT * FROM sessions WHERE token_hash = $1', [tokenHash]);
    return row ? toSession(row) : null;
  }

  async listAgentSessions(agent: string): Promise<SessionRecord[]> {
    const rows = await this.rows(
      'SELECT * FROM sessions WHERE agent = $1 ORDER BY last_seen_at DESC',
      [agent],
    );
    return rows.map(toSession);
  }

  async touchSession(tokenHash: string, at: number): Promise<void> {
    await this.pool.query(
      'UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2 AND last_seen_at < $1',
      [at, tokenHash],
    );
  }

  async revokeSession(tokenHash: string): Promise<boolean> {
    return (await this.count('DELETE FROM sessions WHERE token_hash = $1', [tokenHash])) > 0;
  }

  async revokeAgentSessions(agent: string): Promise<number> {
    return this.count('DELETE FROM sessions WHERE agent = $1', [agent]);
  }

  async purgeSessions(now: number, idleBefore: number): Promise<number> {
    return this.count('DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at < $2', [
      now,
      idleBefore,
    ]);
  }

  async getFailure(key: string): Promise<FailureRecord | null> {
    const [row] = await this.rows('SELECT * FROM failures WHERE key = $1', [key]);
    return row ? toFailure(row) : null;
  }

  async putFailure(r: FailureRecord): Promise<void> {
    await this.pool.query(PUT_FAILURE, [r.key, r.count, r.lastAt, r.lockedUntil]);
  }

  async updateFailure(
    key: string,
    next: (old: FailureRecord | null) => FailureRecord | null,
  ): Promise<FailureRecord | null> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // A row to lock, also for a key seen for the first time (count 0: as if none).
      await client.query(
        `INSERT INTO failures (key, count, last_at, locked_until) VALUES ($1, 0, 0, 0)
         ON CONFLICT (key) DO NOTHING`,
        [key],
      );
      const found = await client.query('SELECT * FROM failures WHERE key = $1 FOR UPDATE', [key]);
      const row = found.rows[0] as Row | undefined;
      const old = row && Number(row.count) > 0 ? toFailure(row) : null;
      const record = next(old);
      if (record) {
        // An upsert: a row deleted meanwhile (a success, a purge) is written again, not lost.
        await client.query(PUT_FAILURE, [key, record.count, record.lastAt, record.lockedUntil]);
      } else {
        await client.query('DELETE FROM failures WHERE key = $1', [key]);
      }
      await client.query('COMMIT');
      return record;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async clearFailure(key: string): Promise<void> {
    await this.pool.query('DELETE FROM failures WHERE key = $1', [key]);
  }

  async clearFailurePrefix(prefix: string): Promise<number> {
    return this.count('DELETE FROM failures WHERE left(key, length($1)) = $1', [prefix]);
  }

  async listFailurePrefix(prefix: string): Promise<FailureRecord[]> {
    const rows = await this.rows(
      'SELECT * FROM failures WHERE left(key, length($1)) = $1 ORDER BY key',
      [prefix],
    );
    return rows.map(toFailure);
  }

  async rememberAddress(agent: string, address: string, at: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO known_addresses (agent, address, last_at)
       SELECT $1::text, $2::text, $3::bigint WHERE EXISTS (SELECT 1 FROM agents WHERE name = $1)
       ON CONFLICT (agent, address)
         DO UPDATE SET last_at = GREATEST(known_addresses.last_at, EXCLUDED.last_at)`,
      [agent, address, at],
    );
  }

  async knownAddressAt(agent: string, address: string): Promise<number | null> {
    const [row] = await this.rows(
      'SELECT last_at FROM known_addresses WHERE agent = $1 AND address = $2',
      [agent, address],
    );
    return row ? Number(row.last_at) : null;
  }

  async knownAddresses(agent: string): Promise<Array<{ address: string; lastAt: number }>> {
    const rows = await this.rows(
      'SELECT address, last_at FROM known_addresses WHERE agent = $1 ORDER BY last_at DESC, address',
      [agent],
    );
    return rows.map((r) => ({ address: String(r.address), lastAt: Number(r.last_at) }));
  }

  async purgeKnownAddresses(before: number, limit: number): Promise<number> {
    // SKIP LOCKED: a row a sign-in is writing is left for the next round (as for failures).
    return this.count(
      `DELETE FROM known_addresses WHERE (agent, address) IN (SELECT agent, address
         FROM known_addresses WHERE last_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [before, limit],
    );
  }

  async countLocked(now: number): Promise<number> {
    const [row] = await this.rows('SELECT COUNT(*) AS n FROM failures WHERE locked_until > $1', [
      now,
    ]);
    return Number(row?.n ?? 0);
  }

  async purgeFailures(before: number, limit: number): Promise<number> {
    // SKIP LOCKED: a row a sign-in is writing right now is left for the next round, so the
    // purge never waits on a sign-in, and two instances purging at once split the rows.
    return this.count(
      `DELETE FROM failures WHERE key IN (SELECT key FROM failures
         WHERE last_at < $1 AND locked_until < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [before, limit],
    );
  }

  async purgeAudit(before: number, limit: number): Promise<number> {
    // SKIP LOCKED: two instances purging at once split the rows instead of waiting on each other.
    return this.count(
      `DELETE FROM audit WHERE id IN (SELECT id FROM audit
         WHERE at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [before, limit],
    );
  }

  async appendAudit(records: readonly AuditRecord[]): Promise<void> {
    if (records.length === 0) return;
    const cols = ['at', 'agent', 'action', 'target', 'status', 'code', 'source_address'];
    await this.pool.query(
      `INSERT INTO audit (${cols.join(', ')})
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::int[],
         $6::text[], $7::text[])`,
      [
        records.map((r) => r.at),
        records.map((r) => r.agent),
        records.map((r) => r.action),
        records.map((r) => r.target),
        records.map((r) => r.status),
        records.map((r) => r.code),
        records.map((r) => r.sourceAddress),
      ],
    );
  }

  async listAudit(query: AuditQuery): Promise<AuditRecord[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    if (query.agent !== undefined) {
      values.push(query.agent);
      where.push(`agent = $${values.length}`);
    }
    if (query.about !== undefined) {
      values.push(query.about);
      // The audit_subject index's expression.
      where.push(`split_part(target, ' ', 1) = $${values.length}`);
    }
    values.push(query.limit);
    const rows = await this.rows(
      `SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY id DESC LIMIT $${values.length}`,
      values,
    );
    return rows.map((r) => ({
      at: Number(r.at),
      agent: String(r.agent),
      action: String(r.action),
      target: String(r.target),
      status: Number(r.status),
      code: String(r.code),
      sourceAddress: String(r.source_address),
    }));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function toFailure(row: Row): FailureRecord {
  return {
    key: String(row.key),
    count: Number(row.count),
    lastAt: Number(row.last_at),
    lockedUntil: Number(row.locked_until),
  };
}

function toSession(row: Row): SessionRecord {
  return {
    tokenHash: String(row.token_hash),
    agent: String(row.agent),
    createdAt: Number(row.created_at),
    lastSeenAt: Number(row.last_seen_at),
    expiresAt: Number(row.expires_at),
    sourceAddress: String(row.source_address),
  };
}

function toAgent(row: Row): AgentRecord {
  return {
    name: String(row.name),
    passwordHash: row.password_hash === null ? null : String(row.password_hash),
    disabled: row.disabled === true,
    allowSkills: row.allow_skills === true,
    extensions: (row.extensions as string[]) ?? [],
    createdAt: Number(row.created_at),
  };
}
