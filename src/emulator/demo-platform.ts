/**
 * The demo platform a composition root hands to the core when no platform is configured: the
 * emulator with its embedded SIP-over-WebSocket registrar, in-process on a free loopback port.
 */
import { DEMO_SIP_DOMAIN, startEmulator } from './index';
import type { RunningEmulator } from './index';
import type { Logger } from '../lib/ports';

/**
 * The running demo platform. Shaped to the core's EmbeddedPlatform port by structure: the
 * emulator sits below the core and does not import it.
 */
export interface DemoPlatform {
  emulator: RunningEmulator;
  sipWsUrl: string | null;
  close(): Promise<void>;
}

/** The variable that picks the demo platform's mode: `embedded` (default) or `edge`. */
export const EMULATOR_MODE_ENV = 'AGENT_DESKTOP_EMULATOR';

/**
 * The demo platform in the mode AGENT_DESKTOP_EMULATOR names: `edge` = calls as the real platform
 * makes them, through Kamailio + rtpengine (Debian packages; docs/edge.md); anything else that is
 * set is refused; unset or `embedded` = the zero-install default.
 */
export async function startDemoPlatformFromEnv(
  logger: Logger,
  env: Record<string, string | undefined> = process.env,
): Promise<DemoPlatform> {
  const mode = env[EMULATOR_MODE_ENV]?.trim() || 'embedded';
  if (mode === 'edge') {
    const { startEdgePlatform } = await import('./edge/edge-platform');
    return startEdgePlatform(logger);
  }
  if (mode !== 'embedded')
    throw new Error(`${EMULATOR_MODE_ENV} must be "embedded" or "edge", not "${mode}"`);
  return startDemoPlatform(logger);
}

/** Starts the demo platform: the emulator with its embedded SIP-over-WebSocket registrar. */
export async function startDemoPlatform(
  logger: Logger,
  options: { keepaliveTimeoutSec?: number } = {},
): Promise<DemoPlatform> {
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
