/**
 * Sign-in lockout with growing delays, kept in the store so every instance sees the same count.
 * After `freeFailures` wrong passwords a key is locked for base·2^(extra failures), capped; a
 * quiet `forgetMs` starts the count afresh. Three counts:
 * - per name and address (`pair:`): the lock an agent can bring on themselves at their desk;
 * - per name across the addresses it has not signed in from lately (`agent:`): guessing spread
 *   over many addresses meets the same lock as guessing from one, but the agent's own desks
 *   (where the name signed in within `knownAddressMs`) are spared it, so wrong passwords sent
 *   from elsewhere cannot lock an agent out at their desk;
 * - per address across names (`addr:`), with a larger allowance, since a whole call-center floor
 *   may sit behind one NAT address; it drains as time passes (the allowance per forget period),
 *   since a busy floor's typos never leave a quiet half hour.
 * Rows quiet for longer than both the forget period and the longest lock are purged, and known
 * addresses unused for `knownAddressMs`: they would count for nothing anyway.
 */
import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { FailureRecord, GatewayStore } from './store/port';

export interface LockoutPolicy {
  /** Free failures per name and address, and per name from addresses not known for it. */
  agentFreeFailures: number;
  addressFreeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  forgetMs: number;
  /** How long an address where a name signed in stays exempt from that name's lock. */
  knownAddressMs: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = {
  agentFreeFailures: 5,
  addressFreeFailures: 50,
  baseDelayMs: 2_000,
  maxDelayMs: 15 * 60_000,
  forgetMs: 30 * 60_000,
  knownAddressMs: 30 * 24 * 3600_000,
};

/** Rows per purge statement: a few milliseconds of work each, even on SQLite. */
export const PURGE_BATCH = 500;

/**
 * The name is stored hashed: the failures table counts names that are no agent's too, and such
 * a name may be a password typed into the wrong field.
 */
const nameHash = (name: string) => createHash('sha256').update(name).digest('hex').slice(0, 32);
/** The name's count across the addresses it has not signed in from lately. */
export const agentKey = (name: string) => `agent:${nameHash(name)}`;
/** What every per-address count of a name starts with. */
const pairPrefix = (name: string) => `pair:${nameHash(name)}@`;
/** The name's count from one address (its {@link addressScope}). */
export const pairKey = (name: string, address: string) =>
  `${pairPrefix(name)}${addressScope(address)}`;
export const addressKey = (address: string) => `addr:${address}`;

/**
 * The address as the lockout tells desks apart: IPv4 as it is (also when a dual-stack socket
 * reports it as `::ffff:a.b.c.d`), IPv6 by its /64, since a desktop's privacy address changes
 * daily within its network's /64. Anything else (an odd proxy header) as given.
 */
export function addressScope(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  const bare = address.split('%')[0]!;
  if (!isIPv6(bare)) return address;
  const [head = '', tail] = bare.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const before = groups(head);
  const after = groups(tail);
  const width = (list: string[]) => list.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const zeros = Array<string>(8 - width(before) - width(after)).fill('0');
  const full = tail === undefined ? before : [...before, ...zeros, ...after];
  const prefix = full.slice(0, 4).map((g) => parseInt(g, 16).toString(16));
  return `${prefix.join(':')}::/64`;
}

/**
 * Known addresses kept under another key than {@link addressScope} gives, each with the key it
 * should have: the desks migration 4 seeded from IPv6 sessions, by their whole address. Each
 * store moves them in a later migration.
 */
export function unscopedDesks<T extends { address: string }>(
  rows: readonly T[],
): Array<T & { desk: string }> {
  return rows.flatMap((row) => {
    const desk = addressScope(row.address);
    return desk === row.address ? [] : [{ ...row, desk }];
  });
}

/** Whole failures a count that drains has lost over `ms` (`free` per forget period). */
function drainedBy(ms: number, free: number, policy: LockoutPolicy): number {
  return Math.floor((ms * free) / policy.forgetMs);
}

/** The delay after `count` failures (0 while within the free allowance). */
export function lockDelay(count: number, free: number, policy: LockoutPolicy): number {
  if (count < free) return 0;
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(30, count - free));
}

/** When the record's lock ends, or 0 when it holds none at `now` (sign-in, `agent status`). */
export const lockEnd = (record: FailureRecord | null, now: number) =>
  record && record.lockedUntil > now ? record.lockedUntil : 0;

/** Lifts every lock on a name: from unknown addresses and from each address (admin, reset). */
export async function unlockName(store: GatewayStore, name: string): Promise<void> {
  await store.clearFailure(agentKey(name));
  await store.clearFailurePrefix(pairPrefix(name));
}

/** What counts against a name: from addresses it has not signed in from, and per address. */
export async function nameCounts(
  store: GatewayStore,
  name: string,
): Promise<{
  elsewhere: FailureRecord | null;
  byAddress: Array<{ address: string; record: FailureRecord }>;
}> {
  const prefix = pairPrefix(name);
  const [elsewhere, pairs] = await Promise.all([
    store.getFailure(agentKey(name)),
    store.listFailurePrefix(prefix),
  ]);
  return {
    elsewhere,
    byAddress: pairs.map((record) => ({ address: record.key.slice(prefix.length), record })),
  };
}

export class Lockout {
  constructor(
    private readonly store: GatewayStore,
    private readonly policy: LockoutPolicy,
  ) {}

  /** Epoch ms until which sign-in is refused for this name from this address (0 = not locked). */
  async lockedUntil(name: string, address: string, now: number): Promise<number> {
    const [byAddress, pair, byName, known] = await Promise.all([
      this.store.getFailure(addressKey(address)),
      this.store.getFailure(pairKey(name, address)),
      this.store.getFailure(agentKey(name)),
      this.known(name, address, now),
    ]);
    return Math.max(lockEnd(byAddress, now), lockEnd(pair, now), known ? 0 : lockEnd(byName, now));
  }

  /**
   * Counts a sign-in attempt before its password is checked, in one step of the store per
   * count: a lock then holds however many attempts arrive at once (checking afterwards let every
   * attempt in flight through). From an address the name has not signed in from lately, the
   * name's count comes first, so a new desk pressing Sign in while the name is locked does not
   * also run up its own count. The address is only checked here, and counted after a wrong
   * password ({@link failed}): right passwords in flight from one address (a floor behind one
   * NAT at shift start) must not lock each other out. Returns the lock end that refuses this
   * attempt, or 0 when its password may be checked.
   */
  async attempt(name: string, address: string, now: number): Promise<number> {
    const byAddress = await this.store.getFailure(addressKey(address));
    if (byAddress && byAddress.lockedUntil > now) return byAddress.lockedUntil;
    const free = this.policy.agentFreeFailures;
    if (!(await this.known(name, address, now))) {
      const byName = await this.count(agentKey(name), free, now);
      if (byName) return byName;
    }
    return this.count(pairKey(name, address), free, now);
  }

  /** A wrong password: counted against the address too (the name's were counted before). */
  async failed(address: string, now: number): Promise<void> {
    await this.count(addressKey(address), this.policy.addressFreeFailures, now, true);
  }

  /**
   * A correct password: the address becomes one of the name's own, its count there goes, and
   * so do the name's failures from elsewhere unless they have reached a lock: a sign-in at the
   * desk must not hand guessers elsewhere a fresh allowance.
   */
  async succeed(name: string, address: string, now: number): Promise<void> {
    await this.store.rememberAddress(name, addressScope(address), now);
    await this.store.clearFailure(pairKey(name, address));
    const free = this.policy.agentFreeFailures;
    // Read first: most names have no such row, and PostgreSQL's update step writes one to lock.
    const byName = await this.store.getFailure(agentKey(name));
    if (byName && byName.count < free) {
      await this.store.updateFailure(agentKey(name), (old) =>
        old && old.count >= free ? old : null,
      );
    }
  }

  /**
   * Deletes the rows that can no longer lock anyone: last failure and lock end both older than
   * the forget period and the longest lock (whichever is longer); and addresses a name has not
   * signed in from for `knownAddressMs`. In batches, yielding between them, so a large backlog
   * never holds the store (SQLite runs on this thread) from sign-ins. Returns how many rows went.
   */
  async purge(now: number, batch = PURGE_BATCH): Promise<number> {
    const before = now - Math.max(this.policy.forgetMs, this.policy.maxDelayMs);
    const known = now - this.policy.knownAddressMs;
    let total = 0;
    for (const purge of [
      (limit: number) => this.store.purgeFailures(before, limit),
      (limit: number) => this.store.purgeKnownAddresses(known, limit),
    ]) {
      for (;;) {
        const n = await purge(batch);
        total += n;
        if (n < batch) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return total;
  }

  /** Whether the name signed in from this address within `knownAddressMs`. */
  private async known(name: string, address: string, now: number): Promise<boolean> {
    const at = await this.store.knownAddressAt(name, addressScope(address));
    return at !== null && now - at <= this.policy.knownAddressMs;
  }

  /**
   * Counts an attempt on `key`; the lock end that refuses it (0: it may go on). `drains`: the
   * count goes down by the allowance `free` per forget period since the last failure.
   */
  private async count(key: string, free: number, now: number, drains = false): Promise<number> {
    let refusedUntil = 0;
    await this.store.updateFailure(key, (old): FailureRecord => {
      refusedUntil = 0;
      const fresh = !old || now - old.lastAt > this.policy.forgetMs;
      if (!fresh && old.lockedUntil > now) {
        refusedUntil = old.lockedUntil; // locked already: not counted again
        return old;
      }
      const drained = drains && !fresh ? drainedBy(now - old.lastAt, free, this.policy) : 0;
      const count = fresh ? 1 : Math.max(0, old.count - drained) + 1;
      const delay = lockDelay(count, free, this.policy);
      return { key, count, lastAt: now, lockedUntil: delay ? now + delay : 0 };
    });
    return refusedUntil;
  }
}
