/**
 * Agent sign-in and session tokens. A token is 32 random bytes (base64url); the store keeps
 * only its SHA-256, so a copy of the database does not hand out sessions. A session lapses
 * after `idleMs` without a request (keepalives extend it) and at `absoluteMs` after sign-in
 * whatever happens (a shift). Tokens live in the store, so a restart or another instance
 * honours them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Lockout } from './lockout';
import { verifyPassword } from './passwords';
import type { LockoutPolicy } from './lockout';
import type { AgentRecord, GatewayStore, SessionRecord } from './store/port';
import type { GatewaySession } from '../shared/gateway/wire';

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** last-seen is written at most this often per session (saves a write per keepalive). */
const TOUCH_EVERY_MS = 5_000;

/**
 * Whether a session last written as seen at `lastSeenAt` has been idle `idleMs` by `now`. The
 * stored time may lag the last request by up to {@link TOUCH_EVERY_MS}: a session lapses within
 * that much after its idle time, never before it.
 */
export function idleLapsed(lastSeenAt: number, idleMs: number, now: number): boolean {
  return lastSeenAt + idleMs + TOUCH_EVERY_MS <= now;
}

/** Sessions last written as seen before this have been idle `idleMs` by `now` (the purge). */
export function idleBefore(now: number, idleMs: number): number {
  return now - idleMs - TOUCH_EVERY_MS;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
}

/**
 * A refusal says whether the name is a known agent's, for the audit only: the answer to the
 * client is the same either way. An agent who types their password into the name field must
 * not find it in the audit log.
 */
export type SignInResult =
  | { ok: true; session: GatewaySession }
  | { ok: false; reason: 'wrong' | 'disabled'; known: boolean }
  | { ok: false; reason: 'locked'; retryAfterMs: number; known: boolean };

export type Authenticated = { agent: AgentRecord; session: SessionRecord };

export class Sessions {
  readonly lockout: Lockout;

  constructor(
    private readonly store: GatewayStore,
    private readonly policy: SessionPolicy,
    lockout: LockoutPolicy,
  ) {
    this.lockout = new Lockout(store, lockout);
  }

  async signIn(
    name: string,
    password: string,
    address: string,
    now: number,
  ): Promise<SignInResult> {
    // Counted before the password is checked (which takes a while on purpose), so attempts
    // sent all at once meet the lock like attempts one after another.
    const lockedUntil = await this.lockout.attempt(name, address, now);
    if (lockedUntil > now) {
      const known = (await this.store.getAgent(name)) !== null;
      return { ok: false, reason: 'locked', retryAfterMs: lockedUntil - now, known };
    }
    const agent = await this.store.getAgent(name);
    const matches = await verifyPassword(password, agent?.passwordHash ?? null);
    if (!agent || !matches) {
      await this.lockout.failed(address, now);
      return { ok: false, reason: 'wrong', known: agent !== null };
    }
    if (agent.disabled) return { ok: false, reason: 'disabled', known: true };
    const token = randomBytes(32).toString('base64url');
    const session: SessionRecord = {
      tokenHash: hashToken(token),
      agent: agent.name,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + this.policy.absoluteMs,
      sourceAddress: address,
    };
    await this.store.createSession(session);
    // A reset or a disabling while the password was checked: it revoked the agent's sessions
    // before this one existed. Read again: what it wrote is there now, or its revoke is still
    // to come and takes this session too.
    const after = await this.store.getAgent(name);
    if (!after || after.disabled || after.passwordHash !== agent.passwordHash) {
      await this.store.revokeSession(session.tokenHash);
      return after?.disabled
        ? { ok: false, reason: 'disabled', known: true }
        : { ok: false, reason: 'wrong', known: after !== null };
    }
    await this.lockout.succeed(name, address, now);
    return { ok: true, session: { token, ...this.describe(agent, session) } };
  }

  /** The agent behind a token, or null when it is unknown, lapsed, revoked or the agent disabled. */
  async authenticate(token: string, now: number): Promise<Authenticated | null> {
    if (!TOKEN_PATTERN.test(token)) return null;
    const tokenHash = hashToken(token);
    const session = await this.store.findSession(tokenHash);
    if (!session) return null;
    if (session.expiresAt <= now || idleLapsed(session.lastSeenAt, this.policy.idleMs, now)) {
      await this.store.revokeSession(tokenHash);
      return null;
    }
    const agent = await this.store.getAgent(session.agent);
    if (!agent || agent.disabled) return null;
    if (now - session.lastSeenAt >= TOUCH_EVERY_MS) await this.store.touchSession(tokenHash, now);
    return { agent, session };
  }

  async revoke(token: string): Promise<boolean> {
    return this.store.revokeSession(hashToken(token));
  }

  describe(agent: AgentRecord, session: SessionRecord): GatewaySession {
    return {
      agent: agent.name,
      expiresAt: session.expiresAt,
      idleSeconds: Math.round(this.policy.idleMs / 1000),
      extensions: agent.extensions,
      allowSkills: agent.allowSkills,
    };
  }
}
