/**
 * The desktop's side of the agent gateway (docs/gateway.md): the agent's session token, held
 * in main's memory only — never in the renderer, the snapshot, settings or logs. Signing in
 * trades the agent's password for a token; a 401 from the gateway marks the token lost, so the
 * window asks for the password again while the agent's session (and chosen state) carries on.
 */
import { appError, PLATFORM_CODES } from '../../shared/domain/errors';
import { GATEWAY_PATHS, GatewaySessionSchema, signInRefusal } from '../../shared/gateway/wire';
import { EnvelopeSchema } from '../../shared/platform/dto';
import type { AppError } from '../../shared/domain/errors';
import type { Logger } from '../../lib/ports';

type Outcome = { ok: true } | { ok: false; error: AppError };

export class GatewayAccess {
  private token: string | null = null;
  /** The gateway the token came from: it is revoked there, and signing in again goes there. */
  private tokenOrigin: string | null = null;
  private agent: string | null = null;
  private lost = false;
  private extensions: string[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly origin: () => string | null,
    private readonly logger: Logger,
    private readonly fetchFn: typeof fetch = globalThis.fetch,
    private readonly timeoutMs = 15_000,
    /** Told each token as it arrives, so the log scrubs it should anything ever carry it. */
    private readonly known?: { add(secret: string): void },
  ) {}

  /** The token held (null when signed out of the gateway). */
  bearer(): string | null {
    return this.token;
  }

  /**
   * The token for a client of the gateway at `origin`: only the gateway it came from sees it
   * (the settings may name another by now), null otherwise.
   */
  bearerFor(origin: string): string | null {
    return this.tokenOrigin === origin ? this.token : null;
  }

  /** True when a token for `name` is held and has not been refused. */
  holdsTokenFor(name: string): boolean {
    return this.token !== null && this.agent === name && !this.lost;
  }

  /** The extensions the gateway lets this agent use (from the last sign-in). */
  assignedExtensions(): readonly string[] {
    return this.extensions;
  }

  signInNeeded(): boolean {
    return this.lost;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Trades name + password for a token; a token held before is revoked once the new one
   * arrives. `again`: the running session's agent signs in again after a lapse, at the gateway
   * the session uses (the one its token came from, whatever the settings say by now).
   */
  async signIn(name: string, password: string, again = false): Promise<Outcome> {
    const origin = (again ? this.tokenOrigin : null) ?? this.origin();
    if (!origin)
      return { ok: false, error: appError('invalid-input', undefined, 'no gateway URL is set') };
    let response: Response;
    let text: string;
    try {
      response = await this.fetchFn(origin + GATEWAY_PATHS.session, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json;charset=utf-8', Accept: 'application/json' },
        body: JSON.stringify({ name, password }),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      return { ok: false, error: appError('transport', `gateway: ${(error as Error).message}`) };
    }
    let envelope: { code: string; msg?: string | null; data?: unknown } | null = null;
    try {
      const parsed = EnvelopeSchema.safeParse(JSON.parse(text));
      envelope = parsed.success ? parsed.data : null;
    } catch {
      envelope = null;
    }
    if (!envelope)
      return { ok: false, error: appError('malformed-reply', `gateway HTTP ${response.status}`) };
    if (envelope.code !== PLATFORM_CODES.OK) {
      // Wrong password, locked out, disabled: said in the window's language, with the gateway's
      // own sentence kept for logs and diagnostics. Anything else: the gateway's sentence.
      const message = `${envelope.msg ?? ''} (${envelope.code})`.trim();
      const known = signInRefusal(envelope.code);
      return {
        ok: false,
        error: known
          ? appError(known, envelope.code, message)
          : { code: 'platform-other', message, detail: envelope.code },
      };
    }
    const session = GatewaySessionSchema.safeParse(envelope.data);
    if (!session.success || !session.data.token) {
      return {
        ok: false,
        error: appError('malformed-reply', 'gateway sign-in reply has no token'),
      };
    }
    if (this.token !== null && this.token !== session.data.token) {
      void this.revoke(this.token, this.tokenOrigin, this.timeoutMs);
    }
    this.token = session.data.token;
    this.tokenOrigin = origin;
    this.known?.add(this.token);
    this.agent = name;
    this.extensions = session.data.extensions;
    this.setLost(false);
    this.logger.info('signed in to the gateway', { agent: name });
    return { ok: true };
  }

  /**
   * The gateway refused `used` (401): ask the agent for their password again, unless a newer
   * token is held by now (a reply to a request sent before they signed in again).
   */
  markLost(used: string | null): void {
    if (this.token !== null && used === this.token) this.setLost(true);
  }

  /** Revokes the token on the gateway (best effort, within `timeoutMs`) and forgets it. */
  async signOut(timeoutMs = this.timeoutMs): Promise<void> {
    const token = this.token;
    const origin = this.tokenOrigin;
    this.token = null;
    this.tokenOrigin = null;
    this.agent = null;
    this.setLost(false);
    await this.revoke(token, origin, timeoutMs);
  }

  private async revoke(
    token: string | null,
    origin: string | null,
    timeoutMs: number,
  ): Promise<void> {
    if (!token || !origin) return;
    await this.fetchFn(origin + GATEWAY_PATHS.session, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(timeoutMs),
    })
      .then((r) => r.body?.cancel())
      .catch(() => undefined);
  }

  private setLost(lost: boolean): void {
    if (this.lost === lost) return;
    this.lost = lost;
    for (const listener of this.listeners) listener();
  }
}
