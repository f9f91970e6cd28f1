/**
 * The demo platform a composition root hands to the core when no platform is configured: the
 * emulator with its embedded SIP-over-WebSocket registrar, in-process on a free loopback port.
 */
import { DEMO_SIP_DOMAIN, startEmulator } from './index';
import type { RunningEmulator } from './index';
import type { EmbeddedPlatform } from '../main/core/platform-source';
import type { Logger } from '../lib/ports';

/** Starts the demo platform: the emulator with its embedded SIP-over-WebSocket registrar. */
export async function startDemoPlatform(
  logger: Logger,
  options: { keepaliveTimeoutSec?: number } = {},
): Promise<EmbeddedPlatform<RunningEmulator>> {
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
