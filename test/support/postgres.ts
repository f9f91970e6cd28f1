/**
 * A throwaway PostgreSQL for tests: AGENT_DESKTOP_TEST_PG_URL when set (a server someone else
 * runs), else its own cluster in a temp directory from Debian's postgresql binaries, run as the
 * `postgres` user on 127.0.0.1 and a free port, removed afterwards. Works the same on a
 * developer machine and in CI. Without either, tests skip with the reason (and fail under
 * AGENT_DESKTOP_REQUIRE_SYSTEM=1).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const PG_BIN = '/usr/lib/postgresql/15/bin';
export const PG_URL_ENV = 'AGENT_DESKTOP_TEST_PG_URL';

export interface TestPostgres {
  /** A fresh, empty database on the server. */
  url: string;
  /** Another fresh database on the same server. */
  newDatabase(): Promise<string>;
  stop(): Promise<void>;
}

/** null when PostgreSQL can be had, else the reason to skip; throws in CI mode. */
export function missingPostgres(): string | null {
  if (process.env[PG_URL_ENV]) return null;
  const reasons: string[] = [];
  if (!existsSync(join(PG_BIN, 'initdb'))) reasons.push(`${PG_BIN}/initdb (Debian: postgresql)`);
  else if (spawnSync('id', ['-u', 'postgres']).status !== 0) reasons.push('a postgres user');
  else if (process.getuid?.() !== 0)
    reasons.push(`root (to run initdb as postgres) or ${PG_URL_ENV}`);
  if (reasons.length === 0) return null;
  const reason = `needs ${reasons.join(', ')}`;
  if (process.env.AGENT_DESKTOP_REQUIRE_SYSTEM === '1') {
    throw new Error(`AGENT_DESKTOP_REQUIRE_SYSTEM=1 but this test ${reason}`);
  }
  console.warn(`[skipped] ${reason}`);
  return reason;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function createDatabase(adminUrl: string): Promise<string> {
  const name = `gw_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Starts (or connects to) a PostgreSQL server; call only when {@link missingPostgres} is null. */
export async function startTestPostgres(): Promise<TestPostgres> {
  const external = process.env[PG_URL_ENV];
  if (external) {
    return {
      url: await createDatabase(external),
      newDatabase: () => createDatabase(external),
      stop: async () => undefined,
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'gw-pg-'));
  chmodSync(dir, 0o755);
  const data = join(dir, 'data');
  const asPostgres = (args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', ...args], { stdio: 'pipe', timeout: 60_000 });
  execFileSync('chown', ['postgres:postgres', dir]);
  asPostgres([join(PG_BIN, 'initdb'), '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const port = await freePort();
  asPostgres([
    join(PG_BIN, 'pg_ctl'),
    '-D',
    data,
    '-w',
    '-l',
    join(dir, 'log'),
    '-o',
    `-k ${dir} -p ${port} -h 127.0.0.1 -c fsync=off -c max_connections=200`,
    'start',
  ]);
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url: await createDatabase(admin),
    newDatabase: () => createDatabase(admin),
    stop: async () => {
      try {
        asPostgres([join(PG_BIN, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
