/**
 * Which platform the desktop talks to: the environment, then settings, then — when nothing is
 * configured — the embedded demo platform. The core never imports the emulator: a composition
 * root hands it a starter (the Electron shell loads the emulator lazily, only in that case).
 */
import { PlatformClient } from '../../lib/platform/client';
import { fetchTransport } from '../../lib/platform/transport';
import type { PlatformTransport } from '../../lib/platform/transport';
import type { Credentials } from '../../lib/platform/signing';
import { DEFAULT_PLATFORM_TIME_ZONE } from '../../shared/settings';
import type { Settings } from '../../shared/settings';
import type { Logger, SecretStore } from '../../lib/ports';
import { GATEWAY_PATHS } from '../../shared/gateway/wire';
import type { AccessStatus } from '../../shared/snapshot';
import type { GatewayAccess } from './gateway-access';

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
  /** The site's agent gateway: set = gateway mode (docs/gateway.md). */
  gatewayUrl: 'AGENT_DESKTOP_GATEWAY_URL',
  /** The platform's time zone, which signed requests' Timestamp is written in. */
  platformTimeZone: 'AGENT_DESKTOP_PLATFORM_TIME_ZONE',
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
    /** What the client's requests go through (default: the global fetch). */
    private readonly transport: PlatformTransport = fetchTransport(),
    /** Holds the gateway token (gateway mode); null = no gateway support in this host. */
    readonly gateway: GatewayAccess | null = null,
  ) {}

  /** The gateway's origin when the desktop is in gateway mode, else null. */
  gatewayOrigin(): string | null {
    const url = this.env[ENV.gatewayUrl] || this.settings().gatewayUrl;
    return url ? url.replace(/\/+$/, '') : null;
  }

  /** Gateway, direct (holds the account key) or the demo. */
  mode(): AccessStatus['mode'] {
    if (this.gatewayOrigin()) return 'gateway';
    return this.usesDemo() ? 'demo' : 'direct';
  }

  /** True when neither the environment nor settings name a platform or a gateway. */
  usesDemo(): boolean {
    return !this.env[ENV.url] && !this.settings().platformBaseUrl && !this.gatewayOrigin();
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
    const gateway = this.gatewayOrigin();
    if (gateway) {
      // Gateway mode: no account key on this desktop; the gateway signs for the agent.
      return {
        url: gateway + GATEWAY_PATHS.platform,
        demo: false,
        credentials: null,
        sipWsUrl: null,
      };
    }
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
    const origin = this.gatewayOrigin();
    if (origin && this.gateway) {
      const gateway = this.gateway;
      return new PlatformClient({
        baseUrl: target.url,
        bearerToken: () => gateway.bearerFor(origin),
        // A 401 from the gateway: the agent's token lapsed or was revoked.
        transport: async (url, request) => {
          const reply = await this.transport(url, request);
          const used = request.headers.Authorization?.replace(/^Bearer /, '') ?? null;
          if (reply.status === 401) gateway.markLost(used);
          return reply;
        },
      });
    }
    return new PlatformClient({
      baseUrl: target.url,
      credentials: target.credentials,
      transport: this.transport,
      // The demo platform reads Timestamps in its own default zone, whatever a site set.
      timeZone: target.demo
        ? DEFAULT_PLATFORM_TIME_ZONE
        : this.env[ENV.platformTimeZone] || this.settings().platformTimeZone,
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
