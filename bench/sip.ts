/**
 * SIP benchmarks (issue: SIP line).
 * - ready: a fresh line's start() until `registered`, against the embedded registrar on the
 *   emulator's server on loopback (digest round trip included); 20 rounds after 2 warm-ups.
 *   Goal ≤ 250 ms (the session bench adds sign-in on top).
 * - recovery: the SIP server answering again (Kamailio's JSON-RPC answers after a restart, or the
 *   embedded registrar listening again when Kamailio is not installed) until the line that lost
 *   it is `registered` again, with default timing; the server stays down BENCH_SIP_OUTAGE_MS
 *   (default 3000) each of 5 rounds; BENCH_SIP_SERVER=embedded forces the embedded one. Goal ≤ 2 s.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { silentLogger, systemClock } from '../src/lib/ports';
import { DEMO_EXTENSIONS, PlatformStore, startEmulator } from '../src/emulator/index';
import { attachEmbeddedSip } from '../src/emulator/sip/embedded';
import { KAMAILIO_BINARY, startKamailio } from '../src/emulator/sip/kamailio';
import { createSipLine } from '../src/main/sip/index';
import type { SipLine, SipLineConfig } from '../src/main/sip/types';
import type { SipState } from '../src/shared/snapshot';

const DOMAIN = 'sip.oneyun.com';
const account = DEMO_EXTENSIONS[0]!;
const round = (n: number) => Math.round(n * 10) / 10;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function until(line: SipLine, state: SipState, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (line.status().state === state) return resolve();
    const timer = setTimeout(() => reject(new Error(`no ${state} in ${timeoutMs} ms`)), timeoutMs);
    const off = line.onStatus((s) => {
      if (s.state !== state) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

const config = (wsUrl: string): SipLineConfig => ({
  wsUrl,
  domain: DOMAIN,
  user: account.sipUser,
  password: account.password,
  expiresSec: 300,
});

async function ready(): Promise<Record<string, number>> {
  const emulator = await startEmulator({ port: 0, auth: null, log: () => {} });
  const sip = attachEmbeddedSip(emulator.server, emulator.store, {
    domain: DOMAIN,
    logger: silentLogger,
  });
  const wsUrl = `${emulator.origin.replace('http', 'ws')}${sip.wsPath}`;
  const times: number[] = [];
  try {
    for (let i = 0; i < 22; i++) {
      const line = createSipLine({ clock: systemClock, logger: silentLogger });
      const started = performance.now();
      line.start(config(wsUrl));
      await until(line, 'registered');
      if (i >= 2) times.push(performance.now() - started);
      await line.stop();
    }
  } finally {
    await sip.close();
    await emulator.close();
  }
  return {
    'ready p50 ms (goal ≤ 250)': round(percentile(times, 50)),
    'ready p99 ms (goal ≤ 250)': round(percentile(times, 99)),
  };
}

/** A SIP server that can be stopped and started again on the same ports. */
interface Restartable {
  wsUrl: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function kamailioServer(store: PlatformStore): Promise<Restartable> {
  let running = await startKamailio({ directory: store, domain: DOMAIN, logger: silentLogger });
  const wsPort = Number(new URL(running.wsUrl).port);
  const udpPort = Number(running.udpAddress.split(':')[1]);
  return {
    wsUrl: running.wsUrl,
    stop: () => running.stop(),
    start: async () => {
      running = await startKamailio({
        directory: store,
        domain: DOMAIN,
        logger: silentLogger,
        wsPort,
        udpPort,
      });
    },
  };
}

async function embeddedServer(store: PlatformStore): Promise<Restartable> {
  let port = 0;
  let close = async () => {};
  const start = async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
    const sip = attachEmbeddedSip(server, store, { domain: DOMAIN, logger: silentLogger });
    close = async () => {
      await sip.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    };
  };
  await start();
  return { wsUrl: `ws://127.0.0.1:${port}/sip`, stop: () => close(), start };
}

async function recovery(): Promise<Record<string, number>> {
  const outageMs = Number(process.env.BENCH_SIP_OUTAGE_MS ?? 3000);
  const store = new PlatformStore({ demoData: true });
  const useKamailio = existsSync(KAMAILIO_BINARY) && process.env.BENCH_SIP_SERVER !== 'embedded';
  const server = useKamailio ? await kamailioServer(store) : await embeddedServer(store);
  const line = createSipLine({ clock: systemClock, logger: silentLogger });
  const times: number[] = [];
  try {
    line.start(config(server.wsUrl));
    await until(line, 'registered');
    for (let i = 0; i < 5; i++) {
      await server.stop();
      await until(line, 'backing-off');
      await new Promise((r) => setTimeout(r, outageMs));
      await server.start();
      const back = performance.now();
      await until(line, 'registered');
      times.push(performance.now() - back);
    }
  } finally {
    await line.stop();
    await server.stop();
  }
  return {
    'recovery against Kamailio (1) or embedded (0)': useKamailio ? 1 : 0,
    'recovery outage ms': outageMs,
    'recovery p50 ms (goal ≤ 2000)': round(percentile(times, 50)),
    'recovery max ms (goal ≤ 2000)': round(Math.max(...times)),
  };
}

/** Runs both SIP benchmarks. */
export async function run(): Promise<Record<string, number>> {
  return { ...(await ready()), ...(await recovery()) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await run());
  process.exit(0);
}
