/**
 * An agent's phone in plain Node for call tests: a sip.js UserAgent registered over the
 * project's `ws` transport, whose incoming calls the test accepts (answering with a werift
 * MediaEndpoint, so audio really flows), rejects, or lets ring.
 */
import {
  Registerer,
  RegistererState,
  SessionState,
  UserAgent,
  type BodyAndContentType,
  type Invitation,
  type Session,
  type SessionDescriptionHandler,
} from 'sip.js';
import { silentLogger, systemClock } from '../../../src/lib/ports';
import { MediaEndpoint } from '../../../src/emulator/calls/media-endpoint';
import type { DemoExtension } from '../../../src/emulator/index';
import { WsTransport, type WsTransportOptions } from '../../../src/lib/sip-ws/ws-transport';

export class AgentPhone {
  readonly invitations: Invitation[] = [];
  /** The answering media of each accepted call, by session id. */
  readonly media = new Map<string, MediaEndpoint>();
  private waiters: Array<() => void> = [];

  private constructor(
    readonly userAgent: UserAgent,
    private readonly registerer: Registerer,
  ) {}

  /** Registers `ext` at `wsUrl` and resolves once the registrar accepted it. */
  static async register(wsUrl: string, ext: DemoExtension, domain: string): Promise<AgentPhone> {
    const transportOptions: WsTransportOptions = {
      server: wsUrl,
      clock: systemClock,
      logger: silentLogger,
      connectTimeoutMs: 2000,
      keepaliveIntervalMs: 30_000,
      keepaliveTimeoutMs: 10_000,
    };
    // The UserAgent's callbacks need the phone, which needs the UserAgent: tie the knot late.
    const ref: { phone?: AgentPhone } = {};
    const userAgent = new UserAgent({
      uri: UserAgent.makeURI(`sip:${ext.sipUser}@${domain}`),
      authorizationUsername: ext.sipUser,
      authorizationPassword: ext.password,
      transportConstructor: WsTransport,
      transportOptions,
      gracefulShutdown: false,
      logLevel: 'error',
      logBuiltinEnabled: false,
      logConfiguration: false,
      sessionDescriptionHandlerFactory: (session: Session) =>
        new AnsweringHandler(ref.phone!, session),
      delegate: { onInvite: (invitation) => ref.phone!.invited(invitation) },
    });
    const registerer = new Registerer(userAgent, { expires: 300 });
    const phone = new AgentPhone(userAgent, registerer);
    ref.phone = phone;
    await userAgent.start();
    const registered = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('phone did not register in 5 s')), 5000);
      registerer.stateChange.addListener((state) => {
        if (state !== RegistererState.Registered) return;
        clearTimeout(timer);
        resolve();
      });
    });
    await registerer.register();
    await registered;
    return phone;
  }

  /** The `n`-th incoming call (0-based), waiting for it (bounded). */
  invitation(n: number, timeoutMs = 5000): Promise<Invitation> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no INVITE #${n} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      const check = () => {
        const found = this.invitations[n];
        if (!found) return void this.waiters.push(check);
        clearTimeout(timer);
        resolve(found);
      };
      check();
    });
  }

  /** Answers (200 with a werift answer) and returns the answering media once established. */
  async answer(invitation: Invitation): Promise<MediaEndpoint> {
    await invitation.accept();
    await untilSession(invitation, SessionState.Established, 'established');
    const media = this.media.get(invitation.id);
    if (!media) throw new Error('no answering media');
    return media;
  }

  async close(): Promise<void> {
    for (const media of this.media.values()) await media.close();
    await this.registerer.dispose().catch(() => undefined);
    await this.userAgent.stop();
  }

  private invited(invitation: Invitation): void {
    this.invitations.push(invitation);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** @internal the handler registers the media it made. */
  keep(session: Session, media: MediaEndpoint): void {
    this.media.set(session.id, media);
  }
}

/** Resolves once the session reaches `state` (bounded). */
export function untilSession(
  session: Session,
  state: SessionState,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (session.state === state) return resolve();
    const timer = setTimeout(
      () => reject(new Error(`session not ${what} in ${timeoutMs} ms`)),
      timeoutMs,
    );
    session.stateChange.addListener((now) => {
      if (now !== state) return;
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Answers the offer of an incoming INVITE with a MediaEndpoint (tone + counters). */
class AnsweringHandler implements SessionDescriptionHandler {
  private offer: string | null = null;
  private readonly media = new MediaEndpoint({ toneHz: 660 });

  constructor(phone: AgentPhone, session: Session) {
    phone.keep(session, this.media);
  }

  async setDescription(sdp: string): Promise<void> {
    this.offer = sdp;
  }
  async getDescription(): Promise<BodyAndContentType> {
    if (!this.offer) throw new Error('no offer to answer');
    return { body: await this.media.answer(this.offer), contentType: 'application/sdp' };
  }
  hasDescription(contentType: string): boolean {
    return contentType === 'application/sdp';
  }
  sendDtmf(): boolean {
    return false;
  }
  close(): void {
    void this.media.close();
  }
}
