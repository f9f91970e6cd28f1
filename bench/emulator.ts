/**
 * Emulator benchmarks (issue: platform emulator, REST side), auth on (every request signed and
 * verified):
 * - keepalive throughput: a load generator in a separate node process (http keep-alive agent,
 *   64 connections, one agent per connection) hammers GET …/agent/{name}/keepalive for ~3 s after
 *   a short warm-up. Goal ≥ 5,000 req/s on loopback.
 * - page of 1,000 agents: with 1,024 agents logged in, 50 sequential signed
 *   GET …/agent?pageNo=1&pageSize=1000, timed until the whole body has arrived. Goal p99 ≤ 20 ms.
 * `npx tsx bench/emulator.ts` runs it alone; `npm run bench` runs it with the others.
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { pathToFileURL } from 'node:url';
import { startEmulator, type RunningEmulator } from '../src/emulator/index';
import { signedHeaders } from '../src/lib/platform/signing';

const AGENTS = 1024;
const CONNECTIONS = 64;
const LOAD_MS = 3000;
const WARMUP_MS = 300;
const PAGE_ROUNDS = 50;

/** The load generator: plain JS so the child needs no TypeScript loader. */
const LOAD_GENERATOR = `
import http from 'node:http';
const cfg = JSON.parse(process.env.BENCH_LOAD);
const agent = new http.Agent({ keepAlive: true, maxSockets: cfg.targets.length });
let ok = 0, failed = 0, counting = false;
function once(target) {
  return new Promise((resolve) => {
    const req = http.request(
      { host: cfg.host, port: cfg.port, path: target.path, method: 'GET', agent, headers: target.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => {
          if (counting) { if (res.statusCode === 200 && body.includes('"000000"')) ok++; else failed++; }
          resolve();
        });
      },
    );
    req.on('error', () => { if (counting) failed++; resolve(); });
    req.end();
  });
}
let stopAt = Date.now() + cfg.warmupMs;
async function worker(target) { while (Date.now() < stopAt) await once(target); }
await Promise.all(cfg.targets.map(worker));
counting = true;
const started = Date.now();
stopAt = started + cfg.durationMs;
await Promise.all(cfg.targets.map(worker));
const elapsedMs = Date.now() - started;
agent.destroy();
process.stdout.write(JSON.stringify({ ok, failed, elapsedMs }));
`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const round = (n: number) => Math.round(n * 100) / 100;

/** Creates an extension per agent and logs every agent in, straight on the store. */
async function populate(emulator: RunningEmulator): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < AGENTS; i++) {
    const user = String(300000 + i);
    const ext = emulator.store.createExtension({ type: 1, user, password: `pw${user}` });
    if (ext.code !== '000000') throw new Error(`extension ${user}: ${ext.code}`);
    const name = `bench_${i}`;
    const login = await emulator.store.login({
      name,
      extension: ext.data.id,
      num: String(1000 + i),
      state: i % 2 ? 'idle' : 'busy/bench',
      skills: [{ name: '投诉', score: i % 100, enabled: true }],
    });
    if (login.code !== '000000') throw new Error(`login ${name}: ${login.code}`);
    names.push(name);
  }
  return names;
}

/** Keepalive requests per second from a separate process. */
async function keepaliveLoad(emulator: RunningEmulator, names: string[]) {
  const base = new URL(emulator.baseUrl);
  const now = new Date();
  const targets = names.slice(0, CONNECTIONS).map((name) => {
    const path = `${base.pathname}/callcenter/agent/${name}/keepalive`;
    return { path, headers: signedHeaders(emulator.credentials!, 'GET', path, '', '', now) };
  });
  const config = {
    host: base.hostname,
    port: emulator.port,
    targets,
    durationMs: LOAD_MS,
    warmupMs: WARMUP_MS,
  };
  const child = spawn(process.execPath, ['--input-type=module', '-e', LOAD_GENERATOR], {
    env: { ...process.env, BENCH_LOAD: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), LOAD_MS + WARMUP_MS + 15_000);
    child.once('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  if (code !== 0) throw new Error(`load generator exited with ${code}`);
  const { ok, failed, elapsedMs } = JSON.parse(out) as {
    ok: number;
    failed: number;
    elapsedMs: number;
  };
  return { perSecond: (ok / elapsedMs) * 1000, ok, failed };
}

/** Milliseconds per signed GET of a 1,000-agent page, until the whole body is in. */
async function pageTimes(emulator: RunningEmulator): Promise<number[]> {
  const base = new URL(emulator.baseUrl);
  const path = `${base.pathname}/callcenter/agent`;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const once = () =>
    new Promise<{ ms: number; body: string }>((resolve, reject) => {
      const started = performance.now();
      const headers = signedHeaders(emulator.credentials!, 'GET', path, '', '', new Date());
      const req = request(
        {
          host: base.hostname,
          port: emulator.port,
          path: `${path}?pageNo=1&pageSize=1000`,
          agent,
          headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () =>
            resolve({
              ms: performance.now() - started,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error('page request timed out')));
      req.on('error', reject);
      req.end();
    });
  try {
    for (let i = 0; i < 5; i++) await once(); // warm-up
    const times: number[] = [];
    for (let i = 0; i < PAGE_ROUNDS; i++) {
      const { ms, body } = await once();
      const page = JSON.parse(body) as { code: string; data: { result: unknown[] } };
      if (page.code !== '000000' || page.data.result.length !== 1000) {
        throw new Error(`bad page: ${body.slice(0, 200)}`);
      }
      times.push(ms);
    }
    return times;
  } finally {
    agent.destroy();
  }
}

/** Runs both measurements against a fresh signed emulator. */
export async function run(): Promise<Record<string, number>> {
  const emulator = await startEmulator({ port: 0, auth: 'generate', log: () => undefined });
  try {
    const names = await populate(emulator);
    const load = await keepaliveLoad(emulator, names);
    const times = await pageTimes(emulator);
    return {
      'keepalive req/s (goal ≥ 5000)': Math.round(load.perSecond),
      'keepalive requests': load.ok,
      'keepalive errors': load.failed,
      'keepalive connections': CONNECTIONS,
      'agents logged in': names.length,
      'page of 1000 agents p50 ms': round(percentile(times, 50)),
      'page of 1000 agents p99 ms (goal ≤ 20)': round(percentile(times, 99)),
    };
  } finally {
    await emulator.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await run();
  console.table(figures);
  process.exit(0);
}
