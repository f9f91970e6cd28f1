/**
 * Sign-in lockout with growing delays, per agent name and per source address, kept in the
 * store so every instance sees the same count. After `freeFailures` wrong passwords a key is
 * locked for base·2^(extra failures), capped; a quiet `forgetMs` starts the count afresh.
 * Addresses get a larger allowance: a whole call-center floor may sit behind one NAT address,
 * and their count drains as time passes (the allowance per forget period), since a busy floor's
 * typos never leave a quiet half hour: counted only up, the floor locked itself out by evening.
 * Rows quiet for longer than both the forget period and the longest lock are purged: they
 * would start afresh anyway, and every unknown name and address tried would stay for good.
 */
import { createHash } from 'node:crypto';
import type { FailureRecord, GatewayStore } from './store/port';

export interface LockoutPolicy {
  agentFreeFailures: number;
  addressFreeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  forgetMs: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = {
  agentFreeFailures: 5,
  addressFreeFailures: 50,
  baseDelayMs: 2_000,
  maxDelayMs: 15 * 60_000,
  forgetMs: 30 * 60_000,
};

/** Rows per purge statement: a few milliseconds of work each, even on SQLite. */
export const PURGE_BATCH = 500;

/**
 * The name is stored hashed: the failures table counts names that are no agent's too, and such
 * a name may be a password typed into the wrong field.
 */
export const agentKey = (name: string) =>
  `agent:${createHash('sha256').update(name).digest('hex').slice(0, 32)}`;
export const addressKey = (address: string) => `addr:${address}`;

/** Whole failures a count that drains has lost over `ms` (`free` per forget period). */
function drainedBy(ms: number, free: number, policy: LockoutPolicy): number {
  return Math.floor((ms * free) / policy.forgetMs);
}

/** The delay after `count` failures (0 while within the free allowance). */
export function lockDelay(count: number, free: number, policy: LockoutPolicy): number {
  if (count < free) return 0;
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(30, count - free));
}

export class Lockout {
  constructor(
    private readonly store: GatewayStore,
    private readonly policy: LockoutPolicy,
  ) {}

  /** Epoch ms until which sign-in is refused for this name or address (0 = not locked). */
  async lockedUntil(name: string, address: string, now: number): Promise<number> {
    const [a, b] = await Promise.all([
      this.store.getFailure(agentKey(name)),
      this.store.getFailure(addressKey(address)),
    ]);
    return Math.max(
      a && a.lockedUntil > now ? a.lockedUntil : 0,
      b && b.lockedUntil > now ? b.lockedUntil : 0,
    );
  }

  /**
   * Counts a sign-in attempt against the name before its password is checked, in one step of
   * the store: a lock then holds however many attempts for the name arrive at once (checking
   * afterwards let every attempt in flight through). The address is only checked here, and
   * counted after a wrong password ({@link failed}): right passwords in flight from one address
   * (a floor behind one NAT at shift start) must not lock each other out. Returns the lock end
   * that refuses this attempt, or 0 when its password may be checked.
   */
  async attempt(name: string, address: string, now: number): Promise<number> {
    const byAddress = await this.store.getFailure(addressKey(address));
    if (byAddress && byAddress.lockedUntil > now) return byAddress.lockedUntil;
    return this.count(agentKey(name), this.policy.agentFreeFailures, now);
  }

  /** A wrong password: counted against the address too (the name's was counted before). */
  async failed(address: string, now: number): Promise<void> {
    await this.count(addressKey(address), this.policy.addressFreeFailures, now, true);
  }

  /**
   * Deletes the rows that can no longer lock anyone: last failure and lock end both older than
   * the forget period and the longest lock (whichever is longer). In batches, yielding between
   * them, so a large backlog never holds the store (SQLite runs on this thread) from sign-ins.
   * Returns how many rows went.
   */
  async purge(now: number, batch = PURGE_BATCH): Promise<number> {
    const before = now - Math.max(this.policy.forgetMs, this.policy.maxDelayMs);
    let total = 0;
    for (;;) {
      const n = await this.store.purgeFailures(before, batch);
      total += n;
      if (n < batch) return total;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** A correct password clears the agent's count (the address keeps its own). */
  async succeed(name: string): Promise<void> {
    await this.store.clearFailure(agentKey(name));
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
