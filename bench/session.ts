/**
 * Session benchmarks (issue: session core).
 * - click→state: a set-state command sent over the browser host's WebSocket (the renderer's
 *   transport) until the pushed snapshot shows the platform-acknowledged state, compared with a
 *   raw signed HTTP round trip of the same request to the same emulator in the same run.
 * - idle cost: a signed-in core (default 30 s keepalive) over BENCH_IDLE_SECONDS (default 60):
 *   CPU of this process as % of one core, and timer wake-ups per second. The emulator runs in a
 *   child process so its CPU is not counted.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { WebSocket } from 'ws';
import { createDesktopCore } from '../src/main/core/create-core';
import { MemorySecretStore, silentLogger } from '../src/lib/ports';
import { startDemoPlatform } from '../src/emulator/demo-platform';
import { startBrowserHost } from '../src/dev-host/browser-host';
import { PlatformClient } from '../src/lib/platform/client';
import { startEmulator, DEMO_EXTENSIONS } from '../src/emulator/index';

const ROUNDS = 200;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const round = (n: number) => Math.round(n * 100) / 100;

async function clickToState(): Promise<Record<string, number>> {
  const emulator = await startEmulator({ port: 0, auth: 'generate' });
  const core = await createDesktopCore({
    secrets: new MemorySecretStore(),
    settingsFile: null,
    startEmbedded: async () => ({ emulator, sipWsUrl: null, close: () => emulator.close() }),
  });
  const host = await startBrowserHost({ core, rendererDir: resolve('out/renderer') });
  // The host's address carries the token in its fragment (the page never does).
  const token = /#token=([0-9a-f]+)$/.exec(host.url)?.[1];
  const origin = new URL(host.url).origin;
  const ws = new WebSocket(`${origin.replace('http', 'ws')}/__host/ipc?token=${token}`, {
    headers: { Origin: origin },
  });
  await new Promise((done, fail) => ws.once('open', done).once('error', fail));
  let nextId = 1;
  const waiters: ((msg: {
    id?: number;
    event?: string;
    payload?: { state?: string };
  }) => boolean)[] = [];
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString());
    for (let i = waiters.length - 1; i >= 0; i--) if (waiters[i]!(msg)) waiters.splice(i, 1);
  });
  const send = (channel: string, payload: unknown) =>
    ws.send(JSON.stringify({ id: nextId++, channel, payload }));
  const until = (
    pred: (msg: { id?: number; event?: string; payload?: { state?: string } }) => boolean,
  ) => new Promise<void>((done) => waiters.push((m) => (pred(m) ? (done(), true) : false)));

  send('session:sign-in', {
    name: 'bench_agent',
    extension: DEMO_EXTENSIONS[0]!.id,
    initialState: 'idle',
  });
  await until((m) => m.id === 1);
  const states = ['busy/小休', 'idle', 'away/午餐', 'idle'];
  const viaHost: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const state = states[i % states.length]!;
    const started = performance.now();
    const shown = until((m) => m.event === 'session:changed' && m.payload?.state === state);
    send('agent:set-state', { state });
    await shown;
    viaHost.push(performance.now() - started);
  }
  const client = new PlatformClient({
    baseUrl: emulator.baseUrl,
    credentials: emulator.credentials,
  });
  const raw: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    await client.setState('bench_agent', states[i % states.length]!);
    raw.push(performance.now() - started);
  }
  ws.close();
  await core.shutdown(2000);
  await host.close();
  await emulator.close();
  const p50 = percentile(viaHost, 50);
  const p99 = percentile(viaHost, 99);
  return {
    'click→state p50 ms': round(p50),
    'click→state p99 ms': round(p99),
    'raw HTTP p50 ms': round(percentile(raw, 50)),
    'raw HTTP p99 ms': round(percentile(raw, 99)),
    'overhead p50 ms': round(p50 - percentile(raw, 50)),
    'overhead p99 ms (goal ≤ 16)': round(p99 - percentile(raw, 99)),
  };
}

async function idleCost(): Promise<Record<string, number | string>> {
  // Bundle the probe so it runs under plain node: a TypeScript loader has timers of its own.
  const { build } = await import('vite');
  await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      ssr: resolve('bench/idle-core.ts'),
      outDir: resolve('out/bench'),
      emptyOutDir: true,
      rollupOptions: { output: { entryFileNames: 'idle-core.mjs' } },
    },
  });
  const emulator = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/emulator/cli.ts', '--port', '0'],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  try {
    const line = await new Promise<string>((done) =>
      createInterface({ input: emulator.stdout! }).once('line', done),
    );
    const info = JSON.parse(line) as {
      baseUrl: string;
      appId: string;
      certId: string;
      secretKey: string;
      sipWsUrl: string;
      extensions: { id: string }[];
    };
    const probe = spawn(process.execPath, [resolve('out/bench/idle-core.mjs')], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        AGENT_DESKTOP_PLATFORM_URL: info.baseUrl,
        AGENT_DESKTOP_APP_ID: info.appId,
        AGENT_DESKTOP_CERT_ID: info.certId,
        AGENT_DESKTOP_SECRET_KEY: info.secretKey,
        AGENT_DESKTOP_SIP_WS_URL: info.sipWsUrl,
        BENCH_EXTENSION: info.extensions[0]!.id,
      },
    });
    const result = await new Promise<string>((done) =>
      createInterface({ input: probe.stdout! }).once('line', done),
    );
    const idle = JSON.parse(result) as {
      elapsed: number;
      cpuPercent: number;
      wakeupsPerSec: number;
      sip: string;
    };
    return {
      'idle seconds': round(idle.elapsed),
      'idle SIP line': idle.sip,
      'idle CPU % of a core (goal ≤ 0.2)': round(idle.cpuPercent),
      'idle wake-ups/s (goal ≤ 1)': round(idle.wakeupsPerSec),
    };
  } finally {
    emulator.kill('SIGTERM');
  }
}

/**
 * Ready: from creating the core to signed in and registered, on loopback against the demo
 * platform (emulator + embedded registrar, already running — the app starts it in parallel).
 */
async function ready(): Promise<Record<string, number>> {
  const demo = await startDemoPlatform(silentLogger);
  const times: number[] = [];
  try {
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      const core = await createDesktopCore({
        secrets: new MemorySecretStore(),
        settingsFile: null,
        startEmbedded: async () => ({ ...demo, close: async () => undefined }),
      });
      const registered = new Promise<void>((done) => {
        const off = core.on('session:changed', (s) => {
          if (s.sip.state === 'registered') {
            off();
            done();
          }
        });
      });
      const signed = await core.dispatch('session:sign-in', {
        name: `ready_${i}`,
        extension: DEMO_EXTENSIONS[i % DEMO_EXTENSIONS.length]!.id,
        initialState: 'idle',
      });
      if (!signed.ok) throw new Error(`sign-in failed: ${signed.error.message}`);
      await registered;
      times.push(performance.now() - started);
      await core.shutdown(2000);
    }
  } finally {
    await demo.close();
  }
  return {
    'ready (core start → signed in + registered) p50 ms': round(percentile(times, 50)),
    'ready p99 ms (goal ≤ 250)': round(percentile(times, 99)),
  };
}

/** Runs the session benchmarks. */
export async function run(): Promise<Record<string, number | string>> {
  return { ...(await ready()), ...(await clickToState()), ...(await idleCost()) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await run());
}
