import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../../support/electron-fake'));

import { autostartFile, HIDDEN_ARG, setupLoginItem } from '../../../src/main/shell/login-item';
import { silentLogger } from '../../../src/lib/ports';
import { app, resetElectronFake } from '../../support/electron-fake';
import { FakeCore } from './fake-core';

let core: FakeCore;
let dir: string;
beforeEach(() => {
  resetElectronFake();
  app.isPackaged = true;
  core = new FakeCore();
  dir = mkdtempSync(join(tmpdir(), 'login-item-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('start at login', () => {
  it('macOS/Windows: follows settings.startAtLogin now and on every change', () => {
    core.currentSettings.startAtLogin = true;
    setupLoginItem({ core, logger: silentLogger, platform: 'win32', env: {} });
    expect(app.setLoginItemSettings).toHaveBeenLastCalledWith({
      openAtLogin: true,
      args: [HIDDEN_ARG],
    });
    core.setSettings({ startAtLogin: false });
    expect(app.setLoginItemSettings).toHaveBeenLastCalledWith({
      openAtLogin: false,
      args: [HIDDEN_ARG],
    });
    core.setSettings({ language: 'en' });
    expect(app.setLoginItemSettings).toHaveBeenCalledTimes(2);
  });

  it('Linux: writes and removes an XDG autostart entry', () => {
    const env = { XDG_CONFIG_HOME: dir, APPIMAGE: '/home/a/Agent Desktop.AppImage' };
    setupLoginItem({ core, logger: silentLogger, platform: 'linux', env });
    const file = autostartFile(env);
    expect(existsSync(file)).toBe(false);
    core.setSettings({ startAtLogin: true });
    expect(readFileSync(file, 'utf8')).toContain(
      `Exec="/home/a/Agent Desktop.AppImage" ${HIDDEN_ARG}`,
    );
    core.setSettings({ startAtLogin: false });
    expect(existsSync(file)).toBe(false);
    expect(app.setLoginItemSettings).not.toHaveBeenCalled();
  });

  it('a login item that could not be written is tried again on the next change', () => {
    const warn = vi.fn();
    const logger = { ...silentLogger, warn };
    app.setLoginItemSettings.mockImplementationOnce(() => {
      throw new Error('access denied');
    });
    core.currentSettings.startAtLogin = true;
    setupLoginItem({ core, logger, platform: 'win32', env: {} });
    expect(app.loginItem.openAtLogin).toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
    core.setSettings({ language: 'en' });
    expect(app.setLoginItemSettings).toHaveBeenCalledTimes(2);
    expect(app.loginItem.openAtLogin).toBe(true);
    core.setSettings({ language: 'zh-CN' });
    expect(app.setLoginItemSettings).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('a development build never registers itself', () => {
    app.isPackaged = false;
    core.currentSettings.startAtLogin = true;
    const stop = setupLoginItem({ core, logger: silentLogger, platform: 'darwin', env: {} });
    core.setSettings({ startAtLogin: true });
    expect(app.setLoginItemSettings).not.toHaveBeenCalled();
    stop();
  });
});
