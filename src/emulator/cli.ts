/**
 * `npm run emulator -- [--port N] [--keepalive-timeout SECONDS] [--platform-time-zone ZONE] [--no-auth]`
 *
 * Runs the platform emulator in the foreground. Once it listens, prints exactly one line of JSON
 * on stdout (baseUrl, origin, controlUrl, accountId, keepaliveTimeoutSec, platformTimeZone, extensions, and appId,
 * certId, secretKey unless --no-auth); everything else goes to stderr. Stops cleanly on SIGINT or
 * SIGTERM. Bad flags → a message on stderr and exit code 2.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_PLATFORM_TIME_ZONE, isTimeZone } from '../lib/platform/signing';
import { DEMO_EXTENSIONS, DEMO_SIP_DOMAIN, startEmulator, type RunningEmulator } from './index';

const USAGE = `usage: npm run emulator -- [--port N] [--keepalive-timeout SECONDS] [--platform-time-zone ZONE] [--no-auth] [--no-sip]
  --port N                    TCP port on 127.0.0.1 (default 0 = any free port)
  --keepalive-timeout SECONDS agent keepalive timeout (default 300)
  --platform-time-zone ZONE   the zone signed Timestamps are read in, an IANA name (default
                              ${DEFAULT_PLATFORM_TIME_ZONE}, the platform's)
  --no-auth                   accept unsigned requests (default: require signatures with
                              freshly generated credentials, printed on stdout)
  --no-sip                    no embedded SIP-over-WebSocket registrar (default: on, at
                              sipWsUrl, domain ${DEMO_SIP_DOMAIN}; calls ring agents through it)`;

interface CliOptions {
  port: number;
  keepaliveTimeoutSec: number;
  platformTimeZone: string;
  auth: boolean;
  sip: boolean;
}

/** Parses the command line; throws an Error whose message is for the user. */
function parseCli(args: string[]): CliOptions | 'help' {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      'keepalive-timeout': { type: 'string' },
      'platform-time-zone': { type: 'string' },
      'no-auth': { type: 'boolean' },
      'no-sip': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!/^\d{1,5}$/.test(values.port ?? '0') || port > 65535) {
    throw new Error(`--port must be an integer from 0 to 65535, got "${values.port}"`);
  }
  const timeoutText = values['keepalive-timeout'];
  const keepaliveTimeoutSec = timeoutText === undefined ? 300 : Number(timeoutText);
  if (!Number.isFinite(keepaliveTimeoutSec) || keepaliveTimeoutSec <= 0 || timeoutText === '') {
    throw new Error(
      `--keepalive-timeout must be a positive number of seconds, got "${timeoutText}"`,
    );
  }
  const platformTimeZone = values['platform-time-zone'] ?? DEFAULT_PLATFORM_TIME_ZONE;
  if (!isTimeZone(platformTimeZone)) {
    throw new Error(
      `--platform-time-zone must be a time zone name such as Asia/Shanghai, got "${platformTimeZone}"`,
    );
  }
  return {
    port,
    keepaliveTimeoutSec,
    platformTimeZone,
    auth: !values['no-auth'],
    sip: !values['no-sip'],
  };
}

/** The one line printed on stdout once the emulator is ready. */
function readyLine(emulator: RunningEmulator): string {
  return JSON.stringify({
    baseUrl: emulator.baseUrl,
    origin: emulator.origin,
    controlUrl: `${emulator.origin}/emulator`,
    accountId: emulator.accountId,
    ...(emulator.credentials ?? {}),
    ...(emulator.sipWsUrl ? { sipWsUrl: emulator.sipWsUrl, sipDomain: DEMO_SIP_DOMAIN } : {}),
    keepaliveTimeoutSec: emulator.store.keepaliveTimeoutSec,
    platformTimeZone: emulator.settings.platformTimeZone,
    extensions: DEMO_EXTENSIONS.map(({ id, user, sipUser, password }) => ({
      id,
      user,
      sipUser,
      password,
    })),
  });
}

async function main(): Promise<void> {
  let options: CliOptions | 'help';
  try {
    options = parseCli(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`emulator: ${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  const log = (msg: string) => process.stderr.write(`${msg}\n`);
  const emulator = await startEmulator({
    port: options.port,
    keepaliveTimeoutSec: options.keepaliveTimeoutSec,
    platformTimeZone: options.platformTimeZone,
    auth: options.auth ? 'generate' : null,
    log,
    ...(options.sip ? { embeddedSip: { domain: DEMO_SIP_DOMAIN } } : {}),
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`emulator: ${signal}, stopping`);
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.stdout.write(`${readyLine(emulator)}\n`);
  log(`emulator: listening at ${emulator.baseUrl} (controls at ${emulator.origin}/emulator)`);
}

main().catch((error: unknown) => {
  process.stderr.write(`emulator: failed to start: ${String(error)}\n`);
  process.exit(1);
});
