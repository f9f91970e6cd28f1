/**
 * The emulator reads a request's Timestamp as the platform does: as the wall clock of the
 * platform's time zone (default Asia/Shanghai, `--platform-time-zone` / `platformTimeZone`),
 * not the zone of the machine it runs on, so a client that signs in the wrong zone is refused
 * here as the real platform refuses it. Only a Timestamp older than the window is refused.
 */
import { execFile, spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index';
import { formatTimestamp, signedHeaders } from '../../src/lib/platform/signing';

const quiet = () => undefined;

/** `node --import tsx src/emulator/cli.ts …` in a process whose machine zone is `tz`. */
function cli(args: string[], tz: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/emulator/cli.ts', ...args], {
    env: { ...process.env, TZ: tz },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, out: () => out, err: () => err, exited };
}

describe('--platform-time-zone', () => {
  it('an emulator on a New York machine reads Timestamps as Shanghai time by default', async () => {
    const run = cli(['--no-sip'], 'America/New_York');
    const killer = setTimeout(() => run.child.kill('SIGKILL'), 30_000);
    try {
      while (!run.out().includes('\n')) {
        if (run.child.exitCode !== null) throw new Error(`exited: ${run.err()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const ready = JSON.parse(run.out().split('\n')[0]!) as {
        baseUrl: string;
        appId: string;
        certId: string;
        secretKey: string;
        platformTimeZone: string;
      };
      expect(ready.platformTimeZone).toBe('Asia/Shanghai');
      const path = new URL(`${ready.baseUrl}/callcenter/agent`).pathname;
      const get = (zone: string) =>
        fetch(`${ready.baseUrl}/callcenter/agent`, {
          headers: signedHeaders(ready, 'GET', path, '', '', new Date(), zone),
          signal: AbortSignal.timeout(5_000),
        });
      expect((await get('Asia/Shanghai')).status).toBe(200);
      // The emulator machine's own wall clock is 12–13 hours old in Shanghai.
      const local = await get('America/New_York');
      expect(local.status).toBe(401);
      expect(await local.text()).toMatch(/platform's time in Asia\/Shanghai/);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    } finally {
      clearTimeout(killer);
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    }
  }, 40_000);

  it('a name that is no time zone exits with 2 and says what is wanted', async () => {
    const result = await new Promise<{ code: number; err: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'src/emulator/cli.ts', '--platform-time-zone', 'UTC+8'],
        { timeout: 30_000 },
        (error, _out, err) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, err }),
      );
    });
    expect(result.code).toBe(2);
    expect(result.err).toMatch(
      /^emulator: --platform-time-zone must be a time zone name such as Asia\/Shanghai, got "UTC\+8"/,
    );
  }, 40_000);
});

describe('platformTimeZone option', () => {
  it('reads the Timestamp in the zone given, one-sided: stale refused, future accepted', async () => {
    const now = Date.UTC(2026, 0, 15, 4, 0, 0); // 17:00 in Auckland (NZDT, UTC+13)
    const emu = await startEmulator({
      port: 0,
      auth: { appId: 'a', certId: 'c', secretKey: 's' },
      platformTimeZone: 'Pacific/Auckland',
      now: () => now,
      log: quiet,
    });
    try {
      const path = new URL(`${emu.baseUrl}/callcenter/agent`).pathname;
      const at = async (ms: number, zone = 'Pacific/Auckland') => {
        const res = await fetch(`${emu.baseUrl}/callcenter/agent`, {
          headers: signedHeaders(emu.credentials!, 'GET', path, '', '', new Date(ms), zone),
          signal: AbortSignal.timeout(5_000),
        });
        return { status: res.status, text: await res.text() };
      };
      expect(formatTimestamp(new Date(now), 'Pacific/Auckland')).toBe('20260115170000');
      expect((await at(now)).status).toBe(200);
      expect((await at(now - 300_000)).status).toBe(200); // (now - ts) / 1000 = 300: not > 300
      expect((await at(now - 301_000)).status).toBe(401);
      expect((await at(now + 3_600_000)).status).toBe(200);
      // Signed in Shanghai (the default) against this platform: 5 hours old.
      const shanghai = await at(now, 'Asia/Shanghai');
      expect(shanghai.status).toBe(401);
      expect(shanghai.text).toMatch(/20260115120000 is more than 300 s old.*Pacific\/Auckland/);
    } finally {
      await emu.close();
    }
  });

  it('an unknown zone fails the start with its name', async () => {
    await expect(
      startEmulator({ port: 0, platformTimeZone: 'Asia/Peking ', log: quiet }),
    ).rejects.toThrow(/platformTimeZone: "Asia\/Peking " is not a time zone name/);
  });
});
