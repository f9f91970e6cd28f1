/**
 * `npm run emulator` as a user runs it: one JSON line on stdout once ready, logs on stderr,
 * a clean exit on SIGTERM, exit code 2 for bad flags. Each child runs in its own process group
 * (npx → tsx → node) and is signalled through its pid's group, so none outlives the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { signedHeaders } from '../../src/lib/platform/signing';
import { DEMO_EXTENSIONS } from '../../src/emulator/index';

const children: ChildProcess[] = [];

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** `npx tsx …` as the brief runs it; `direct` starts node itself so its exit code is ours. */
function runCli(args: string[], direct = false): Run {
  const [command, prefix] = direct ? [process.execPath, ['--import', 'tsx']] : ['npx', ['tsx']];
  const child = spawn(command, [...prefix, 'src/emulator/cli.ts', ...args], {
    cwd: process.cwd(),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function firstLine(run: Run): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 20_000;
  while (!run.stdout().includes('\n')) {
    if (Date.now() > deadline) throw new Error(`no ready line; stderr: ${run.stderr()}`);
    if (run.child.exitCode !== null) throw new Error(`exited early; stderr: ${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return JSON.parse(run.stdout().split('\n')[0]!) as Record<string, unknown>;
}

function stop(run: Run, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (run.child.pid !== undefined && run.child.exitCode === null) {
    try {
      process.kill(-run.child.pid, signal); // the whole group: npx, tsx and node
    } catch {
      // already gone
    }
  }
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

describe('emulator CLI', () => {
  it('prints one JSON line, serves, and exits cleanly on SIGTERM (--port 0 --no-auth)', async () => {
    const run = runCli(['--port', '0', '--no-auth', '--keepalive-timeout', '42']);
    const ready = await firstLine(run);
    expect(ready).toMatchObject({
      baseUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/v1\/account\/[0-9a-f]{32}$/),
      controlUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/emulator$/),
      keepaliveTimeoutSec: 42,
    });
    expect(ready).not.toHaveProperty('secretKey');
    expect(ready).not.toHaveProperty('appId');
    expect(ready.extensions).toEqual(
      DEMO_EXTENSIONS.map(({ id, user, sipUser, password }) => ({ id, user, sipUser, password })),
    );
    const baseUrl = ready.baseUrl as string;
    const login = await fetch(`${baseUrl}/callcenter/agent`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'cli1', extension: DEMO_EXTENSIONS[0]!.id }),
    });
    expect(await login.json()).toMatchObject({ code: '000000' });
    const state = (await (await fetch(`${ready.controlUrl as string}/state`)).json()) as {
      agents: { name: string }[];
    };
    expect(state.agents.map((a) => a.name)).toEqual(['cli1']);

    stop(run);
    await within(run.exited, 10_000, 'exit after SIGTERM');
    expect(run.stdout().trim().split('\n')).toHaveLength(1);
    expect(run.stderr()).toMatch(/SIGTERM, stopping/);
    await expect(fetch(baseUrl + '/callcenter/agent')).rejects.toThrow();
  });

  it('with auth (the default) prints credentials that sign requests it accepts', async () => {
    const run = runCli(['--port', '0'], true);
    const ready = await firstLine(run);
    const credentials = {
      appId: ready.appId as string,
      certId: ready.certId as string,
      secretKey: ready.secretKey as string,
    };
    expect(credentials.secretKey).toEqual(expect.any(String));
    const url = new URL(`${ready.baseUrl as string}/callcenter/agent`);
    expect((await fetch(url)).status).toBe(401);
    const headers = signedHeaders(credentials, 'GET', url.pathname, '', '', new Date());
    expect((await fetch(url, { headers })).status).toBe(200);
    stop(run, 'SIGINT');
    expect(await within(run.exited, 10_000, 'exit after SIGINT')).toBe(0);
    expect(run.stderr()).toMatch(/SIGINT, stopping/);
  });

  it.each([
    [['--port', 'abc'], /--port must be an integer/],
    [['--port', '70000'], /--port must be an integer/],
    [['--keepalive-timeout', '0'], /--keepalive-timeout must be a positive number/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['extra'], /positional argument/],
  ])('exits with code 2 and a message for %j', async (args, message) => {
    const run = runCli(args);
    expect(await within(run.exited, 20_000, 'exit on bad flags')).toBe(2);
    expect(run.stderr()).toMatch(message);
    expect(run.stderr()).toMatch(/usage: npm run emulator/);
    expect(run.stdout()).toBe('');
  });
});
