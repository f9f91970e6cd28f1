/**
 * Starts the platform emulator: the store plus its HTTP server on loopback. The SIP side
 * attaches to `server` (WebSocket upgrade) and uses `store` as its SipDirectory.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { DEFAULT_PLATFORM_TIME_ZONE, isTimeZone } from '../lib/platform/signing';
import type { Credentials } from '../lib/platform/signing';
import type { Logger } from '../lib/ports';
import { CallCenter } from './calls/call-center';
import type { CallCenterOptions } from './calls/call-center';
import { EmbeddedPlacer } from './calls/embedded-placer';
import type { ServerSettings } from './controls';
import { DEMO_ACCOUNT_ID } from './demo-data';
import { createEmulatorServer } from './server';
import { attachEmbeddedSip, type EmbeddedSip, type EmbeddedSipOptions } from './sip/embedded';
import { DEFAULT_KEEPALIVE_TIMEOUT_SEC, PlatformStore } from './store';

export { DEMO_ACCOUNT_ID, DEMO_EXTENSIONS, DEMO_SIP_DOMAIN, SIP_USER_PREFIX } from './demo-data';
export type { DemoExtension } from './demo-data';
export { PlatformStore, DEFAULT_KEEPALIVE_TIMEOUT_SEC } from './store';
export type { StoreOptions } from './store';
export type { AgentWire } from './agent-record';
export { isRoutable } from './agent-status';
export type { AgentStatus, StoreEvent } from './agent-status';
export type { ServerSettings } from './controls';
export type { Credentials } from '../lib/platform/signing';
export { CallCenter, CallRequestError } from './calls/call-center';
export { EmbeddedPlacer } from './calls/embedded-placer';
export type { CallPlacer, CallLeg, LegEvents, PlaceRequest } from './calls/call-placer';
export type { CallRecord, CallRequest, CallOutcome } from './calls/call-record';

export interface EmulatorOptions {
  /** TCP port; 0 (default) = any free port. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Keepalive timeout in seconds (default 300). */
  keepaliveTimeoutSec?: number;
  /** Credentials to require; null = auth off; 'generate' (default) = random ones. */
  auth?: Credentials | null | 'generate';
  /** Account id in the base URL (default DEMO_ACCOUNT_ID). */
  accountId?: string;
  /** Start with the five demo extensions (default true). */
  demoData?: boolean;
  /** Clock in epoch ms for keepalives, registrations and Timestamp checks (default Date.now). */
  now?: () => number;
  /** Diagnostics (default: stderr). */
  log?: (msg: string) => void;
  /** How old a Timestamp may be, in seconds (default 300, the platform's 5 minutes). */
  timestampWindowSec?: number;
  /**
   * The platform's time zone, which Timestamps are read in (IANA name, default Asia/Shanghai as
   * the real platform's); an unknown name fails the start.
   */
  platformTimeZone?: string;
  /**
   * How long a request may wait for its agent's lock before it is refused (000004; a logout
   * 040203). Default 0: refused at once, as the platform's non-blocking lock does.
   */
  lockWaitMs?: number;
  /**
   * Attaches the embedded SIP-over-WebSocket registrar to the server, and the call center rings
   * agents through it (default: no SIP side; the logger defaults to warnings into `log`).
   */
  embeddedSip?: Omit<EmbeddedSipOptions, 'logger'> & { logger?: Logger };
  /** The customer's media per call (default: a werift MediaEndpoint); tests wrap it. */
  callMedia?: CallCenterOptions['media'];
}

export interface RunningEmulator {
  /** http://127.0.0.1:PORT/v1/account/ACCOUNT — what the client calls BASE_URL. */
  baseUrl: string;
  /** http://127.0.0.1:PORT — controls live at `${origin}/emulator/...`. */
  origin: string;
  port: number;
  accountId: string;
  credentials: Credentials | null;
  store: PlatformStore;
  /** Live settings (the same object POST /emulator/config changes). */
  settings: ServerSettings;
  /** The SIP side attaches its WebSocket upgrade handler here. */
  server: Server;
  /** Customer calls and routing (§6); rings nobody until a SIP side gives it a placer. */
  calls: CallCenter;
  /** The embedded SIP side when `embeddedSip` was given, else null. */
  sip: EmbeddedSip | null;
  /** ws://…/sip of the embedded SIP side, else null. */
  sipWsUrl: string | null;
  /** Stops listening and destroys every open socket (upgraded ones included). */
  close(): Promise<void>;
}

/** Starts an emulator and resolves once it is listening. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const log = options.log ?? ((msg: string) => process.stderr.write(`${msg}\n`));
  const host = options.host ?? '127.0.0.1';
  const accountId = options.accountId ?? DEMO_ACCOUNT_ID;
  const platformTimeZone = options.platformTimeZone ?? DEFAULT_PLATFORM_TIME_ZONE;
  if (!isTimeZone(platformTimeZone)) {
    throw new Error(
      `platformTimeZone: "${platformTimeZone}" is not a time zone name (e.g. Asia/Shanghai)`,
    );
  }
  const credentials = resolveCredentials(options.auth === undefined ? 'generate' : options.auth);
  const store = new PlatformStore({
    keepaliveTimeoutSec: options.keepaliveTimeoutSec ?? DEFAULT_KEEPALIVE_TIMEOUT_SEC,
    demoData: options.demoData ?? true,
    now: options.now,
    log,
  });
  const settings: ServerSettings = {
    timestampWindowSec: options.timestampWindowSec ?? 300,
    platformTimeZone,
    lockWaitMs: options.lockWaitMs ?? 0,
    callCenterService: true,
  };
  const calls = new CallCenter({
    store,
    log,
    ...(options.callMedia ? { media: options.callMedia } : {}),
  });
  const server = createEmulatorServer({ store, accountId, credentials, settings, log, calls });

  // Tracked so close() is quick: keep-alive and upgraded (WebSocket) sockets would hold it open.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('emulator has no port');
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  let sip: EmbeddedSip | null = null;
  if (options.embeddedSip) {
    const { logger, ...sipOptions } = options.embeddedSip;
    sip = attachEmbeddedSip(server, store, { ...sipOptions, logger: logger ?? warningsTo(log) });
    calls.setPlacer(new EmbeddedPlacer(sip, { domain: sipOptions.domain, log }));
  }

  let closing: Promise<void> | null = null;
  return {
    baseUrl: `${origin}/v1/account/${accountId}`,
    origin,
    port: address.port,
    accountId,
    credentials,
    store,
    settings,
    server,
    calls,
    sip,
    sipWsUrl: sip ? `ws${origin.slice('http'.length)}${sip.wsPath}` : null,
    close() {
      // Calls first: their BYEs and CANCELs still need the SIP connections.
      closing ??= calls.close().then(async () => {
        await sip?.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const socket of sockets) socket.destroy();
          server.closeAllConnections();
        });
      });
      return closing;
    },
  };
}

/** The embedded SIP side's logger by default: its warnings and errors, into the emulator's log. */
function warningsTo(log: (msg: string) => void): Logger {
  const line = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    log(`sip ${level}: ${msg}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
  return { debug() {}, info() {}, warn: line('warn'), error: line('error') };
}

function resolveCredentials(auth: Credentials | null | 'generate'): Credentials | null {
  if (auth !== 'generate') return auth;
  const hex = (bytes: number) => randomBytes(bytes).toString('hex');
  return { appId: hex(16), certId: hex(16), secretKey: hex(24) };
}
