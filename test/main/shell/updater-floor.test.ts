/**
 * Auto-update on a floor of desks sharing one site link (docs/it-admin.md, Auto-update): the
 * installer never downloads during a call (it competes with the call's audio), a download a call
 * interrupts starts again after the call, and the desks' checks are spread over the period rather
 * than all at the moment they started.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fieldLogger, type LoggedLine } from '../../support/line-logger';
import type { CancellationToken } from 'electron-updater';

vi.mock('electron-updater', () => import('../../support/electron-updater-fake'));
vi.mock('electron', () => import('../../support/electron-fake'));

import { updater } from '../../support/electron-updater-fake';
import { setupAutoUpdate, UPDATE_CHECK_MS } from '../../../src/main/shell/updater';
import { FakeCore, signedInSnapshot, T0 } from './fake-core';
import type { SessionSnapshot } from '../../../src/shared/snapshot';

interface Download {
  token: CancellationToken;
  /** The installer has arrived (electron-updater emits update-downloaded, then resolves). */
  finish(): void;
  settled: boolean;
}

/**
 * electron-updater's AppUpdater, reduced to what decides when bytes move: checkForUpdates asks
 * the feed (a small latest.yml); downloadUpdate fetches the installer, and while one download is
 * under way a second request gets that same one (AppUpdater.downloadUpdate, "already in
 * progress"); a cancelled download rejects a moment later, without an 'error' event.
 */
class FloorUpdater extends EventEmitter {
  autoDownload = true;
  autoInstallOnAppQuit = true;
  logger: unknown = undefined;
  feedVersion = '0.2.0';
  setFeedURL = vi.fn();
  quitAndInstall = vi.fn();
  downloads: Download[] = [];
  private inFlight: Promise<string[]> | null = null;
  checkForUpdates = vi.fn(async () => {
    const available = this.feedVersion !== '0.1.0';
    if (available) this.emit('update-available', { version: this.feedVersion });
    return { isUpdateAvailable: available, updateInfo: { version: this.feedVersion } };
  });
  downloadUpdate = vi.fn((token: CancellationToken): Promise<string[]> => {
    if (this.inFlight) return this.inFlight;
    const version = this.feedVersion;
    const promise = new Promise<string[]>((resolve, reject) => {
      const download: Download = {
        token,
        settled: false,
        finish: () => {
          download.settled = true;
          this.emit('update-downloaded', { version });
          resolve(['/cache/setup.exe']);
        },
      };
      // What electron-updater's download executor listens to.
      token.once('cancel', () => {
        download.settled = true;
        setTimeout(() => reject(new Error('cancelled')), 50);
      });
      this.downloads.push(download);
    });
    this.inFlight = promise;
    void promise.then(
      () => (this.inFlight = null),
      () => (this.inFlight = null),
    );
    return promise;
  });
  /** Downloads running now (started and neither finished nor cancelled). */
  running(): Download[] {
    return this.downloads.filter((d) => !d.settled);
  }
}

let fake: FloorUpdater;
let core: FakeCore;
let dir: string;
let stop: () => void = () => {};
let lines: LoggedLine[];
const logger = fieldLogger(() => lines);

beforeEach(() => {
  vi.useFakeTimers();
  fake = new FloorUpdater();
  updater.current = fake;
  core = new FakeCore();
  core.current = signedInSnapshot('idle');
  dir = mkdtempSync(join(tmpdir(), 'updater-floor-'));
  lines = [];
});
afterEach(() => {
  stop();
  stop = () => {};
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

/** A desk as the composition root wires it (src/main/shell/index.ts). */
function desk(random: () => number = () => 0) {
  stop = setupAutoUpdate({
    settings: () => ({ updateUrl: 'https://updates.example.com/agent-desktop' }),
    logger,
    packaged: true,
    platform: 'win32',
    env: {},
    installWritable: () => true,
    idle: () => core.snapshot().phase === 'signed-out',
    inCall: () => core.snapshot().call !== null,
    onSessionChange: (listener) => core.on('session:changed', listener),
    pendingFile: join(dir, 'update-pending.json'),
    random,
  });
}

const withCall = (phase: 'ringing' | 'talking'): SessionSnapshot => ({
  ...signedInSnapshot('busy'),
  call: {
    id: 'c1',
    caller: '13800000000',
    phase,
    ringingSince: T0,
    talkingSince: phase === 'talking' ? T0 : null,
    muted: false,
  },
});
const noCall = () => signedInSnapshot('idle');
/** Lets the check's promise chain run (timers stay fake). */
const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('downloads and calls', () => {
  it('electron-updater never downloads on its own: the app picks the moment', () => {
    desk();
    expect(fake.autoDownload).toBe(false);
    expect(fake.autoInstallOnAppQuit).toBe(false);
  });

  it('an update found during a call does not download until the call has ended', async () => {
    core.setSnapshot(withCall('talking'));
    desk();
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(1);
    expect(fake.downloadUpdate).not.toHaveBeenCalled();
    expect(lines).toContainEqual(['update download waits: a call is up', { version: '0.2.0' }]);

    // The call goes on; the next checks find the same update and still do not download.
    await vi.advanceTimersByTimeAsync(UPDATE_CHECK_MS * 1.2);
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(2);
    expect(fake.downloadUpdate).not.toHaveBeenCalled();

    core.setSnapshot(noCall());
    expect(fake.running()).toHaveLength(1);
    expect(lines).toContainEqual(['update download resumes: no call is up', { version: '0.2.0' }]);
    fake.running()[0]!.finish();
    expect(lines).toContainEqual([
      'update ready; installs at the next start',
      { version: '0.2.0' },
    ]);
    expect(fake.quitAndInstall).not.toHaveBeenCalled();
  });

  it('a call that rings during a download stops it; it starts again after the call', async () => {
    desk();
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.running()).toHaveLength(1);
    const first = fake.running()[0]!;

    core.setSnapshot(withCall('ringing'));
    expect(first.token.cancelled).toBe(true);
    expect(fake.running()).toEqual([]);
    core.setSnapshot(withCall('talking'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fake.running()).toEqual([]);
    expect(fake.downloadUpdate).toHaveBeenCalledTimes(1);

    core.setSnapshot(noCall());
    expect(fake.running()).toHaveLength(1);
    expect(fake.running()[0]).not.toBe(first);
    // Stopping for the call is not a failure.
    expect(lines.filter(([msg]) => msg.includes('fail'))).toEqual([]);
  });

  it('a call that ends before the stopped download has let go: the download starts once it has', async () => {
    desk();
    await vi.advanceTimersByTimeAsync(1);
    // A call rings and is taken elsewhere within a moment.
    core.setSnapshot(withCall('ringing'));
    core.setSnapshot(noCall());
    expect(fake.running()).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    expect(fake.running()).toHaveLength(1);
    expect(fake.running()[0]!.token.cancelled).toBe(false);
    expect(lines.filter(([msg]) => msg.includes('fail'))).toEqual([]);
  });

  it('a failed download is logged once and tried again at the next check', async () => {
    const error = Object.assign(new Error('404 Not Found\nData: <html/>'), {
      code: 'HTTP_ERROR_404',
    });
    // electron-updater both emits a failed download and rejects with it.
    fake.downloadUpdate.mockImplementationOnce(async () => {
      fake.emit('error', error);
      throw error;
    });
    desk();
    await vi.advanceTimersByTimeAsync(1);
    expect(lines.filter(([msg]) => msg.includes('fail'))).toEqual([
      ['update failed', { code: 'HTTP_ERROR_404', error: '404 Not Found' }],
    ]);
    expect(fake.running()).toEqual([]);
    await vi.advanceTimersByTimeAsync(UPDATE_CHECK_MS * 1.1);
    expect(fake.running()).toHaveLength(1);
  });
});

describe('a floor of desks', () => {
  it('checks at a random point of the period, then every period give or take a tenth', async () => {
    const draws = [0.5, 1, 0];
    desk(() => draws.shift() ?? 0.5);
    await vi.advanceTimersByTimeAsync(UPDATE_CHECK_MS * 0.5 - 1);
    expect(fake.checkForUpdates).not.toHaveBeenCalled();
    expect(lines).toContainEqual([
      'auto-update on',
      { url: 'https://updates.example.com/agent-desktop', firstCheckInMinutes: 120 },
    ]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(1);
    // Drawn 1: the next check comes a tenth of the period late.
    await vi.advanceTimersByTimeAsync(UPDATE_CHECK_MS * 1.1 - 1);
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(2);
    // Drawn 0: a tenth early.
    await vi.advanceTimersByTimeAsync(UPDATE_CHECK_MS * 0.9);
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(3);
  });

  it('300 desks started together first check spread over the period, not all at once', async () => {
    const checks: number[] = [];
    const stops: Array<() => void> = [];
    let seed = 7;
    // A small deterministic generator standing in for Math.random.
    const random = () => ((seed = (seed * 48271) % 2147483647) - 1) / 2147483646;
    for (let i = 0; i < 300; i++) {
      const desk = new FloorUpdater();
      desk.feedVersion = '0.1.0';
      let checked = false;
      desk.checkForUpdates.mockImplementation(async () => {
        // Each desk's first check: when a release published overnight reaches it.
        if (!checked) checks.push(Date.now());
        checked = true;
        return { isUpdateAvailable: false, updateInfo: { version: '0.1.0' } };
      });
      updater.current = desk;
      stops.push(
        setupAutoUpdate({
          settings: () => ({ updateUrl: 'https://updates.example.com/agent-desktop' }),
          logger,
          packaged: true,
          platform: 'win32',
          env: {},
          installWritable: () => true,
          random,
        }),
      );
    }
    const start = Date.now();
    await vi.advanceTimersByTimeAsync(UPDATE_CHECK_MS);
    for (const s of stops) s();
    expect(checks).toHaveLength(300);
    const perHour = [0, 0, 0, 0];
    for (const at of checks) perHour[Math.floor((at - start) / 3_600_000)]!++;
    for (const n of perHour) expect(n).toBeLessThan(300 / 4 + 30);
  });

  it('an update downloaded during yesterday’s shift: checked at once at start, installed before sign-in', async () => {
    writeFileSync(join(dir, 'update-pending.json'), JSON.stringify({ version: '0.2.0' }));
    core.current = { ...core.current, phase: 'signed-out', state: null };
    desk(() => 0.9);
    await flush();
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(1);
    expect(fake.running()).toHaveLength(1);
    fake.running()[0]!.finish(); // from the cache, no bytes over the link
    expect(fake.quitAndInstall).toHaveBeenCalledWith(true, true);
  });

  it('the note of a downloaded update is written while an agent works, and dropped once installed', async () => {
    desk();
    await vi.advanceTimersByTimeAsync(1);
    fake.running()[0]!.finish();
    expect(JSON.parse(readFileSync(join(dir, 'update-pending.json'), 'utf8'))).toEqual({
      version: '0.2.0',
    });
    stop();
    // Next start: the feed's version is the one now running.
    fake = new FloorUpdater();
    fake.feedVersion = '0.1.0';
    updater.current = fake;
    desk(() => 0.9);
    await flush();
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(1);
    expect(() => readFileSync(join(dir, 'update-pending.json'))).toThrow(/ENOENT/);
  });

  it('a newer version than the noted one waits for this desk’s turn (a hotfix must not hit the link at 8:00)', async () => {
    writeFileSync(join(dir, 'update-pending.json'), JSON.stringify({ version: '0.2.0' }));
    fake.feedVersion = '0.2.1';
    core.current = { ...core.current, phase: 'signed-out', state: null };
    desk(() => 0.5);
    await flush();
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(1);
    expect(fake.downloadUpdate).not.toHaveBeenCalled();
  });

  it('an unreadable note is ignored with a warning; the desk checks at its turn', async () => {
    writeFileSync(join(dir, 'update-pending.json'), '{not json');
    desk(() => 0.5);
    await flush();
    expect(fake.checkForUpdates).not.toHaveBeenCalled();
    expect(lines.map(([msg]) => msg)).toContain('update: pending-update note unreadable; ignored');
  });
});
