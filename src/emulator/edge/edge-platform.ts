/**
 * The demo platform in its platform-faithful mode: the emulator's REST API and call center, a
 * real Kamailio as the registrar the extensions register on (SIP over WebSocket for the
 * desktops), rtpengine bridging the desktops' WebRTC to plain RTP, and calls placed the way the
 * platform places them: SIP over UDP from a platform-side phone, a plain RTP/AVP PCMU offer, a
 * plain RTP endpoint as the customer. Needs Debian's kamailio, kamailio-websocket-modules and
 * rtpengine-daemon. Chosen with AGENT_DESKTOP_EMULATOR=edge (see docs/edge.md).
 */
import { DEMO_SIP_DOMAIN, startEmulator } from '../index';
import type { RunningEmulator } from '../index';
import type { EmbeddedPlatform } from '../../main/core/platform-source';
import type { Logger } from '../../lib/ports';
import { startKamailio, type RunningKamailio } from '../sip/kamailio';
import { PlatformPhone } from './platform-phone';
import { RtpEndpoint } from './rtp-endpoint';
import { startRtpengine, type RunningRtpengine } from './rtpengine';

/** The edge-mode platform and its parts (tests reach into rtpengine and Kamailio). */
export interface EdgePlatform extends EmbeddedPlatform<RunningEmulator> {
  kamailio: RunningKamailio;
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
    const rtpengine = await startRtpengine({ logger });
    started.push(() => rtpengine.stop());
    const kamailio = await startKamailio({
      directory: emulator.store,
      domain: DEMO_SIP_DOMAIN,
      logger,
      rtpengine: rtpengine.ngSocket,
      ...(options.minExpiresSec ? { minExpiresSec: options.minExpiresSec } : {}),
    });
    started.push(() => kamailio.stop());
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
      sipWsUrl: kamailio.wsUrl,
      registrarUdp: kamailio.udpAddress,
      rtpengine: rtpengine.ngSocket,
    });
    let closing: Promise<void> | null = null;
    return {
      emulator,
      sipWsUrl: kamailio.wsUrl,
      kamailio,
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
