/**
 * The embedded registrar's rules: digest-authenticates REGISTERs against the SipDirectory, keeps
 * one binding per extension (the connection it arrived on, its Contact and expiry) and reports
 * every gain and loss through `setRegistration`, which is what the platform counts.
 */
import type { Core, UserAgent } from 'sip.js';
import type { Clock, Logger, TimerHandle } from '../../lib/ports';
import type { SipDirectory } from '../sip-directory';
import { DigestAuthority, parseDigestCredentials } from './digest';

/** A live WebSocket connection with the sip.js UserAgent that serves it. */
export interface EmbeddedSipConnection {
  readonly id: number;
  /** Sends requests back over this connection (e.g. an `Inviter` towards `contact`). */
  readonly userAgent: UserAgent;
  readonly remoteAddress: string;
  /** Drops the connection at once, as a network loss would. */
  drop(): void;
}

export interface Binding {
  extensionId: string;
  sipUser: string;
  /** The Contact URI the extension registered (where to send an INVITE). */
  contact: string;
  expiresAt: number;
  connection: EmbeddedSipConnection;
}

export interface RegistrarOptions {
  domain: string;
  clock: Clock;
  logger: Logger;
  minExpiresSec: number;
  maxExpiresSec: number;
}

export class EmbeddedRegistrar {
  private readonly digest: DigestAuthority;
  private readonly bindings = new Map<string, { binding: Binding; timer: TimerHandle }>();

  constructor(
    private readonly directory: SipDirectory,
    private readonly options: RegistrarOptions,
  ) {
    this.digest = new DigestAuthority(options.domain, options.clock);
  }

  /** Answers one REGISTER that arrived over `connection`. */
  handle(request: Core.IncomingRegisterRequest, connection: EmbeddedSipConnection): void {
    const message = request.message;
    const authorization = message.getHeader('authorization');
    const credentials = authorization ? parseDigestCredentials(authorization) : null;
    if (!credentials)
      return void request.reject({ statusCode: 401, extraHeaders: [this.digest.challenge()] });
    const account = this.directory.lookup(credentials.username);
    const verdict = account
      ? this.digest.verify(credentials, 'REGISTER', account.password)
      : 'wrong';
    if (verdict === 'stale')
      return void request.reject({ statusCode: 401, extraHeaders: [this.digest.challenge(true)] });
    // The digest is right but names another AoR than To: refused like a wrong password.
    if (!account || verdict === 'wrong' || message.to.uri.user !== account.sipUser) {
      this.options.logger.info('sip registrar: refused', {
        user: credentials.username,
        from: connection.remoteAddress,
      });
      return void request.reject({ statusCode: 403 });
    }
    const raw = message.getHeader('contact')?.trim();
    const contact = raw && raw !== '*' ? message.parseHeader('contact') : undefined;
    const asked = Number(contact?.getParam('expires') ?? message.getHeader('expires') ?? 300);
    if (!raw || !Number.isFinite(asked) || asked < 0)
      return void request.reject({ statusCode: 400 });
    if (asked === 0 || !contact) {
      this.unbind(account.extensionId, 'unregistered');
      return void request.accept({ statusCode: 200 });
    }
    const { minExpiresSec, maxExpiresSec } = this.options;
    if (asked < minExpiresSec) {
      return void request.reject({
        statusCode: 423,
        extraHeaders: [`Min-Expires: ${minExpiresSec}`],
      });
    }
    const expires = Math.min(asked, maxExpiresSec);
    const uri = String(contact.uri);
    this.bind(
      { extensionId: account.extensionId, sipUser: account.sipUser, contact: uri, connection },
      expires,
    );
    request.accept({ statusCode: 200, extraHeaders: [`Contact: <${uri}>;expires=${expires}`] });
  }

  /** The binding an extension holds now, if any. */
  binding(extensionId: string): Binding | null {
    return this.bindings.get(extensionId)?.binding ?? null;
  }

  /** Drops the bindings that lived on a closed connection (a newer one on another connection stays). */
  connectionClosed(connection: EmbeddedSipConnection): void {
    for (const { binding } of [...this.bindings.values()]) {
      if (binding.connection === connection) this.unbind(binding.extensionId, 'connection closed');
    }
  }

  /** Drops every binding (the emulator is closing). */
  clear(): void {
    for (const extensionId of [...this.bindings.keys()])
      this.unbind(extensionId, 'registrar closed');
  }

  private bind(fields: Omit<Binding, 'expiresAt'>, expiresSec: number): void {
    const { clock, logger } = this.options;
    const previous = this.bindings.get(fields.extensionId);
    if (previous) clock.clearTimeout(previous.timer);
    const binding: Binding = { ...fields, expiresAt: clock.now() + expiresSec * 1000 };
    const timer = clock.setTimeout(
      () => this.unbind(binding.extensionId, 'expired'),
      expiresSec * 1000,
    );
    this.bindings.set(binding.extensionId, { binding, timer });
    if (!previous)
      logger.info('sip registrar: registered', { extensionId: binding.extensionId, expiresSec });
    this.directory.setRegistration(binding.extensionId, binding.contact, binding.expiresAt);
  }

  private unbind(extensionId: string, reason: string): void {
    const entry = this.bindings.get(extensionId);
    if (!entry) return;
    this.options.clock.clearTimeout(entry.timer);
    this.bindings.delete(extensionId);
    this.options.logger.info('sip registrar: unregistered', { extensionId, reason });
    this.directory.setRegistration(extensionId, null, null);
  }
}
