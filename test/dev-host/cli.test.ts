/**
 * `npm run host` on a port another process holds: one clear line and exit code 1, nothing left
 * running (the demo platform it had started is stopped, also its Kamailio and rtpengine in edge
 * mode), never Node's unhandled-error stack.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sessionProcesses } from '../support/session-processes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { missingSystem } from '../support/system';

let rendererDir: string;
let holder: Server;
let child: ChildProcess | undefined;

/** Starts the host's CLI on the held port; resolves with its exit code and output. */
async function runOnBusyPort(env: NodeJS.ProcessEnv = process.env) {
  const port = (holder.address() as { port: number }).port;
  child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/dev-host/cli.ts', '--port', String(port), '--renderer', rendererDir],
    { cwd: process.cwd(), env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still running; stderr: ${err}`)), 30_000);
    child!.once('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  return { port, code, out, err, left: sessionProcesses(child.pid!) };
}

beforeEach(async () => {
  rendererDir = mkdtempSync(join(tmpdir(), 'host-cli-'));
  writeFileSync(join(rendererDir, 'index.html'), '<html><head></head><body>window</body></html>');
  holder = createServer();
  await new Promise<void>((done) => holder.listen(0, '127.0.0.1', done));
});

afterEach(async () => {
  if (child?.pid !== undefined && sessionProcesses(child.pid).length > 0) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  child = undefined;
  await new Promise<void>((done) => holder.close(() => done()));
  rmSync(rendererDir, { recursive: true, force: true });
});

describe('the browser host on a busy port', () => {
  it('says the port is in use, stops what it started and exits 1', async () => {
    const run = await runOnBusyPort();
    expect(run.code).toBe(1);
    expect(run.err).toContain(`host: failed to start: Error: listen EADDRINUSE`);
    expect(run.err).toContain(`port ${run.port} is in use`);
    expect(run.err).not.toMatch(/Unhandled 'error' event|^\s+at /m);
    expect(run.out).toBe('');
    expect(run.left).toEqual([]);
  }, 40_000);

  const skip = missingSystem('kamailio', 'rtpengine');
  it.skipIf(skip)(
    skip ?? 'in edge mode, stops the Kamailio and rtpengine it had started',
    async () => {
      const run = await runOnBusyPort({ ...process.env, AGENT_DESKTOP_EMULATOR: 'edge' });
      expect(run.code).toBe(1);
      expect(run.err).toMatch(/kamailio: started/);
      expect(run.err).toContain(`port ${run.port} is in use`);
      expect(run.left).toEqual([]);
    },
    40_000,
  );
});
