/**
 * Which platform the desktop talks to: the environment, then settings, then — when nothing is
 * configured — the embedded demo emulator, started in-process on a free loopback port.
 */
import { PlatformClient } from '../platform/client';
import { DEMO_SIP_DOMAIN, startEmulator } from '../emulator/index';
import type { RunningEmulator } from '../emulator/index';
import type { Credentials } from '../platform/signing';
import type { Settings } from '../../shared/settings';
import type { Logger, SecretStore } from './ports';

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

export interface EmbeddedPlatform {
  emulator: RunningEmulator;
  sipWsUrl: string | null;
  close(): Promise<void>;
}

export class PlatformSource {
  private embedded: EmbeddedPlatform | null = null;
  private starting: Promise<EmbeddedPlatform> | null = null;

  constructor(
    private readonly settings: () => Settings,
    private readonly secrets: SecretStore,
    private readonly env: Record<string, string | undefined>,
    private readonly logger: Logger,
    private readonly startEmbedded: (
      logger: Logger,
    ) => Promise<EmbeddedPlatform> = startDemoPlatform,
  ) {}

  /** True when neither the environment nor settings name a platform. */
  usesDemo(): boolean {
    return !this.env[ENV.url] && !this.settings().platformBaseUrl;
  }

  /** Makes sure the target exists (starts the embedded emulator if it is the target). */
  async ensure(): Promise<void> {
    if (!this.usesDemo() || this.embedded) return;
    this.starting ??= this.startEmbedded(this.logger).then((embedded) => {
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
    return new PlatformClient({ baseUrl: target.url, credentials: target.credentials });
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

/** Starts the demo platform: the emulator with its embedded SIP-over-WebSocket registrar. */
export async function startDemoPlatform(
  logger: Logger,
  options: { keepaliveTimeoutSec?: number } = {},
): Promise<EmbeddedPlatform> {
  const emulator = await startEmulator({
    port: 0,
    auth: 'generate',
    log: (msg) => logger.debug(msg),
    embeddedSip: { domain: DEMO_SIP_DOMAIN, logger },
    ...options,
  });
  logger.info('embedded demo platform started', {
    baseUrl: emulator.baseUrl,
    sipWsUrl: emulator.sipWsUrl,
  });
  return { emulator, sipWsUrl: emulator.sipWsUrl, close: () => emulator.close() };
}
