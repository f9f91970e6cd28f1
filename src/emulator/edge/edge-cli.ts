/**
 * `npm run edge -- --platform HOST:PORT`: the site edge (Kamailio + rtpengine) in the foreground
 * in front of a platform registrar, for local use and trials (docs/edge.md has the production
 * set-up). Prints one JSON line once ready; logs go to stderr; SIGINT/SIGTERM stop both daemons.
 */
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { DEMO_SIP_DOMAIN } from '../index';
import { startSiteEdge } from './site-edge';

const USAGE = `usage: npm run edge -- --platform HOST:PORT [--platform-net IP[/BITS],...]
  [--domain sip.oneyun.com] [--listen IP] [--ws-listen IP] [--ws-port N] [--udp-port N]
  [--media-address IP] [--advertise IP] [--rtp-ports MIN-MAX] [--verbose]`;

/**
 * rtpengine's media ports unless --rtp-ports: a call holds about four (two per side), so these
 * 10,000 carry about 2,500 calls at once. Below Linux's ephemeral range (32768-60999).
 */
const DEFAULT_RTP_PORTS = { min: 20_000, max: 29_999 } as const;

function port(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 65535)
    throw new Error(`--${name} must be 1..65535, got ${text}`);
  return value;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        platform: { type: 'string' },
        'platform-net': { type: 'string' },
        listen: { type: 'string' },
        'ws-listen': { type: 'string' },
        domain: { type: 'string', default: DEMO_SIP_DOMAIN },
        'ws-port': { type: 'string' },
        'udp-port': { type: 'string' },
        'media-address': { type: 'string' },
        advertise: { type: 'string' },
        'rtp-ports': { type: 'string' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    process.stderr.write(`edge: ${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.help) return void process.stderr.write(`${USAGE}\n`);
  let options;
  try {
    if (!values.platform) throw new Error('--platform HOST:PORT is required');
    const range = values['rtp-ports']?.match(/^(\d+)-(\d+)$/);
    if (values['rtp-ports'] && !range) throw new Error('--rtp-ports must be MIN-MAX');
    const portMin = port(range?.[1], 'rtp-ports');
    const portMax = port(range?.[2], 'rtp-ports');
    if (portMin && portMax && portMax - portMin < 3) throw new Error('--rtp-ports: too few ports');
    const advertise = values.advertise;
    if (advertise !== undefined && isIP(advertise) === 0)
      throw new Error(`--advertise must be an IP address, got ${advertise}`);
    options = {
      platform: values.platform,
      platformNet: values['platform-net'],
      listenIp: values.listen,
      wsListenIp: values['ws-listen'],
      domain: values.domain,
      wsPort: port(values['ws-port'], 'ws-port'),
      udpPort: port(values['udp-port'], 'udp-port'),
      mediaAddress: values['media-address'],
      advertise,
      portMin: portMin ?? DEFAULT_RTP_PORTS.min,
      portMax: portMax ?? DEFAULT_RTP_PORTS.max,
    };
  } catch (error) {
    process.stderr.write(`edge: ${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  const line = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    process.stderr.write(`${level}${msg}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`);
  const logger = {
    debug: values.verbose ? line('') : () => {},
    info: line(''),
    warn: line('warn: '),
    error: line('error: '),
  };
  const edge = await startSiteEdge({ ...options, logger });
  process.stdout.write(
    `${JSON.stringify({
      sipWsUrl: edge.wsUrl,
      udpAddress: edge.udpAddress,
      platform: options.platform,
      rtpengine: edge.rtpengine.ngSocket,
      rtpPorts: `${options.portMin}-${options.portMax}`,
      ...(options.advertise ? { advertise: options.advertise } : {}),
    })}\n`,
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    edge.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`edge: failed to start: ${String(error)}\n`);
  process.exit(1);
});
