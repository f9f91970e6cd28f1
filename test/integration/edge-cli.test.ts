/**
 * `npm run edge` as an IT admin starts it: with no --rtp-ports it must relay a site's calls, not
 * the 200 ports (about 50 calls) the tests use, and a mistyped --advertise is refused before
 * anything starts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { freeUdpPort } from '../../src/emulator/sip/free-port';
import { missingSystem } from '../support/system';
import { waitFor } from '../support/wait';

const skip = missingSystem('kamailio', 'rtpengine');
const CLI = ['--import', 'tsx', 'src/emulator/edge/edge-cli.ts'];

/** The command line of the process whose arguments include `marker`, or null. */
function processWith(marker: string): string[] | null {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let args: string[];
    try {
      args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (args.includes(marker)) return args;
  }
  return null;
}

function run(args: string[]): { child: ChildProcess; out: string[]; err: string[] } {
  const child = spawn(process.execPath, [...CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  const err: string[] = [];
  child.stdout!.on('data', (d: Buffer) => out.push(String(d)));
  child.stderr!.on('data', (d: Buffer) => err.push(String(d)));
  return { child, out, err };
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

describe.skipIf(skip)(skip ?? 'npm run edge', () => {
  const started: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of started) {
      if (child.exitCode === null && child.pid) {
        child.kill('SIGTERM');
        await Promise.race([exited(child), new Promise((r) => setTimeout(r, 8_000))]);
      }
    }
  });

  it('with no --rtp-ports, rtpengine gets 10,000 ports (about 2,500 calls), and Ctrl-C stops it', async () => {
    const platformPort = await freeUdpPort();
    const edge = run(['--platform', `127.0.0.1:${platformPort}`]);
    started.push(edge.child);
    const line = await waitFor(
      () =>
        edge.out
          .join('')
          .split('\n')
          .find((l) => l.startsWith('{')),
      'the ready line',
      15_000,
    );
    const ready = JSON.parse(line) as { rtpengine: string; rtpPorts: string };
    const ngPort = ready.rtpengine.split(':').at(-1);
    const daemon = processWith(`--listen-ng=127.0.0.1:${ngPort}`);
    const flag = (name: string) =>
      Number(daemon?.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]);
    expect({
      printed: ready.rtpPorts,
      ports: flag('port-max') - flag('port-min') + 1,
    }).toEqual({ printed: '20000-29999', ports: 10_000 });
    edge.child.kill('SIGINT');
    expect(await exited(edge.child)).toBe(0);
    expect(processWith(`--listen-ng=127.0.0.1:${ngPort}`)).toBeNull();
  }, 20_000);

  it('a mistyped --advertise is refused with the reason before anything starts', async () => {
    const edge = run(['--platform', '127.0.0.1:5060', '--advertise', '203.0.113']);
    started.push(edge.child);
    expect(await exited(edge.child)).toBe(2);
    expect(edge.err.join('')).toContain('--advertise must be an IP address, got 203.0.113');
  }, 15_000);
});
