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
    return await new Promise<SippRun>((done) => {
      const child = spawn(SYSTEM.sipp, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const guard = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), 15_000);
      child.once('exit', (code) => {
        clearTimeout(guard);
        done({ code, output });
      });
    });
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
}
