/**
 * Starts the agent gateway: store (migrated), sessions, forwarder and HTTP(S) server.
 * `npm run gateway` (cli.ts) and the tests both call {@link startGateway}.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { AuditLog, DEFAULT_AUDIT_DAYS, purgeAudit } from './audit';
import { Forwarder } from './forward';
import { DEFAULT_LOCKOUT, type LockoutPolicy } from './lockout';
import { Metrics } from './metrics';
import { settleUnknownNameCost } from './passwords';
import { RateLimiter } from './rate-limit';
import { createGatewayServer } from './server';
import { sweepDisabled } from './disabled-sweep';
import { idleBefore, Sessions } from './sessions';
import { openStore } from './store/open';
import { GATEWAY_PATHS } from '../shared/gateway/wire';
import { silentLogger, type Logger } from '../lib/ports';
import { isTimeZone, type Credentials } from '../lib/platform/signing';
import type { GatewayStore } from './store/port';

/** How often disabled agents still logged in on the platform are looked for (default). */
export const DISABLED_SWEEP_EVERY_MS = 60_000;
/** How often stale sign-in failure rows are purged. */
export const LOCKOUT_PURGE_EVERY_MS = 5 * 60_000;
/** How often audit rows past the retention period are purged. */
export const AUDIT_PURGE_EVERY_MS = 60 * 60_000;
const DAY_MS = 24 * 3600_000;

export interface GatewayOptions {
  /** The platform's BASE_URL (…/v1/account/{account}). */
  platformUrl: string;
  /** The account's AppID, CertID and secret key: they never leave this process. */
  credentials: Credentials;
  /**
   * The platform's time zone (IANA name, default Asia/Shanghai): requests are signed with its
   * wall clock, whatever zone this machine runs in.
   */
  platformTimeZone?: string;
  /** A SQLite file path (default) or a postgres:// URL; or an open store (tests). */
  database: string | GatewayStore;
  host?: string;
  /** 0 = any free port. */
  port?: number;
  tls?: { cert: string | Buffer; key: string | Buffer } | null;
  /**
   * Whose X-Forwarded-For names the client (the lockout counts that address): `true` = peers on
   * loopback (a proxy on this machine), or the proxies' addresses / ADDR/BITS subnets. Any other
   * peer's header is ignored. Default: nobody's.
   */
  trustProxy?: boolean | readonly string[];
  /** Session idle expiry (default 15 min) and absolute expiry (default 12 h). */
  idleSeconds?: number;
  absoluteSeconds?: number;
  /** Per-agent rate limit (default 20/s, burst 40); 0 turns it off. */
  ratePerSec?: number;
  burst?: number;
  lockout?: Partial<LockoutPolicy>;
  platformTimeoutMs?: number;
  /**
   * Days audit rows are kept (default {@link DEFAULT_AUDIT_DAYS}); 0 keeps them for good. Every
   * request is a row (keepalives too), so a floor writes about a million a day.
   */
  auditDays?: number;
  /** How often to log disabled agents out of the platform (default 60 s; disabled-sweep.ts). */
  disabledSweepSeconds?: number;
  logger?: Logger;
  now?: () => number;
}

export interface RunningGateway {
  /** http(s)://host:port */
  origin: string;
  /** What the desktop's PlatformClient uses as its base URL. */
  platformBaseUrl: string;
  port: number;
  store: GatewayStore;
  metrics: Metrics;
  server: Server;
  close(): Promise<void>;
}

/** Whether `host` is an address only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/i.test(host);
}

/**
 * The warning for plain HTTP reachable from other machines (no TLS here): agents' passwords and
 * tokens would cross the floor's network readable — from the desktops, or from a proxy on
 * another machine that terminates TLS. Null when the gateway listens on loopback only (a proxy
 * on this machine, `--trust-proxy`, or no one else) or serves TLS itself.
 */
export function plainHttpExposure(host: string, tls: GatewayOptions['tls']): string | null {
  if (tls || isLoopbackHost(host)) return null;
  return 'plain HTTP on a network address: passwords and tokens cross the network readable; use --tls-cert/--tls-key, or listen on 127.0.0.1 behind a TLS proxy on this machine (--trust-proxy)';
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  // Before anything opens: an unknown zone would fail every signed request.
  if (options.platformTimeZone !== undefined && !isTimeZone(options.platformTimeZone)) {
    throw new Error(`platformTimeZone: "${options.platformTimeZone}" is not a time zone name`);
  }
  const ownsStore = typeof options.database === 'string';
  const store =
    typeof options.database === 'string' ? await openStore(options.database) : options.database;
  // Unknown names are checked at the agents' own hash cost from the first refusal on.
  try {
    await settleUnknownNameCost((await store.listAgents()).map((a) => a.passwordHash));
  } catch (error) {
    logger.warn('could not read the agents’ hash cost; unknown names use the default', {
      error: String(error),
    });
  }
  const metrics = new Metrics();
  const idleMs = (options.idleSeconds ?? 15 * 60) * 1000;
  const sessions = new Sessions(
    store,
    { idleMs, absoluteMs: (options.absoluteSeconds ?? 12 * 3600) * 1000 },
    { ...DEFAULT_LOCKOUT, ...options.lockout },
  );
  const audit = new AuditLog(store, logger, (n) => (metrics.auditDropped += n));
  const forwarder = new Forwarder({
    baseUrl: options.platformUrl,
    credentials: options.credentials,
    timeoutMs: options.platformTimeoutMs ?? 10_000,
    ...(options.platformTimeZone ? { timeZone: options.platformTimeZone } : {}),
  });
  const server = createGatewayServer({
    store,
    sessions,
    forwarder,
    metrics,
    limiter: new RateLimiter(options.ratePerSec ?? 20, options.burst ?? 40),
    audit,
    logger,
    now,
    trustProxy: options.trustProxy ?? false,
    tls: options.tls ?? null,
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const purge = setInterval(() => {
    const t = now();
    store
      .purgeSessions(t, idleBefore(t, idleMs))
      .catch((error) => logger.warn('session purge failed', { error: String(error) }));
  }, 60_000);
  purge.unref();
  // Failure rows for names and addresses that stopped trying would otherwise stay for good (a
  // password-spraying run leaves one per name tried). A run still going when the next is due
  // (a large backlog, a slow database) is not doubled.
  let lockoutPurge: Promise<void> | null = null;
  const purgeLockout = setInterval(() => {
    if (lockoutPurge) return;
    lockoutPurge = sessions.lockout
      .purge(now())
      .then(
        () => undefined,
        (error) => logger.warn('lockout purge failed', { error: String(error) }),
      )
      .finally(() => (lockoutPurge = null));
  }, LOCKOUT_PURGE_EVERY_MS);
  purgeLockout.unref();
  // The audit table past its retention; a run still going when the next is due is not doubled.
  const auditDays = options.auditDays ?? DEFAULT_AUDIT_DAYS;
  let auditPurge: Promise<void> | null = null;
  const purgeOldAudit = setInterval(() => {
    if (auditPurge || auditDays <= 0) return;
    auditPurge = purgeAudit(store, now() - auditDays * DAY_MS)
      .then(
        (rows) => {
          if (rows > 0) logger.info('audit rows past retention purged', { rows, days: auditDays });
        },
        (error) => logger.warn('audit purge failed', { error: String(error) }),
      )
      .finally(() => (auditPurge = null));
  }, AUDIT_PURGE_EVERY_MS);
  purgeOldAudit.unref();
  // A disabled agent is logged out of the platform once not in a call (disabled-sweep.ts).
  let sweeping: Promise<void> | null = null;
  const sweepDisabledAgents = setInterval(
    () => {
      if (sweeping) return;
      sweeping = sweepDisabled({ store, forwarder, audit, logger, now })
        .catch((error) => logger.warn('disabled-agent sweep failed', { error: String(error) }))
        .finally(() => (sweeping = null));
    },
    options.disabledSweepSeconds !== undefined
      ? options.disabledSweepSeconds * 1000
      : DISABLED_SWEEP_EVERY_MS,
  );
  sweepDisabledAgents.unref();
  logger.info('gateway listening', { origin, store: store.kind, platform: options.platformUrl });
  const exposed = plainHttpExposure(host, options.tls ?? null);
  if (exposed) logger.warn(exposed, { origin });
  return {
    origin,
    platformBaseUrl: origin + GATEWAY_PATHS.platform,
    port,
    store,
    metrics,
    server,
    async close() {
      clearInterval(purge);
      clearInterval(purgeLockout);
      clearInterval(purgeOldAudit);
      clearInterval(sweepDisabledAgents);
      await lockoutPurge;
      await auditPurge;
      await sweeping;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      forwarder.close();
      await audit.close();
      if (ownsStore) await store.close();
    },
  };
}
