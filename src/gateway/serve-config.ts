/**
 * `serve`'s configuration from its flags and the environment, checked before anything starts:
 * a value the gateway could not run with (an empty secret key, a platform URL that is not one,
 * a burst that refuses every request, a session that lapses at once) stops it at start with a
 * message naming the flag or variable, instead of failing every agent's request later.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_AUDIT_DAYS } from './audit';
import type { GatewayOptions } from './index';

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

/** Parses `serve`'s flags and the GATEWAY_* variables; throws {@link UsageError}. */
export function serveConfig(
  args: string[],
  env: Record<string, string | undefined>,
  read: ReadFile = (path) => readFileSync(path),
): ServeConfig {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'trust-proxy': { type: 'boolean' },
      'idle-minutes': { type: 'string' },
      'shift-hours': { type: 'string' },
      'rate-per-second': { type: 'string' },
      burst: { type: 'string' },
      'audit-days': { type: 'string' },
    },
  });
  const num = (flag: string, fallback: number, ok: (n: number) => boolean, rule: string) => {
    const value = values[flag as keyof typeof values];
    if (value === undefined) return fallback;
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
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
  let secretKey: string;
  if (env.GATEWAY_SECRET_KEY_FILE) {
    const path = env.GATEWAY_SECRET_KEY_FILE;
    secretKey = readOrExplain('GATEWAY_SECRET_KEY_FILE', path, read).toString('utf8').trim();
    if (!secretKey) throw new UsageError(`GATEWAY_SECRET_KEY_FILE: ${path} is empty`);
  } else {
    secretKey = required('GATEWAY_SECRET_KEY');
  }
  const positive = (n: number) => n > 0;
  const ratePerSec = num('rate-per-second', 20, (n) => n >= 0, 'a number ≥ 0 (0 = no limit)');
  const burst = num('burst', 40, (n) => n === 0 || n >= 1, '0 (no limit) or a number ≥ 1');
  return {
    platformUrl,
    credentials: {
      appId: required('GATEWAY_APP_ID'),
      certId: required('GATEWAY_CERT_ID'),
      secretKey,
    },
    database: env.GATEWAY_DATABASE || './gateway.db',
    host: values.host ?? '127.0.0.1',
    port: num(
      'port',
      8780,
      (n) => Number.isInteger(n) && n >= 0 && n <= 65535,
      'a port number (0–65535)',
    ),
    tls:
      values['tls-cert'] && values['tls-key']
        ? {
            cert: readOrExplain('--tls-cert', values['tls-cert'], read),
            key: readOrExplain('--tls-key', values['tls-key'], read),
          }
        : null,
    trustProxy: values['trust-proxy'] ?? false,
    idleSeconds: num('idle-minutes', 15, positive, 'a number of minutes > 0') * 60,
    absoluteSeconds: num('shift-hours', 12, positive, 'a number of hours > 0') * 3600,
    // Either one at 0 turns the limit off, as documented.
    ratePerSec: burst === 0 ? 0 : ratePerSec,
    burst,
    auditDays: num(
      'audit-days',
      DEFAULT_AUDIT_DAYS,
      (n) => Number.isInteger(n) && n >= 0,
      'a whole number of days ≥ 0 (0 = keep for good)',
    ),
  };
}
