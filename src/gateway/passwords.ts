/**
 * Agent passwords: scrypt with a per-user random salt, compared in constant time.
 *
 * Parameters N=2^14, r=8, p=1 (16 MiB, ~40–60 ms on one core here). Why: the login storm
 * (1,000 agents within 60 s on a 2-core machine) needs ≥ 17 hashes/s with room for the rest of
 * the gateway; 2^14 gives ~35/s on two cores. 2^15 would leave no margin, and 2^17 (OWASP's
 * stronger figure) would take ~4 minutes. The parameters travel in each hash, so a site can
 * raise them later (GATEWAY_SCRYPT_LOG_N for the admin CLI) and old hashes still verify.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  logN: number;
  r: number;
  p: number;
}
export const DEFAULT_SCRYPT: ScryptParams = { logN: 14, r: 8, p: 1 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Longer passwords are refused before hashing (scrypt cost does not depend on it, but memory does). */
export const MAX_PASSWORD_CHARS = 1024;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.logN;
  return new Promise((resolve, reject) =>
    scrypt(
      password.normalize('NFC'),
      salt,
      KEY_BYTES,
      { N, r: params.r, p: params.p, maxmem: 256 * N * params.r + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

/** `scrypt$logN$r$p$salt$hash`, salt and hash in base64. */
export async function hashPassword(password: string, params = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return [
    'scrypt',
    params.logN,
    params.r,
    params.p,
    salt.toString('base64'),
    key.toString('base64'),
  ].join('$');
}

const FORMAT = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/**
 * Stored hashes that no password matches, by cost: verifying an unknown name against one costs
 * what a real hash of that cost does.
 */
const dummies = new Map<string, Promise<string>>();
/**
 * The cost an unknown name is checked at: from the start, the agents' usual cost
 * ({@link settleUnknownNameCost}), then that of the last real hash verified, so a site that
 * changed GATEWAY_SCRYPT_LOG_N for its agents does not make unknown names answer at another speed.
 */
let lastCost: ScryptParams = DEFAULT_SCRYPT;

function dummyHash(params: ScryptParams): Promise<string> {
  const key = `${params.logN}$${params.r}$${params.p}`;
  let dummy = dummies.get(key);
  if (!dummy) {
    dummy = hashPassword(randomBytes(16).toString('hex'), params);
    dummies.set(key, dummy);
  }
  return dummy;
}

interface Parsed {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

/** A stored hash taken apart; null when it is malformed or its cost is out of bounds. */
function parse(stored: string): Parsed | null {
  const m = FORMAT.exec(stored);
  if (!m) return null;
  const params = { logN: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (
    params.logN < 10 ||
    params.logN > 20 ||
    params.r < 1 ||
    params.r > 32 ||
    params.p < 1 ||
    params.p > 16
  ) {
    return null;
  }
  return { params, salt: Buffer.from(m[4]!, 'base64'), key: Buffer.from(m[5]!, 'base64') };
}

/**
 * At a gateway's start: unknown names are checked at the cost most of the agents' stored hashes
 * have (the higher on a tie; the default when none has a password), and that cost's dummy hash
 * is made now, not during the first refusal. Until then the first refusals after a start ran at
 * the default cost whatever the site's, and the first one spent two hashes.
 */
export async function settleUnknownNameCost(
  stored: Iterable<string | null>,
): Promise<ScryptParams> {
  const counts = new Map<string, { params: ScryptParams; n: number }>();
  for (const hash of stored) {
    const params = hash === null ? null : parse(hash)?.params;
    if (!params) continue;
    const key = `${params.logN}$${params.r}$${params.p}`;
    const seen = counts.get(key) ?? { params, n: 0 };
    seen.n++;
    counts.set(key, seen);
  }
  let best: { params: ScryptParams; n: number } | null = null;
  for (const c of counts.values()) {
    if (!best || c.n > best.n || (c.n === best.n && c.params.logN > best.params.logN)) best = c;
  }
  lastCost = best?.params ?? DEFAULT_SCRYPT;
  await dummyHash(lastCost);
  return lastCost;
}

/**
 * True when the password matches. `stored` null (unknown agent, or no password set) still
 * spends one scrypt at the cost of the agents' hashes, so the answer's timing does not say
 * whether the name exists.
 */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const shaped = stored !== null && FORMAT.test(stored);
  const real = shaped ? parse(stored) : null;
  // A cost out of bounds is refused before any work; a malformed hash costs what a missing one does.
  if (shaped && !real) return false;
  const used = real ?? parse(await dummyHash(lastCost))!;
  if (real) lastCost = real.params;
  const key = await derive(password, used.salt, used.params);
  return real !== null && key.length === real.key.length && timingSafeEqual(key, real.key);
}
