/**
 * When a downloaded update installs, against electron-updater's own rule (it installs on an app
 * quit with exit code 0 when autoInstallOnAppQuit is set): never on a log-off or shutdown, which
 * kill the installer part-way; and never from an http:// feed.
 */
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fieldLogger, type LoggedLine } from '../../support/line-logger';

vi.mock('electron-updater', () => import('../../support/electron-updater-fake'));
vi.mock('electron', () => import('../../support/electron-fake'));

import { updater } from '../../support/electron-updater-fake';
import { setupAutoUpdate } from '../../../src/main/shell/updater';
import { setupQuit } from '../../../src/main/shell/lifecycle';
import { setupCloseToTray } from '../../../src/main/shell/window';
import { SettingsSchema } from '../../../src/shared/settings';
import { silentLogger } from '../../../src/lib/ports';
import {
  app,
  BrowserWindow,
  fakeEvent,
  powerMonitor,
  resetElectronFake,
} from '../../support/electron-fake';
import { FakeCore, signedInSnapshot } from './fake-core';
import type { QuitControl } from '../../../src/main/shell/lifecycle';

/**
 * electron-updater's BaseUpdater, reduced to what decides *when* an update installs: once an
 * update is downloaded, `app.once('quit', exitCode => exitCode === 0 && autoInstallOnAppQuit &&
 * install(isSilent = true))` (node_modules/electron-updater/out/BaseUpdater.js:70-89). The
 * Electron fake's quit flow ends in 'will-quit' (no 'quit'), so the fake listens there.
 */
class InstallOnQuitUpdater extends EventEmitter {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  logger: unknown = undefined;
  installs: Array<{ silent: boolean }> = [];
  setFeedURL = vi.fn();
  checkForUpdates = vi.fn(async () => null);
  downloaded(version: string): void {
    app.once('will-quit', () => {
      if (this.autoInstallOnAppQuit) this.installs.push({ silent: true });
    });
    this.emit('update-downloaded', { version });
  }
}

let fake: InstallOnQuitUpdater;
let control: QuitControl | null = null;
let stop: () => void = () => {};
const lines: LoggedLine[] = [];
const logger = fieldLogger(() => lines);
const flush = () => new Promise((resolve) => setImmediate(resolve));

beforeEach(() => {
  resetElectronFake();
  app.isPackaged = true;
  fake = new InstallOnQuitUpdater();
  updater.current = fake;
  lines.length = 0;
});
afterEach(() => {
  stop();
  stop = () => {};
  control?.dispose();
  control = null;
});

/** The composition root's order (src/main/shell/index.ts:99-234), reduced to quit + updater. */
function runningDesk(platform: NodeJS.Platform, env: Record<string, string> = {}) {
  control = setupQuit({ logger: silentLogger });
  const core = new FakeCore();
  core.current = signedInSnapshot('idle');
  control.attachCore(core);
  const win = new BrowserWindow({});
  setupCloseToTray(win as never, {
    isQuitting: control.isQuitting,
    endSession: control.endSession,
    inCall: () => false,
  });
  stop = setupAutoUpdate({
    settings: () => ({ updateUrl: 'https://updates.example.com/agent-desktop' }),
    logger,
    packaged: true,
    platform,
    env,
  });
  return { core, win };
}

describe('when a downloaded update installs', () => {
  it('Windows log-off/shutdown (session-end) must not start the NSIS installer', async () => {
    // A floor agent never quits the tray app: the shift ends with a log-off or shutdown. The
    // window's session-end handler (window.ts, setupCloseToTray) quits with exit code 0, so electron-updater
    // spawns `setup.exe --updated /S` while Windows is tearing the session down; the installer
    // uninstalls the old files first and is killed part-way (electron-builder #3798, #7294,
    // #7807): next morning the Start menu entry and the login item point at a missing exe.
    const { win } = runningDesk('win32');
    fake.downloaded('0.2.0');
    win.emit('session-end', fakeEvent({ reasons: ['shutdown'] }));
    await flush();
    await flush();
    expect(app.quitting).toBe(true);
    expect(fake.installs).toEqual([]);
  });

  it('Linux/macOS shutdown (powerMonitor) must not start the install either', async () => {
    // AppImageUpdater at quit: unlinkSync(old AppImage) then `mv` the new one in; Squirrel.Mac's
    // ShipIt swaps the bundle after exit — both racing the OS shutdown.
    runningDesk('linux', { APPIMAGE: '/home/a/Applications/agent-desktop-0.1.0-x86_64.AppImage' });
    await flush();
    fake.downloaded('0.2.0');
    powerMonitor.emit('shutdown', fakeEvent());
    await flush();
    await flush();
    expect(app.quitting).toBe(true);
    expect(fake.installs).toEqual([]);
  });
});

describe('the update URL', () => {
  it('an http:// update URL is refused (an unsigned NSIS/AppImage update is then anyone’s code)', () => {
    // docs/it-admin.md allows `http://` for updateUrl and settings.ts:72 accepts it. With the
    // generic provider the sha512 comes from the same server as the file; NsisUpdater checks a
    // signature only when app-update.yml carries a publisherName (signed builds), AppImageUpdater
    // never does. Anyone on the path then runs their program on 200 desks at the next quit.
    expect(
      SettingsSchema.shape.updateUrl.safeParse('http://updates.corp.example/agent-desktop').success,
    ).toBe(false);
    stop = setupAutoUpdate({
      settings: () => ({ updateUrl: 'http://updates.corp.example/agent-desktop' }),
      logger,
      packaged: true,
      platform: 'win32',
      env: {},
    });
    expect(fake.setFeedURL).not.toHaveBeenCalled();
  });
});
