/**
 * Which platform the desktop talks to: the environment, then settings, then — when nothing is
 * configured — the embedded demo platform. The core never imports the emulator: a composition
 * root hands it a starter (the Electron shell loads the emulator lazily, only in that case).
 */
import { PlatformClient } from '../../lib/platform/client';
import type { Credentials } from '../../lib/platform/signing';
import type { Settings } from '../../shared/settings';
import type { Logger, SecretStore } from '../../lib/ports';

export interface PlatformTarget {
  url: string;
  demo: boolean;
  credentials: Credentials | null;
  /** The SIP WebSocket URL the platform side offers (the emulator's), if any. */
  sipWsUrl: string | null;
}

/** Environment variables that override settings (documented in the README). */
export const ENV = {
  url: 'AGENT_DESKTOP_PLATFORM_URL',
  appId: 'AGENT_DESKTOP_APP_ID',
  certId: 'AGENT_DESKTOP_CERT_ID',
  secretKey: 'AGENT_DESKTOP_SECRET_KEY',
  sipWsUrl: 'AGENT_DESKTOP_SIP_WS_URL',
} as const;

/** What the core needs of the demo platform's emulator: its address, credentials and controls. */
export interface DemoEmulator {
  readonly baseUrl: string;
  readonly credentials: Credentials | null;
  readonly sipWsUrl: string | null;
}

export interface EmbeddedPlatform<E extends DemoEmulator = DemoEmulator> {
  emulator: E;
  sipWsUrl: string | null;
  close(): Promise<void>;
}

/** Starts the embedded demo platform (given by a composition root). */
export type StartEmbedded = (logger: Logger) => Promise<EmbeddedPlatform>;

const NO_DEMO =
  'No platform is configured and this build has no demo platform: set the platform URL in Settings.';

export class PlatformSource {
  private embedded: EmbeddedPlatform | null = null;
  private starting: Promise<EmbeddedPlatform> | null = null;

  constructor(
    private readonly settings: () => Settings,
    private readonly secrets: SecretStore,
    private readonly env: Record<string, string | undefined>,
    private readonly logger: Logger,
    private readonly startEmbedded: StartEmbedded | null,
    /** HTTP for the client (Electron's net.fetch in the shell; Node's fetch by default). */
    private readonly fetch?: typeof globalThis.fetch,
  ) {}

  /** True when neither the environment nor settings name a platform. */
  usesDemo(): boolean {
    return !this.env[ENV.url] && !this.settings().platformBaseUrl;
  }

  /** Makes sure the target exists (starts the embedded emulator if it is the target). */
  async ensure(): Promise<void> {
    if (!this.usesDemo() || this.embedded) return;
    const start = this.startEmbedded;
    if (!start) throw new Error(NO_DEMO);
    this.starting ??= start(this.logger).then((embedded) => {
      this.embedded = embedded;
      return embedded;
    });
    try {
      await this.starting;
    } finally {
      this.starting = null;
    }
  }

  /** The current target; for the demo, only valid after {@link ensure}. */
  target(): PlatformTarget {
    if (this.usesDemo()) {
      const emulator = this.embedded?.emulator;
      return {
        url: emulator?.baseUrl ?? 'embedded demo platform (starting)',
        demo: true,
        credentials: emulator?.credentials ?? null,
        sipWsUrl: this.embedded?.sipWsUrl ?? null,
      };
    }
    const s = this.settings();
    const secretKey = this.env[ENV.secretKey] ?? this.secrets.get('secretKey');
    const appId = this.env[ENV.appId] ?? s.appId;
    const certId = this.env[ENV.certId] ?? s.certId;
    return {
      url: (this.env[ENV.url] ?? s.platformBaseUrl)!,
      demo: false,
      credentials: secretKey && appId && certId ? { appId, certId, secretKey } : null,
      sipWsUrl: null,
    };
  }

  /** A client for the current target. */
  client(): PlatformClient {
    const target = this.target();
    return new PlatformClient({
      baseUrl: target.url,
      credentials: target.credentials,
      ...(this.fetch ? { fetch: this.fetch } : {}),
    });
  }

  /** The embedded emulator, when it runs (tests and benchmarks reach its controls through it). */
  embeddedPlatform(): EmbeddedPlatform | null {
    return this.embedded;
  }

  async close(): Promise<void> {
    await this.embedded?.close();
    this.embedded = null;
  }
}
