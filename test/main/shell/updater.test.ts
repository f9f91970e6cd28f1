/**
 * Auto-update as IT sets it up (docs/it-admin.md, Auto-update): on with an update URL in a
 * packaged app; on Linux only for the AppImage — a deb install comes from the site's package
 * repository, and must not try dpkg through a password prompt at the agent's quit.
 */
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fieldLogger, type LoggedLine } from '../../support/line-logger';

vi.mock('electron-updater', () => import('../../support/electron-updater-fake'));
vi.mock('electron', () => import('../../support/electron-fake'));

import { updater } from '../../support/electron-updater-fake';
import { setupAutoUpdate } from '../../../src/main/shell/updater';
import { autostartFile, HIDDEN_ARG, setupLoginItem } from '../../../src/main/shell/login-item';
import { silentLogger } from '../../../src/lib/ports';
import { app, resetElectronFake } from '../../support/electron-fake';
import { FakeCore } from './fake-core';

class FakeUpdater extends EventEmitter {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  logger: unknown = undefined;
  setFeedURL = vi.fn();
  checkForUpdates = vi.fn(
    async (): Promise<{ isUpdateAvailable: boolean; updateInfo: { version: string } } | null> =>
      null,
  );
  downloadUpdate = vi.fn(async (_token: unknown): Promise<string[]> => []);
  quitAndInstall = vi.fn();
}

let fake: FakeUpdater;
let lines: LoggedLine[];
const logger = fieldLogger(() => lines);
const URL = 'https://updates.example.com/agent-desktop';

beforeEach(() => {
  fake = new FakeUpdater();
  updater.current = fake;
  lines = [];
});

/** Whether anyone is signed in, as the core would say. */
let signedOut = true;
const setup = (
  platform: NodeJS.Platform,
  env: Record<string, string>,
  url: string | null = URL,
  installWritable = true,
) =>
  setupAutoUpdate({
    settings: () => ({ updateUrl: url }),
    logger,
    packaged: true,
    platform,
    env,
    idle: () => signedOut,
    installWritable: () => installWritable,
    // The first check at once (updater-floor.test.ts spreads it).
    random: () => 0,
  });
/** Lets a check that was due now run. */
const tick = () => new Promise((done) => setTimeout(done, 10));

describe('auto-update', () => {
  it('Windows and macOS: the generic feed at the admin’s URL; never installed on the way out', async () => {
    for (const platform of ['win32', 'darwin'] as const) {
      fake = new FakeUpdater();
      updater.current = fake;
      const stop = setup(platform, {});
      expect(fake.setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url: URL });
      await tick();
      expect(fake.checkForUpdates).toHaveBeenCalledTimes(1);
      // A shift ends with a log-off or shutdown: an installer started then is killed part-way.
      expect(fake.autoInstallOnAppQuit).toBe(false);
      stop();
    }
  });

  it('an update downloaded while an agent is signed in waits for the next start', () => {
    signedOut = false;
    try {
      const stop = setup('win32', {});
      fake.emit('update-downloaded', { version: '0.2.0' });
      expect(fake.quitAndInstall).not.toHaveBeenCalled();
      expect(lines).toContainEqual([
        'update ready; installs at the next start',
        { version: '0.2.0' },
      ]);
      stop();
    } finally {
      signedOut = true;
    }
  });

  it('at start, before anyone signs in, a downloaded update installs at once and the app comes back', () => {
    const stop = setup('win32', {});
    fake.emit('update-downloaded', { version: '0.2.0' });
    expect(fake.quitAndInstall).toHaveBeenCalledWith(true, true);
    stop();
  });

  it('installed for all users (a folder this user cannot write): off, saying why', () => {
    for (const platform of ['win32', 'darwin'] as const) {
      lines = [];
      setup(platform, {}, URL, false);
      expect(lines).toEqual([
        ['auto-update off', { reason: expect.stringMatching(/installed for all users/) }],
      ]);
    }
    expect(fake.setFeedURL).not.toHaveBeenCalled();
  });

  it('Linux AppImage: on', () => {
    const stop = setup('linux', { APPIMAGE: '/opt/apps/agent-desktop.AppImage' });
    expect(fake.setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url: URL });
    stop();
  });

  it('Linux deb: off, saying why, even with an update URL', () => {
    setup('linux', {});
    expect(fake.setFeedURL).not.toHaveBeenCalled();
    expect(fake.checkForUpdates).not.toHaveBeenCalled();
    expect(lines).toEqual([
      ['auto-update off', { reason: expect.stringMatching(/not an AppImage.*package repository/) }],
    ]);
  });

  it('no update URL, or an unpackaged build: off', () => {
    setup('win32', {}, null);
    setupAutoUpdate({ settings: () => ({ updateUrl: URL }), logger, packaged: false });
    expect(fake.setFeedURL).not.toHaveBeenCalled();
    expect(lines.map(([, fields]) => fields?.reason)).toEqual(['no update URL', 'not packaged']);
  });

  it('a failed check: one line, without the response body', async () => {
    // A captive portal answers latest.yml with its login page; electron-updater puts the whole
    // page in the error, and both emits it and rejects with it.
    const body = `<html>${'captive portal login '.repeat(5000)}</html>`;
    const error = Object.assign(
      new Error(
        `Cannot parse update info from latest.yml in the latest release artifacts (${URL}/latest.yml): YAMLException: end of the stream or a document separator is expected (3:1)\n    at x (y.js:1:1), rawData: ${body}`,
      ),
      { code: 'ERR_UPDATER_INVALID_UPDATE_INFO' },
    );
    fake.checkForUpdates.mockImplementation(async () => {
      fake.emit('error', error, String(error.stack));
      throw error;
    });
    const stop = setup('win32', {});
    await tick();
    stop();
    const failures = lines.filter(([msg]) => msg.includes('fail'));
    expect(failures).toEqual([
      [
        'update failed',
        {
          code: 'ERR_UPDATER_INVALID_UPDATE_INFO',
          error: `Cannot parse update info from latest.yml in the latest release artifacts (${URL}/latest.yml): YAMLException: end of the stream or a document separator is expected (3:1)`,
        },
      ],
    ]);
    expect(JSON.stringify(lines)).not.toContain('captive portal');
  });

  it('a failed download: one line, and no unhandled rejection', async () => {
    const error = Object.assign(new Error('404 Not Found\nData: <html>not here</html>'), {
      code: 'HTTP_ERROR_404',
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      fake.checkForUpdates.mockImplementation(async () => ({
        isUpdateAvailable: true,
        updateInfo: { version: '0.2.0' },
      }));
      fake.downloadUpdate.mockImplementation(() => {
        setTimeout(() => fake.emit('error', error, String(error.stack)), 0);
        return Promise.reject(error);
      });
      const stop = setup('win32', {});
      await new Promise((done) => setTimeout(done, 20));
      stop();
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    expect(lines.filter(([msg]) => msg.includes('fail'))).toEqual([
      ['update failed', { code: 'HTTP_ERROR_404', error: '404 Not Found' }],
    ]);
  });
});

describe('AppImage update and start at login', () => {
  let dir: string;
  beforeEach(() => {
    resetElectronFake();
    app.isPackaged = true;
    dir = mkdtempSync(join(tmpdir(), 'updater-autostart-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const OLD = '/home/a/Applications/agent-desktop-1.0.0-x86_64.AppImage';
  const NEW = '/home/a/Applications/agent-desktop-1.1.0-x86_64.AppImage';

  it('the autostart entry follows the AppImage to its new name', () => {
    const env = { APPIMAGE: OLD, XDG_CONFIG_HOME: dir };
    const core = new FakeCore();
    core.currentSettings.startAtLogin = true;
    setupLoginItem({ core, logger: silentLogger, platform: 'linux', env });
    setup('linux', env);
    // AppImageUpdater at quit: deletes OLD, moves the new file in as NEW, then says so.
    fake.emit('appimage-filename-updated', NEW);
    expect(readFileSync(autostartFile(env), 'utf8')).toContain(`Exec="${NEW}" ${HIDDEN_ARG}`);
  });

  it('no autostart entry is created when start at login is off', () => {
    const env = { APPIMAGE: OLD, XDG_CONFIG_HOME: dir };
    setup('linux', env);
    fake.emit('appimage-filename-updated', NEW);
    expect(existsSync(autostartFile(env))).toBe(false);
  });
});
