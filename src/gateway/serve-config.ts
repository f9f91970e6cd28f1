/**
 * `serve`'s configuration from its flags and the environment, checked before anything starts:
 * a value the gateway could not run with (an empty secret key, a platform URL that is not one,
 * a burst that refuses every request, a session that lapses at once) stops it at start with a
 * message naming the flag or variable, instead of failing every agent's request later.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { DEFAULT_PLATFORM_TIME_ZONE, isTimeZone } from '../lib/platform/signing';
import { DEFAULT_AUDIT_DAYS } from './audit';
import { isLoopbackHost, type GatewayOptions } from './index';

/** Bad usage or configuration: the CLI prints it with the usage text and exits with 2. */
export class UsageError extends Error {}

export type ServeConfig = Omit<GatewayOptions, 'logger'>;

type ReadFile = (path: string) => Buffer;

function readOrExplain(what: string, path: string, read: ReadFile): Buffer {
  try {
    return read(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(`${what}: cannot read ${path} (${code})`);
  }
}

/**
 * `--trust-proxy` alone (nothing after it, or another flag) trusts a proxy on this machine;
 * `--trust-proxy ADDR[,ADDR…]` names the proxies. parseArgs has no optional values: a bare one
 * is given the value "loopback" here.
 */
function bareTrustProxy(args: string[]): string[] {
  return args.map((arg, i) =>
    arg === '--trust-proxy' && (i + 1 >= args.length || args[i + 1]!.startsWith('-'))
      ? '--trust-proxy=loopback'
      : arg,
  );
}

/**
 * The addresses `--trust-proxy` names: IPv4 or IPv6 addresses, or subnets as ADDR/BITS (a pool
 * of proxies), separated by commas.
 */
function trustedProxies(text: string): string[] {
  const entries = text.split(/[\s,]+/).filter(Boolean);
  if (entries.length === 0)
    throw new UsageError('--trust-proxy: name the proxy addresses, e.g. --trust-proxy 10.0.0.5');
  for (const entry of entries) {
    const [address = '', bits, extra] = entry.split('/');
    const family = isIP(address);
    const maxBits = family === 6 ? 128 : 32;
    const bitsOk =
      bits === undefined ||
      (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits && extra === undefined);
    if (!family || !bitsOk)
      throw new UsageError(
        `--trust-proxy: "${entry}" is not an IP address or ADDR/BITS subnet (e.g. 10.0.0.5 or 10.0.0.0/29)`,
      );
  }
  return entries;
}

/** Parses `serve`'s flags and the GATEWAY_* variables; throws {@link UsageError}. */
export function serveConfig(
  args: string[],
  env: Record<string, string | undefined>,
  read: ReadFile = (path) => readFileSync(path),
): ServeConfig {
  const { values } = parseArgs({
    args: bareTrustProxy(args),
    strict: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'trust-proxy': { type: 'string' },
      'idle-minutes': { type: 'string' },
      'shift-hours': { type: 'string' },
      'rate-per-second': { type: 'string' },
      burst: { type: 'string' },
      'audit-days': { type: 'string' },
      'platform-time-zone': { type: 'string' },
    },
  });
  // Plain decimal only: Number() would also read "0x50", "1e3", " 80" or "" (as 0).
  const num = (
    flag: string,
    fallback: number,
    ok: (n: number) => boolean,
    rule: string,
    whole = false,
  ) => {
    const value = values[flag as keyof typeof values];
    if (value === undefined) return fallback;
    const decimal = whole ? /^\d+$/ : /^\d+(\.\d+)?$/;
    const n = typeof value === 'string' && decimal.test(value) ? Number(value) : NaN;
    if (!Number.isFinite(n) || !ok(n)) throw new UsageError(`--${flag} must be ${rule}`);
    return n;
  };
  const required = (name: string) => {
    const value = env[name]?.trim();
    if (!value) throw new UsageError(`${name} is not set`);
    return value;
  };
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) {
    throw new UsageError('--tls-cert and --tls-key go together');
  }
  const platformUrl = required('GATEWAY_PLATFORM_URL');
  if (!/^https?:\/\/[^/]/i.test(platformUrl) || !URL.canParse(platformUrl)) {
    throw new UsageError(
      'GATEWAY_PLATFORM_URL must be an http(s) URL, e.g. https://api.yunhuni.com/v1/account/ACC',
    );
  }
  // The flag wins over the variable; either names the zone the platform reads Timestamps in.
  const zoneFrom = values['platform-time-zone'] !== undefined ? '--platform-time-zone' : null;
  const platformTimeZone =
    values['platform-time-zone'] ??
    (env.GATEWAY_PLATFORM_TIME_ZONE?.trim() || DEFAULT_PLATFORM_TIME_ZONE);
  if (!isTimeZone(platformTimeZone)) {
    throw new UsageError(
      `${zoneFrom ?? 'GATEWAY_PLATFORM_TIME_ZONE'} must be a time zone name such as Asia/Shanghai (the platform's), got "${platformTimeZone}"`,
    );
  }
  let secretKey: string;
  if (env.GATEWAY_SECRET_KEY_FILE) {
    const path = env.GATEWAY_SECRET_KEY_FILE;
    secretKey = readOrExplain('GATEWAY_SECRET_KEY_FILE', path, read).toString('utf8').trim();
    if (!secretKey) throw new UsageError(`GATEWAY_SECRET_KEY_FILE: ${path} is empty`);
  } else {
    secretKey = required('GATEWAY_SECRET_KEY');
  }
  const host = values.host ?? '127.0.0.1';
  // X-Forwarded-For is whatever the peer wrote: trusted only from the proxy's own address. A
  // bare --trust-proxy trusts loopback peers, so it needs a gateway only they can reach.
  const trustProxy =
    values['trust-proxy'] === undefined
      ? false
      : values['trust-proxy'] === 'loopback'
        ? true
        : trustedProxies(values['trust-proxy']);
  if (trustProxy === true && !isLoopbackHost(host)) {
    throw new UsageError(
      `--trust-proxy alone trusts a proxy on this machine, so the gateway must listen on loopback (--host 127.0.0.1), not ${host}; for a proxy on another machine name its address: --trust-proxy 10.0.0.5`,
    );
  }
  const ratePerSec = num(
    'rate-per-second',
    20,
    (n) => n === 0 || n >= 1,
    '0 (no limit) or a number ≥ 1',
  );
  const burst = num('burst', 40, (n) => n === 0 || n >= 1, '0 (no limit) or a number ≥ 1');
  return {
    platformUrl,
    credentials: {
      appId: required('GATEWAY_APP_ID'),
      certId: required('GATEWAY_CERT_ID'),
      secretKey,
    },
    platformTimeZone,
    database: env.GATEWAY_DATABASE || './gateway.db',
    host,
    port: num('port', 8780, (n) => n <= 65535, 'a port number (0–65535)', true),
    tls:
      values['tls-cert'] && values['tls-key']
        ? {
            cert: readOrExplain('--tls-cert', values['tls-cert'], read),
            key: readOrExplain('--tls-key', values['tls-key'], read),
          }
        : null,
    trustProxy,
    idleSeconds: num('idle-minutes', 15, (n) => n >= 1, 'a number of minutes ≥ 1') * 60,
    absoluteSeconds: num('shift-hours', 12, (n) => n >= 1, 'a number of hours ≥ 1') * 3600,
    // Either one at 0 turns the limit off, as documented.
    ratePerSec: burst === 0 ? 0 : ratePerSec,
    burst,
    auditDays: num(
      'audit-days',
      DEFAULT_AUDIT_DAYS,
      () => true,
      'a whole number of days ≥ 0 (0 = keep for good)',
      true,
    ),
  };
}
