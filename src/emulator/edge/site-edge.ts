/**
 * The site edge as one unit: rtpengine (media) and Kamailio with the shipped config in front of
 * the platform's registrar (`PLATFORM`), bridging the desktops' SIP over WebSocket and WebRTC to
 * the platform's SIP over UDP and plain RTP. `npm run edge` runs it; the emulator's edge mode
 * puts it in front of its own registrar.
 */
import { isIP } from 'node:net';
import type { Logger } from '../../lib/ports';
import type { SipDirectory } from '../sip-directory';
import { startKamailio, type RunningKamailio } from '../sip/kamailio';
import { startRtpengine, type RunningRtpengine } from './rtpengine';

export interface SiteEdgeOptions {
  /** The platform's registrar, `HOST:PORT` (SIP over UDP). */
  platform: string;
  /** SIP domain (the platform's; Kamailio treats it as its own alias). */
  domain: string;
  logger: Logger;
  /** SIP over WebSocket port for the desktops; 0/absent = a free one. */
  wsPort?: number;
  /** SIP over UDP port facing the platform; 0/absent = a free one. */
  udpPort?: number;
  /**
   * The addresses the platform sends SIP from (comma-separated `IP[/bits]`); SIP over UDP from
   * anywhere else is refused. Default: the platform's own address.
   */
  platformNet?: string;
  /** The address SIP over UDP listens on, facing the platform (default 127.0.0.1). */
  listenIp?: string;
  /** The address SIP over WebSocket listens on (default `listenIp`; 127.0.0.1 behind nginx). */
  wsListenIp?: string;
  /** The address rtpengine relays on and advertises (what agents' PCs must reach). */
  mediaAddress?: string;
  /**
   * The edge's address as the platform sees it, for an edge behind 1:1 NAT: Kamailio advertises
   * it in the Via, Path and Record-Route on the platform side, and rtpengine in the SDP towards
   * the platform (the desktops keep `mediaAddress`). Default: none, the local addresses.
   */
  advertise?: string;
  portMin?: number;
  portMax?: number;
}

export interface RunningSiteEdge {
  /** What desktops register to (their "SIP WebSocket URL" setting). */
  wsUrl: string;
  /** The edge's UDP address, which the platform sees in Via, Path and Record-Route. */
  udpAddress: string;
  kamailio: RunningKamailio;
  rtpengine: RunningRtpengine;
  stop(): Promise<void>;
}

/** An edge holds no accounts: the platform's registrar authenticates. */
const NO_ACCOUNTS: SipDirectory = {
  lookup: () => null,
  accounts: () => [],
  setRegistration() {},
  onAccountsChanged: () => () => {},
};

/** Starts rtpengine, then Kamailio in front of `platform` with media through it. */
export async function startSiteEdge(options: SiteEdgeOptions): Promise<RunningSiteEdge> {
  const { logger } = options;
  // Checked before anything starts: it ends up in both daemons' command lines.
  if (options.advertise !== undefined && isIP(options.advertise) === 0)
    throw new Error(`the advertised address must be an IP, not ${options.advertise}`);
  const rtpengine = await startRtpengine({
    logger,
    ...(options.mediaAddress ? { interfaceAddress: options.mediaAddress } : {}),
    ...(options.advertise ? { platformAdvertise: options.advertise } : {}),
    ...(options.portMin ? { portMin: options.portMin } : {}),
    ...(options.portMax ? { portMax: options.portMax } : {}),
  });
  let kamailio: RunningKamailio;
  try {
    kamailio = await startKamailio({
      directory: NO_ACCOUNTS,
      domain: options.domain,
      logger,
      platform: options.platform,
      rtpengine: rtpengine.ngSocket,
      ...(options.advertise ? { advertiseIp: options.advertise, rtpengineSides: true } : {}),
      ...(options.wsPort ? { wsPort: options.wsPort } : {}),
      ...(options.udpPort ? { udpPort: options.udpPort } : {}),
      ...(options.platformNet ? { platformNet: options.platformNet } : {}),
      ...(options.listenIp ? { listenIp: options.listenIp } : {}),
      ...(options.wsListenIp ? { wsListenIp: options.wsListenIp } : {}),
      // Nothing registers here, so usrloc has nothing worth polling often.
      pollMs: 60_000,
    });
  } catch (error) {
    await rtpengine.stop();
    throw error;
  }
  let stopping: Promise<void> | null = null;
  return {
    wsUrl: kamailio.wsUrl,
    udpAddress: kamailio.udpAddress,
    kamailio,
    rtpengine,
    stop: () =>
      (stopping ??= (async () => {
        await kamailio.stop();
        await rtpengine.stop();
      })()),
  };
}
