/**
 * The platform reads a signed request's Timestamp as its own wall clock (Asia/Shanghai), and
 * refuses one more than 5 minutes old: the desktop signs in the platform's zone, whatever zone
 * its machine is set to. A desktop in New York (or a gateway in a UTC container) that wrote its
 * local time was refused with HTTP 401 on every request; the emulator, on the same machine as
 * the desktop, read that local time in the same local zone and never showed it.
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator';
import { signedHeaders } from '../../../src/lib/platform/signing';
import type { AppError } from '../../../src/shared/domain/errors';

const SHANGHAI_OFFSET = 8 * 60;
/** UTC offset (minutes) of `zone` now. */
function offsetOf(zone: string, at = new Date()): number {
  const wall = new Date(at.toLocaleString('en-US', { timeZone: zone }));
  const utc = new Date(at.toLocaleString('en-US', { timeZone: 'UTC' }));
  return Math.round((wall.getTime() - utc.getTime()) / 60_000);
}
/** A zone hours away from both this machine's and the platform's, so a mix-up shows. */
const DESKTOP_ZONE = ['America/New_York', 'Europe/London', 'America/Los_Angeles'].find((zone) => {
  const offset = offsetOf(zone);
  return (
    Math.abs(offset - SHANGHAI_OFFSET) >= 60 &&
    Math.abs(offset + new Date().getTimezoneOffset()) >= 60
  );
})!;

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({
    port: 0,
    auth: 'generate',
    platformTimeZone: 'Asia/Shanghai',
    log: () => undefined,
  });
});
afterAll(() => emulator?.close());

interface DesktopRun {
  ok: boolean;
  error: AppError | null;
  utcOffsetMinutes: number;
}

/** Runs the real client in a node process whose machine zone is `tz`. */
function desktopIn(tz: string, extra: Record<string, string> = {}): Promise<DesktopRun> {
  const credentials = emulator.credentials!;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'test/lib/platform/support/desktop-in-zone.ts'],
      {
        timeout: 30_000,
        env: {
          ...process.env,
          TZ: tz,
          PLATFORM_URL: emulator.baseUrl,
          APP_ID: credentials.appId,
          CERT_ID: credentials.certId,
          SECRET_KEY: credentials.secretKey,
          ...extra,
        },
      },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as DesktopRun);
      },
    );
  });
}

describe("signing in the platform's time zone", () => {
  it(`a desktop whose machine is in ${DESKTOP_ZONE} is accepted by a platform in Asia/Shanghai`, async () => {
    const run = await desktopIn(DESKTOP_ZONE);
    // The child really ran in another zone than the platform's.
    expect(run.utcOffsetMinutes).toBe(offsetOf(DESKTOP_ZONE));
    expect(run.utcOffsetMinutes).not.toBe(SHANGHAI_OFFSET);
    expect(run.error).toBeNull();
    expect(run.ok).toBe(true);
  }, 40_000);

  it('a desktop in a UTC container is accepted too', async () => {
    const run = await desktopIn('UTC');
    expect(run.utcOffsetMinutes).toBe(0);
    expect(run).toMatchObject({ ok: true, error: null });
  }, 40_000);

  it('a platform zone set wrong on the desktop is refused 401, and the emulator says in which zone it read the time', async () => {
    // What every desktop outside China sent before: its own wall clock. The platform reads it
    // in Shanghai: hours old (or hours ahead, which the platform accepts — hence New York).
    const run = await desktopIn(DESKTOP_ZONE, { PLATFORM_TIME_ZONE: 'America/New_York' });
    expect(run.ok).toBe(false);
    expect(run.error?.code).toBe('auth-failed');
    expect(run.error?.detail).toMatch(/more than 300 s old.*Asia\/Shanghai/);
  }, 40_000);

  it('the emulator reads the Timestamp in its platform zone, not in its machine zone', async () => {
    const path = new URL(`${emulator.baseUrl}/callcenter/agent`).pathname;
    const get = (zone: string) =>
      fetch(`${emulator.baseUrl}/callcenter/agent`, {
        headers: signedHeaders(emulator.credentials!, 'GET', path, '', '', new Date(), zone),
        signal: AbortSignal.timeout(5_000),
      });
    expect((await get('Asia/Shanghai')).status).toBe(200);
    // A signer writing UTC wall clock (a gateway container without TZ): 8 hours old in Shanghai.
    const utc = await get('UTC');
    expect(utc.status).toBe(401);
    expect(await utc.text()).toMatch(
      /is more than 300 s old, read as the platform's time in Asia\/Shanghai/,
    );
  });
});
