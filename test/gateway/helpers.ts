/**
 * Shared by the gateway's tests: a real emulator (signatures on) behind a real gateway on a
 * throwaway SQLite file (or a given store), agents created through the admin API with a cheap
 * scrypt cost, and small clients for the gateway's wire API.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_EXTENSIONS, startEmulator, type RunningEmulator } from '../../src/emulator/index';
import { Admin } from '../../src/gateway/admin';
import { startGateway, type GatewayOptions, type RunningGateway } from '../../src/gateway/index';
import { openStore } from '../../src/gateway/store/open';
import type { GatewayStore } from '../../src/gateway/store/port';
import type { Logger } from '../../src/lib/ports';

export const EXT = DEMO_EXTENSIONS.map((e) => e.id);
/** Cheap for tests; the hash carries its cost, so verification follows it. */
export const TEST_SCRYPT = { logN: 10, r: 8, p: 1 };
export const PASSWORDS = { alice: 'alice-pass-1', bob: 'bob-pass-22' } as const;

export interface Rig {
  emulator: RunningEmulator;
  gateway: RunningGateway;
  store: GatewayStore;
  admin: Admin;
  /** Requests that reached the emulator's HTTP server. */
  platformCalls: { method: string; url: string }[];
  logs: string[];
  close(): Promise<void>;
}

export interface RigOptions extends Partial<Omit<GatewayOptions, 'database'>> {
  /** A store shared with another rig (PostgreSQL); default: a fresh SQLite file. */
  store?: GatewayStore;
  emulator?: RunningEmulator;
}

export function collectingLogger(lines: string[]): Logger {
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    void lines.push(JSON.stringify({ level, msg, ...fields }));
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Emulator + gateway; alice may use EXT[0] and EXT[1], bob EXT[2]. */
export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const emulator = options.emulator ?? (await startEmulator({ port: 0, log: () => undefined }));
  const platformCalls: Rig['platformCalls'] = [];
  emulator.server.on('request', (req) =>
    platformCalls.push({ method: req.method ?? '', url: req.url ?? '' }),
  );
  const dir = options.store ? null : mkdtempSync(join(tmpdir(), 'gw-'));
  const store = options.store ?? (await openStore(join(dir!, 'gateway.db')));
  const admin = new Admin(store, { scrypt: TEST_SCRYPT, now: options.now });
  if (!(await store.getAgent('alice'))) {
    await admin.add('alice', PASSWORDS.alice, [EXT[0]!, EXT[1]!]);
    await admin.add('bob', PASSWORDS.bob, [EXT[2]!]);
  }
  const logs: string[] = [];
  const { store: _s, emulator: _e, ...rest } = options;
  const gateway = await startGateway({
    platformUrl: emulator.baseUrl,
    credentials: emulator.credentials!,
    database: store,
    logger: collectingLogger(logs),
    ...rest,
  });
  return {
    emulator,
    gateway,
    store,
    admin,
    platformCalls,
    logs,
    async close() {
      await gateway.close();
      if (!options.store) await store.close();
      if (!options.emulator) await emulator.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: { code?: string; msg?: string; data?: unknown } | undefined;
}

export async function send(
  origin: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  const body =
    options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined && !headers['Content-Type'])
    headers['Content-Type'] = 'application/json;charset=utf-8';
  const res = await fetch(origin + path, {
    method,
    headers,
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let json: Reply['json'];
  try {
    json = JSON.parse(text) as Reply['json'];
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Signs in to the gateway; returns the token. */
export async function signIn(rig: Rig, name: string, password: string): Promise<string> {
  const r = await send(rig.gateway.origin, 'POST', '/v1/session', { body: { name, password } });
  if (r.status !== 200) throw new Error(`sign-in ${name}: ${r.status} ${r.text}`);
  return (r.json!.data as { token: string }).token;
}

/** Calls a platform route through the gateway. */
export function platform(
  rig: Rig,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<Reply> {
  return send(rig.gateway.origin, method, `/v1/platform${path}`, {
    token,
    ...(body === undefined ? {} : { body }),
  });
}

/**
 * `gateway serve` as the systemd unit runs it (node --import tsx src/gateway/cli.ts serve …),
 * once it printed its origin. `run` gets the origin; the gateway is then stopped with SIGTERM,
 * and its exit code and stderr come back. Killed if it is still up after 30 s.
 */
export async function withServe(
  args: string[],
  env: NodeJS.ProcessEnv,
  run: (origin: string) => Promise<void>,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/gateway/cli.ts', 'serve', ...args],
    { env },
  );
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    while (!out.includes('\n')) {
      if (child.exitCode !== null) throw new Error(`serve exited: ${err}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await run((JSON.parse(out) as { origin: string }).origin);
    child.kill('SIGTERM');
    return { code: await exited, stderr: err };
  } finally {
    clearTimeout(killer);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}
