/**
 * The long-running npm scripts (`host`, `emulator`, `edge`, `gateway`) stop with the `npm`
 * process: a service manager or a terminal's "close" sends SIGTERM to npm only, and the shell npm
 * runs a script through does not pass it on, so without `exec` the server kept running and
 * holding its port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sessionProcesses } from '../support/session-processes';
import { afterEach, describe, expect, it } from 'vitest';

const children: ChildProcess[] = [];
const dirs: string[] = [];

/** `npm run -s <args>` in its own session; resolves once the script printed its ready line. */
async function npmRun(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ChildProcess> {
  const child = spawn('npm', ['run', '-s', ...args], {
    cwd: process.cwd(),
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const deadline = Date.now() + 30_000;
  while (!out.includes('\n')) {
    if (Date.now() > deadline) throw new Error(`no ready line; stderr: ${err}`);
    if (child.exitCode !== null) throw new Error(`exited early; stderr: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return child;
}

/** Sends SIGTERM to the npm process alone; resolves with what is still running after it. */
async function terminateNpm(child: ChildProcess): Promise<string[]> {
  child.kill('SIGTERM');
  const deadline = Date.now() + 10_000;
  while (sessionProcesses(child.pid!).length > 0 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  return sessionProcesses(child.pid!);
}

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.pid !== undefined && sessionProcesses(child.pid).length > 0) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('a SIGTERM to npm', () => {
  it('stops `npm run emulator` and everything it started', async () => {
    const child = await npmRun(['emulator', '--', '--port', '0']);
    expect(await terminateNpm(child)).toEqual([]);
  }, 45_000);

  it('stops `npm run gateway … serve`', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'npm-gateway-'));
    dirs.push(dir);
    const child = await npmRun(['gateway', '--', 'serve', '--port', '0'], {
      ...process.env,
      GATEWAY_PLATFORM_URL: 'http://127.0.0.1:9/v1/account/acc',
      GATEWAY_APP_ID: 'app',
      GATEWAY_CERT_ID: 'cert',
      GATEWAY_SECRET_KEY: 'secret',
      GATEWAY_DATABASE: join(dir, 'gateway.db'),
    });
    expect(await terminateNpm(child)).toEqual([]);
  }, 45_000);

  // `npm run host` rebuilds out/ (other test runs read it) and `edge` needs Kamailio and
  // rtpengine: their scripts must hand the shell over to the server the same way.
  it.each(['host', 'edge', 'emulator', 'gateway'])('`%s` ends by exec-ing its server', (name) => {
    const scripts = (
      JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts[name]!.split('&&').at(-1)!.trim()).toMatch(/^exec tsx /);
  });
});
