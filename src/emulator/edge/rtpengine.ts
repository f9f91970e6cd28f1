/**
 * rtpengine (Debian `rtpengine-daemon`) in the foreground for the emulator's edge mode and the
 * `npm run edge` command: userspace forwarding (`--table=-1`, no kernel module), its own command
 * line only (`--config-file=none`, so the package's system config is never read), sessions and
 * their counters released at BYE (`--delete-delay=0`), an offer never answered given up after
 * `--offer-timeout` (130 s: past the edge's 120 s ring limit). Stopped by pid, bounded.
 */
import { spawn } from 'node:child_process';
import type { Logger } from '../../lib/ports';
import { freeUdpPort } from '../sip/free-port';
import { stopProcess, waitUntil } from '../sip/process';
import { ngRequest, type Bencoded } from './ng-client';

export const RTPENGINE_BINARY = '/usr/bin/rtpengine';

export interface RtpengineOptions {
  logger: Logger;
  /** The address media is relayed on and advertised in SDP (default 127.0.0.1). */
  interfaceAddress?: string;
  /**
   * The address put in SDP towards the platform instead (an edge behind 1:1 NAT). rtpengine then
   * has two interfaces, `desk` (interfaceAddress) and `platform` (interfaceAddress!advertise),
   * and the offers must name their direction (Kamailio's RTPENGINE_SIDES).
   */
  platformAdvertise?: string;
  /** Control (ng) port on 127.0.0.1; 0 or absent = a free one. */
  ngPort?: number;
  /**
   * First and last media port; absent = 200 ports (about 50 calls) at a random place below the
   * OS's ephemeral range, for tests side by side. `npm run edge` passes a site's range.
   */
  portMin?: number;
  portMax?: number;
  /** Seconds a session offered but never answered is kept (default 130). */
  offerTimeoutSec?: number;
  binary?: string;
}

export interface RunningRtpengine {
  /** For Kamailio's rtpengine module: `udp:127.0.0.1:PORT`. */
  ngSocket: string;
  ngPort: number;
  pid: number;
  /** The Call-IDs of the media sessions it holds. */
  calls(): Promise<string[]>;
  /** One session's totals as rtpengine reports them (`query`), or null when it holds none. */
  query(callId: string): Promise<Record<string, Bencoded> | null>;
  /** SIGTERM, then SIGKILL after 3 s. */
  stop(): Promise<void>;
}

/** Starts rtpengine and resolves once it answers `ping`. */
export async function startRtpengine(options: RtpengineOptions): Promise<RunningRtpengine> {
  const { logger } = options;
  const ngPort = options.ngPort || (await freeUdpPort());
  const portMin = options.portMin ?? 20_000 + 200 * Math.floor(Math.random() * 49);
  const portMax = options.portMax ?? portMin + 199;
  const address = options.interfaceAddress ?? '127.0.0.1';
  const args = [
    '--config-file=none',
    '--foreground',
    '--log-stderr',
    '--log-level=5',
    '--table=-1',
    ...(options.platformAdvertise
      ? [
          `--interface=desk/${address}`,
          `--interface=platform/${address}!${options.platformAdvertise}`,
        ]
      : [`--interface=${address}`]),
    `--listen-ng=127.0.0.1:${ngPort}`,
    `--port-min=${portMin}`,
    `--port-max=${portMax}`,
    '--delete-delay=0',
    // A session whose answer never comes (an INVITE lost on the way) is released, not held for
    // rtpengine's default hour with its ports.
    `--offer-timeout=${options.offerTimeoutSec ?? 130}`,
  ];
  const child = spawn(options.binary ?? RTPENGINE_BINARY, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      output.push(line);
      if (output.length > 40) output.shift();
      logger.debug(`rtpengine: ${line}`);
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const spawned = new Promise<void>((done, fail) => {
    child.once('spawn', () => done());
    child.once('error', fail);
  });
  const exited = new Promise<void>((done) => child.once('close', () => done()));
  const ng = { host: '127.0.0.1', port: ngPort };
  try {
    await spawned;
    await waitUntil(exited, 5_000, async () => {
      const reply = await ngRequest(ng, { command: 'ping' }, 200);
      return reply.result === 'pong';
    });
  } catch (error) {
    if (child.pid) await stopProcess(child.pid, exited, 3_000);
    throw new Error(`rtpengine did not start: ${(error as Error).message}\n${output.join('\n')}`);
  }
  const pid = child.pid!;
  logger.info('rtpengine: started', { pid, ngPort, portMin, portMax, address });
  let stopping: Promise<void> | null = null;
  return {
    ngSocket: `udp:127.0.0.1:${ngPort}`,
    ngPort,
    pid,
    async calls() {
      const reply = await ngRequest(ng, { command: 'list', limit: 1000 });
      const calls = reply.calls;
      return Array.isArray(calls) ? calls.map(String) : [];
    },
    async query(callId) {
      const reply = await ngRequest(ng, { command: 'query', 'call-id': callId });
      return reply.result === 'ok' ? reply : null;
    },
    stop: () =>
      (stopping ??= (async () => {
        await stopProcess(pid, exited, 3_000);
        logger.info('rtpengine: stopped', { pid });
      })()),
  };
}
