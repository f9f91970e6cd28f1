/**
 * The demo platform in its platform-faithful mode, laid out like a real site:
 *
 *   platform phone ──UDP──▶ registrar (Kamailio, standing in for the platform's OpenSIPS)
 *        ▲ plain RTP             │ along the desktop's Path (UDP)
 *        │                       ▼
 *   RTP endpoint ◀──▶ rtpengine ◀── site edge (Kamailio) ◀──SIP over WS── desktop (WebRTC)
 *
 * The emulator's REST API and call center; the platform's registrar that the extensions register
 * on through the edge; the site edge exactly as `npm run edge` runs it; calls placed the way the
 * platform places them (SIP over UDP, a plain RTP/AVP PCMU offer, a plain RTP endpoint as the
 * customer). Needs Debian's kamailio, kamailio-websocket-modules and rtpengine-daemon. Chosen
 * with AGENT_DESKTOP_EMULATOR=edge (see docs/edge.md).
 */
import { DEMO_SIP_DOMAIN, startEmulator } from '../index';
import type { DemoPlatform } from '../demo-platform';
import type { Logger } from '../../lib/ports';
import { startKamailio, type RunningKamailio } from '../sip/kamailio';
import { PlatformPhone } from './platform-phone';
import { RtpEndpoint } from './rtp-endpoint';
import type { RunningRtpengine } from './rtpengine';
import { startSiteEdge, type RunningSiteEdge } from './site-edge';

/** The edge-mode platform and its parts (tests reach into rtpengine and Kamailio). */
export interface EdgePlatform extends DemoPlatform {
  /** The platform's registrar (its UDP address is where platform-side callers send INVITEs). */
  kamailio: RunningKamailio;
  /** The site edge in front of it: where desktops register (`sipWsUrl`). */
  edge: RunningSiteEdge;
  rtpengine: RunningRtpengine;
  phone: PlatformPhone;
}

export interface EdgePlatformOptions {
  keepaliveTimeoutSec?: number;
  /** Kamailio's shortest registration (tests use 2 s to see refreshes quickly). */
  minExpiresSec?: number;
}

/** Starts emulator, rtpengine, Kamailio (with rtpengine) and the platform phone. */
export async function startEdgePlatform(
  logger: Logger,
  options: EdgePlatformOptions = {},
): Promise<EdgePlatform> {
  const log = (msg: string) => logger.debug(msg);
  const emulator = await startEmulator({
    port: 0,
    auth: 'generate',
    log,
    ...(options.keepaliveTimeoutSec ? { keepaliveTimeoutSec: options.keepaliveTimeoutSec } : {}),
  });
  const started: Array<() => Promise<void>> = [() => emulator.close()];
  const stopAll = async () => {
    for (const stop of started.reverse()) await stop().catch(() => undefined);
  };
  try {
    const kamailio = await startKamailio({
      directory: emulator.store,
      domain: DEMO_SIP_DOMAIN,
      logger,
      ...(options.minExpiresSec ? { minExpiresSec: options.minExpiresSec } : {}),
    });
    started.push(() => kamailio.stop());
    const edge = await startSiteEdge({
      platform: kamailio.udpAddress,
      domain: DEMO_SIP_DOMAIN,
      logger,
    });
    started.push(() => edge.stop());
    const { rtpengine } = edge;
    const phone = await PlatformPhone.open({
      registrar: kamailio.udpAddress,
      domain: DEMO_SIP_DOMAIN,
      directory: emulator.store,
      log,
    });
    started.push(() => phone.close());
    emulator.calls.setMedia(() => new RtpEndpoint({ log }));
    emulator.calls.setPlacer(phone);
    logger.info('demo platform (edge mode) started', {
      baseUrl: emulator.baseUrl,
      sipWsUrl: edge.wsUrl,
      registrarUdp: kamailio.udpAddress,
      rtpengine: rtpengine.ngSocket,
    });
    let closing: Promise<void> | null = null;
    return {
      emulator,
      sipWsUrl: edge.wsUrl,
      kamailio,
      edge,
      rtpengine,
      phone,
      // Calls end first (their BYEs need the phone and Kamailio), then the rest in reverse.
      close: () => (closing ??= emulator.calls.close().then(stopAll)),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
