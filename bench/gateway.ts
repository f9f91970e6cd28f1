/**
 * Agent gateway benchmarks (issue 12). The emulator (signatures on) runs here; the gateway runs
 * as its own process (`npm run gateway -- serve`, SQLite, default scrypt cost and rate limits);
 * the load comes from a third process (plain JS, http keep-alive agents):
 * - login storm: 1,000 agents each sign in to the gateway with their password (scrypt
 *   N=2^14) and log in on the platform through it, 32 at a time. Goal: all within 60 s.
 * - keepalive throughput: 64 connections, each cycling through the agents' tokens, GET
 *   …/agent/{name}/keepalive through the gateway for ~3 s after a warm-up. Goal ≥ 2,000 req/s.
 * - added latency: 2,000 sequential keepalives on one connection (a different agent each time),
 *   straight to the emulator (signed) and through the gateway (bearer). Goal: p99 through − p99 direct ≤ 3 ms.
 * Agents are created with one shared password hash to save ~30 s of set-up: verifying costs the
 * same as with per-user salts. `npx tsx bench/gateway.ts` runs it alone.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEmulator, type RunningEmulator } from '../src/emulator/index';
import { openStore } from '../src/gateway/store/open';
import { hashPassword } from '../src/gateway/passwords';
import { signedHeaders } from '../src/lib/platform/signing';
import { loadavg } from 'node:os';
import { scryptSync } from 'node:crypto';

/** BENCH_GATEWAY_AGENTS overrides it for a quick look (the README figures use 1,000). */
const AGENTS = Number(process.env.BENCH_GATEWAY_AGENTS ?? 1000);
const STORM_CONCURRENCY = 32;
const CONNECTIONS = 64;
const LOAD_MS = 3000;
const WARMUP_MS = 500;
const LATENCY_ROUNDS = 2000;
const PASSWORD = 'bench-password-1';

/** The load process: one of three jobs, configured through stdin. */
const LOAD = `
import http from 'node:http';
import { performance } from 'node:perf_hooks';
let input = '';
for await (const chunk of process.stdin) input += chunk;
const cfg = JSON.parse(input);
const agent = new http.Agent({ keepAlive: true, maxSockets: cfg.connections ?? 64 });
function send(host, port, method, path, headers, body) {
  return new Promise((resolve) => {
    const req = http.request({ host, port, path, method, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', (e) => resolve({ status: 0, text: String(e) }));
    req.end(body);
  });
}
const gw = cfg.gateway;
const out = {};
if (cfg.job === 'storm') {
  const tokens = new Array(cfg.names.length);
  let next = 0, failed = 0;
  const started = performance.now();
  async function worker() {
    while (next < cfg.names.length) {
      const i = next++;
      const name = cfg.names[i];
      const s = await send(gw.host, gw.port, 'POST', '/v1/session', { 'Content-Type': 'application/json' },
        JSON.stringify({ name, password: cfg.password }));
      if (s.status !== 200) { failed++; continue; }
      const token = JSON.parse(s.text).data.token;
      const l = await send(gw.host, gw.port, 'POST', '/v1/platform/callcenter/agent',
        { 'Content-Type': 'application/json;charset=utf-8', Authorization: 'Bearer ' + token },
        JSON.stringify({ name, extension: cfg.extensions[i], state: 'idle' }));
      if (l.status !== 200 || !l.text.includes('"000000"')) { failed++; continue; }
      tokens[i] = token;
    }
  }
  await Promise.all(Array.from({ length: cfg.concurrency }, worker));
  out.ms = performance.now() - started;
  out.failed = failed;
  out.tokens = tokens;
} else if (cfg.job === 'keepalive') {
  let ok = 0, failed = 0, counting = false, stopAt = Date.now() + cfg.warmupMs;
  async function worker(w) {
    let i = w;
    while (Date.now() < stopAt) {
      const t = cfg.targets[i % cfg.targets.length];
      i += cfg.connections;
      const r = await send(gw.host, gw.port, 'GET', t.path, t.headers);
      if (counting) { if (r.status === 200 && r.text.includes('"000000"')) ok++; else failed++; }
    }
  }
  const workers = () => Promise.all(Array.from({ length: cfg.connections }, (_, w) => worker(w)));
  await workers();
  counting = true;
  const started = Date.now();
  stopAt = started + cfg.durationMs;
  await workers();
  Object.assign(out, { ok, failed, elapsedMs: Date.now() - started });
} else {
  const times = [];
  for (let i = 0; i < cfg.rounds + 50; i++) {
    const t0 = performance.now();
    // A different agent each time: one agent's keepalives are rate-limited (20/s), as in production.
    const t = cfg.targets[i % cfg.targets.length];
    const r = await send(cfg.host, cfg.port, 'GET', t.path, t.headers);
    if (r.status !== 200) throw new Error('latency probe failed: ' + r.text);
    if (i >= 50) times.push(performance.now() - t0);
  }
  out.times = times;
}
agent.destroy();
process.stdout.write(JSON.stringify(out));
`;

async function load<T>(config: Record<string, unknown>, timeoutMs: number): Promise<T> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', LOAD], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  // Through stdin: 1,000 tokens are too long for an environment variable (E2BIG).
  child.stdin!.end(JSON.stringify(config));
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  if (code !== 0) throw new Error(`load process exited with ${code}`);
  return JSON.parse(out) as T;
}

/** Starts `npm run gateway -- serve` as its own process; resolves with its origin. */
async function startGatewayProcess(emulator: RunningEmulator, database: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/gateway/cli.ts', 'serve', '--port', '0'],
    {
      env: {
        ...process.env,
        GATEWAY_DATABASE: database,
        GATEWAY_PLATFORM_URL: emulator.baseUrl,
        GATEWAY_APP_ID: emulator.credentials!.appId,
        GATEWAY_CERT_ID: emulator.credentials!.certId,
        GATEWAY_SECRET_KEY: emulator.credentials!.secretKey,
      },
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const origin = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('gateway did not start')), 30_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      text += d;
      const line = text.split('\n')[0];
      if (text.includes('\n') && line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { origin: string }).origin);
      }
    });
    child.once('exit', (c) => reject(new Error(`gateway exited with ${c}`)));
  });
  return { origin, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const round = (n: number) => Math.round(n * 100) / 100;

export async function run(): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'gw-bench-'));
  const emulator = await startEmulator({
    port: 0,
    auth: 'generate',
    log: () => undefined,
    demoData: false,
  });
  try {
    const database = join(dir, 'gateway.db');
    const store = await openStore(database);
    const hash = await hashPassword(PASSWORD);
    const names: string[] = [];
    const extensions: string[] = [];
    for (let i = 0; i < AGENTS; i++) {
      const user = String(400000 + i);
      const ext = emulator.store.createExtension({ type: 1, user, password: `pw${user}` });
      if (ext.code !== '000000') throw new Error(`extension ${user}: ${ext.code}`);
      const name = `gw_${i}`;
      await store.addAgent({
        name,
        passwordHash: hash,
        disabled: false,
        allowSkills: false,
        createdAt: Date.now(),
      });
      await store.setExtensions(name, [ext.data.id]);
      names.push(name);
      extensions.push(ext.data.id);
    }
    await store.close();
    const gateway = await startGatewayProcess(emulator, database);
    try {
      const url = new URL(gateway.origin);
      const gw = { host: url.hostname, port: Number(url.port) };
      const storm = await load<{ ms: number; failed: number; tokens: string[] }>(
        {
          job: 'storm',
          gateway: gw,
          names,
          extensions,
          password: PASSWORD,
          concurrency: STORM_CONCURRENCY,
          connections: STORM_CONCURRENCY,
        },
        600_000,
      );
      // Only agents whose storm sign-in succeeded (a failure is counted above).
      const targets = names.flatMap((name, i) =>
        storm.tokens[i]
          ? [
              {
                path: `/v1/platform/callcenter/agent/${name}/keepalive`,
                headers: { Authorization: `Bearer ${storm.tokens[i]}` },
              },
            ]
          : [],
      );
      const cpuBefore = cpuSeconds(gateway.pid);
      const keepalive = await load<{ ok: number; failed: number; elapsedMs: number }>(
        {
          job: 'keepalive',
          gateway: gw,
          targets,
          connections: CONNECTIONS,
          durationMs: LOAD_MS,
          warmupMs: WARMUP_MS,
        },
        LOAD_MS + WARMUP_MS + 30_000,
      );
      // Includes the warm-up's requests too: an upper bound on the CPU per counted request.
      const cpuPerRequestUs = ((cpuSeconds(gateway.pid) - cpuBefore) * 1e6) / keepalive.ok;
      process.stderr.write(`storm ${JSON.stringify({ ms: storm.ms, failed: storm.failed })}\n`);
      process.stderr.write(`keepalive ${JSON.stringify(keepalive)}\n`);
      const base = new URL(emulator.baseUrl);
      const signedAt = new Date();
      const directTargets = names.map((name) => {
        const path = `${base.pathname}/callcenter/agent/${name}/keepalive`;
        return {
          path,
          headers: signedHeaders(emulator.credentials!, 'GET', path, '', '', signedAt),
        };
      });
      const direct = await load<{ times: number[] }>(
        {
          job: 'latency',
          rounds: LATENCY_ROUNDS,
          connections: 1,
          host: base.hostname,
          port: emulator.port,
          targets: directTargets,
        },
        120_000,
      );
      const through = await load<{ times: number[] }>(
        { job: 'latency', rounds: LATENCY_ROUNDS, connections: 1, ...gw, targets },
        120_000,
      );
      const p99Direct = percentile(direct.times, 99);
      const p99Through = percentile(through.times, 99);
      const t0 = performance.now();
      for (let i = 0; i < 5; i++) scryptSync('pw', `salt${i}`, 32, { N: 2 ** 14, r: 8, p: 1 });
      const scryptMs = (performance.now() - t0) / 5;
      return {
        'machine load average (1 min) / cores': `${loadavg()[0]!.toFixed(1)} / 2`,
        'one scrypt N=2^14 r=8 p=1, ms (now)': round(scryptMs),
        'login storm: agents': AGENTS,
        'login storm: seconds (goal ≤ 60)': round(storm.ms / 1000),
        'login storm: failures': storm.failed,
        'keepalive via gateway req/s (goal ≥ 2000)': Math.round(
          (keepalive.ok / keepalive.elapsedMs) * 1000,
        ),
        'keepalive errors': keepalive.failed,
        'gateway CPU per keepalive, µs (incl. warm-up)': Math.round(cpuPerRequestUs),
        'keepalives/s one idle core could serve': Math.round(1e6 / cpuPerRequestUs),
        'direct keepalive p50 / p99 ms': `${round(percentile(direct.times, 50))} / ${round(p99Direct)}`,
        'via gateway p50 / p99 ms': `${round(percentile(through.times, 50))} / ${round(p99Through)}`,
        'added p99 ms (goal ≤ 3)': round(p99Through - p99Direct),
      };
    } finally {
      gateway.stop();
    }
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await run();
  console.table(figures);
  process.exit(0);
}
