/** Runs sipp (Debian sip-tester) as an independent SIP client; bounded, killed by pid on overrun. */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SYSTEM } from '../../support/system';
import { freeUdpPort } from '../../../src/emulator/sip/free-port';

export interface SippRun {
  code: number | null;
  output: string;
}

export interface StartedSipp {
  pid: number | undefined;
  /** Resolves when sipp exits (or is killed at the guard), with its exit code and output. */
  exited: Promise<SippRun>;
  running(): boolean;
  /** Kills it (SIGKILL) if it still runs. */
  kill(): void;
}

/**
 * Starts sipp with `args` in `cwd` (sipp may write logs next to itself), output gathered, killed
 * by pid after `guardMs`. `children`, when given, holds its pid while it runs, so an afterAll
 * can kill whatever a failed test left behind.
 */
export function startSipp(
  args: string[],
  cwd: string,
  guardMs: number,
  children?: number[],
): StartedSipp {
  const child = spawn(SYSTEM.sipp, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid) children?.push(pid);
  let running = true;
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const kill = () => void (running && pid && process.kill(pid, 'SIGKILL'));
  const exited = new Promise<SippRun>((done) => {
    const guard = setTimeout(kill, guardMs);
    child.once('exit', (code) => {
      running = false;
      clearTimeout(guard);
      if (pid && children?.includes(pid)) children.splice(children.indexOf(pid), 1);
      done({ code, output });
    });
  });
  return { pid, exited, running: () => running, kill };
}

/** A REGISTER (expires 0 = unregister) with digest from sipp to `target` (host:port, UDP). */
export async function sippRegister(
  target: string,
  account: { sipUser: string; password: string },
  domain: string,
  expiresSec: number,
  /** Same port for register and unregister: the Contact (and so the binding) is the same. */
  localPort?: number,
): Promise<SippRun> {
  localPort ??= await freeUdpPort();
  const scenario = resolve('test/integration/sipp/register.xml');
  const args = [
    target,
    ...['-sf', scenario, '-s', account.sipUser, '-au', account.sipUser, '-ap', account.password],
    ...['-set', 'domain', domain, '-set', 'expires', String(expiresSec)],
    ...[
      '-i',
      '127.0.0.1',
      '-p',
      String(localPort),
      '-m',
      '1',
      '-nostdin',
      '-timeout',
      '10s',
      '-timeout_error',
    ],
  ];
  // sipp may write logs next to itself: give it a scratch directory.
  const cwd = await mkdtemp(join(tmpdir(), 'agent-desktop-sipp-'));
  try {
    return await startSipp(args, cwd, 15_000).exited;
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
}
