/**
 * The emulator's Kamailio mode: a real Kamailio (Debian 5.6) in the foreground with the shipped
 * config, ports and paths given as `-A` defines, subscriber rows provisioned from the
 * SipDirectory (and rewritten when extensions change), registrations learned by polling usrloc.
 * Stopped by the pid in its pid file, bounded; everything lives in one temp directory.
 */
import { spawn } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../../lib/ports';
import type { Clock, Logger } from '../../lib/ports';
import type { SipDirectory } from '../sip-directory';
import { freeTcpPort, freeUdpPort } from './free-port';
import { SubscriberProvisioner } from './kamailio-provision';
import { kamailioRpc, watchUsrloc } from './kamailio-usrloc';
import { stopProcess, waitUntil } from './process';

export const KAMAILIO_BINARY = '/usr/sbin/kamailio';

export interface KamailioOptions {
  directory: SipDirectory;
  /** SIP domain and digest realm, e.g. sip.oneyun.com. */
  domain: string;
  logger: Logger;
  /** SIP over WebSocket port; 0 or absent = a free one. */
  wsPort?: number;
  /** JSON-RPC port (HTTP, on 127.0.0.1 only); 0 or absent = a free one. */
  rpcPort?: number;
  /** The address SIP over UDP listens on (default 127.0.0.1). */
  listenIp?: string;
  /** The address SIP over WebSocket listens on (default `listenIp`). */
  wsListenIp?: string;
  /** The address advertised for the UDP listener (Via, Path, Record-Route): an edge behind NAT. */
  advertiseIp?: string;
  /** WSS served by Kamailio's tls.so on `port` (of `wsListenIp`), `config` naming a tls.cfg. */
  tls?: { port: number; config: string };
  /** SIP over UDP port (platform side, sipp); 0 or absent = a free one. */
  udpPort?: number;
  /** Shortest registration accepted (default 60, Kamailio's own default). */
  minExpiresSec?: number;
  /** usrloc poll period (default 250 ms). */
  pollMs?: number;
  /** rtpengine's control socket (`udp:127.0.0.1:PORT`): bridge calls' media through it. */
  rtpengine?: string;
  /** rtpengine has interfaces named `desk` and `platform`: offers name their direction. */
  rtpengineSides?: boolean;
  /** The platform's registrar (`HOST:PORT`, UDP): be a site edge in front of it, not a registrar. */
  platform?: string;
  /**
   * With `platform`: the addresses the platform sends SIP from, comma-separated subnets
   * (`198.51.100.0/28,203.0.113.7`). SIP over UDP from anywhere else is refused. Default: the
   * platform's own address.
   */
  platformNet?: string;
  configPath?: string;
  binary?: string;
  clock?: Clock;
}

export interface RunningKamailio {
  /** ws://IP:PORT — what the SIP line registers to. */
  wsUrl: string;
  /** IP:PORT — SIP over UDP. */
  udpAddress: string;
  /** http://127.0.0.1:PORT/RPC — JSON-RPC (its own loopback-only port, not the WS port). */
  rpcUrl: string;
  pid: number;
  /** Its pid file, inside the run directory that stop() removes. */
  pidFile: string;
  /** Stops Kamailio (SIGTERM, then SIGKILL after 3 s), reports everyone unregistered, cleans up. */
  stop(): Promise<void>;
}

/** Starts Kamailio and resolves once it answers JSON-RPC. */
export async function startKamailio(options: KamailioOptions): Promise<RunningKamailio> {
  const { directory, domain, logger } = options;
  if (!/^[A-Za-z0-9.-]+$/.test(domain)) throw new Error(`not a SIP domain: ${domain}`);
  // Checked before anything is started: they end up quoted inside Kamailio's config.
  if (options.platform !== undefined && !/^[\w.-]+:\d{1,5}$/.test(options.platform))
    throw new Error(`the platform address must be HOST:PORT, not ${options.platform}`);
  if (options.rtpengine !== undefined && !/^udp:[\w.:-]+$/.test(options.rtpengine))
    throw new Error(`not an rtpengine socket: ${options.rtpengine}`);
  for (const [name, ip] of [
    ['listen', options.listenIp],
    ['WebSocket listen', options.wsListenIp],
    ['advertised', options.advertiseIp],
  ] as const) {
    if (ip !== undefined && isIP(ip) === 0)
      throw new Error(`the ${name} address must be an IP: ${ip}`);
  }
  if (options.tls && !/^[\w./-]+$/.test(options.tls.config))
    throw new Error(`not a usable tls.cfg path: ${options.tls.config}`);
  const platformNet = options.platform
    ? await trustedPlatformNet(options.platform, options.platformNet)
    : undefined;
  const clock = options.clock ?? systemClock;
  const runDir = await mkdtemp(join(tmpdir(), 'agent-desktop-kamailio-'));
  const dbDir = join(runDir, 'db');
  await mkdir(dbDir);
  const provisioner = new SubscriberProvisioner(dbDir, domain);
  provisioner.write(directory.accounts());
  const wsPort = options.wsPort || (await freeTcpPort());
  const udpPort = options.udpPort || (await freeUdpPort());
  const rpcPort = options.rpcPort || (await freeTcpPort());
  const listenIp = options.listenIp ?? '127.0.0.1';
  const wsListenIp = options.wsListenIp ?? listenIp;
  const pidFile = join(runDir, 'kamailio.pid');
  const defines = {
    LISTEN_IP: listenIp,
    WS_LISTEN_IP: wsListenIp,
    WS_PORT: wsPort,
    UDP_PORT: udpPort,
    RPC_PORT: rpcPort,
    SIP_DOMAIN: `"${domain}"`,
    DBURL: `"text://${dbDir}"`,
    MIN_EXPIRES: options.minExpiresSec ?? 60,
    // Sweep lost WebSocket connections' contacts every second (handle_lost_tcp acts on the sweep).
    UL_TIMER: 1,
  };
  const args = [
    '-DD',
    '-E',
    '-f',
    options.configPath ?? shippedConfig(),
    '-P',
    pidFile,
    '-Y',
    runDir,
  ];
  for (const [name, value] of Object.entries(defines)) args.push('-A', `${name}=${value}`);
  if (options.platform) {
    args.push('-A', `PLATFORM="sip:${options.platform}"`, '-A', `PLATFORM_NET="${platformNet}"`);
  }
  if (options.advertiseIp) args.push('-A', `ADVERTISE_IP=${hostPart(options.advertiseIp)}`);
  if (options.rtpengine) {
    args.push('-A', 'WITH_RTPENGINE', '-A', `RTPENGINE_SOCK="${options.rtpengine}"`);
    if (options.rtpengineSides) args.push('-A', 'RTPENGINE_SIDES');
  }
  if (options.tls) {
    args.push(
      '-A',
      'WITH_TLS',
      '-A',
      `TLS_PORT=${options.tls.port}`,
      '-A',
      `TLS_CFG="${options.tls.config}"`,
    );
  }
  const child = spawn(options.binary ?? KAMAILIO_BINARY, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      output.push(line);
      if (output.length > 40) output.shift();
      logger.debug(`kamailio: ${line}`);
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  const rpcUrl = `http://127.0.0.1:${rpcPort}/RPC`;
  const cleanup = () => rm(runDir, { recursive: true, force: true });
  try {
    await waitUntil(exited, 5_000, async () => {
      await kamailioRpc(rpcUrl, 'core.version');
      return existsSync(pidFile);
    });
  } catch (error) {
    if (child.pid) await stopProcess(child.pid, exited, 3_000);
    await cleanup();
    throw new Error(`kamailio did not start: ${(error as Error).message}\n${output.join('\n')}`);
  }
  const pid = Number((await readFile(pidFile, 'utf8')).trim());
  logger.info('kamailio: started', { pid, wsPort, udpPort, rpcPort, platformNet });

  const offAccounts = directory.onAccountsChanged(() => {
    try {
      provisioner.write(directory.accounts());
    } catch (error) {
      logger.warn('kamailio: provisioning failed', { error: (error as Error).message });
    }
  });
  const watcher = watchUsrloc({
    rpcUrl,
    directory,
    clock,
    logger,
    intervalMs: options.pollMs ?? 250,
  });
  let stopping: Promise<void> | null = null;
  return {
    wsUrl: `ws://${hostPart(wsListenIp)}:${wsPort}`,
    udpAddress: `${hostPart(listenIp)}:${udpPort}`,
    rpcUrl,
    pid,
    pidFile,
    stop: () =>
      (stopping ??= (async () => {
        offAccounts();
        watcher.stop();
        await stopProcess(pid, exited, 3_000);
        await cleanup();
        logger.info('kamailio: stopped', { pid });
      })()),
  };
}

const hostPart = (ip: string) => (isIP(ip) === 6 ? `[${ip}]` : ip);

/**
 * The subnets Kamailio accepts the platform's SIP from: `given` (checked), or the platform's
 * own address (resolved when it is a name) as a single host.
 */
export async function trustedPlatformNet(platform: string, given?: string): Promise<string> {
  if (given !== undefined) {
    const nets = given.split(',').map((net) => net.trim());
    for (const net of nets) {
      const [ip, bits, extra] = net.split('/');
      const family = isIP(ip ?? '');
      const max = family === 6 ? 128 : 32;
      const ok =
        family !== 0 &&
        extra === undefined &&
        (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= max));
      if (!ok) throw new Error(`the platform's addresses must be IP[/bits],…, not ${given}`);
    }
    return nets
      .map((net) => (net.includes('/') ? net : `${net}/${isIP(net) === 6 ? 128 : 32}`))
      .join(',');
  }
  const host = platform.slice(0, platform.lastIndexOf(':'));
  const ip = isIP(host) ? host : (await lookup(host)).address;
  return `${ip}/${isIP(ip) === 6 ? 128 : 32}`;
}

/** resources/kamailio/kamailio.cfg, found from the source tree or the working directory. */
function shippedConfig(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    resolve(here, '../../../../resources/kamailio/kamailio.cfg'),
    resolve('resources/kamailio/kamailio.cfg'),
  ];
  const found = candidates.find((path) => existsSync(path));
  if (!found)
    throw new Error(`kamailio.cfg not found (looked in ${candidates.join(', ')}); pass configPath`);
  return found;
}
