import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../../support/electron-fake'));

import {
  autostartFile,
  HIDDEN_ARG,
  LOGIN_ITEM_NAME,
  setupLoginItem,
} from '../../../src/main/shell/login-item';
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
    // Named explicitly: the uninstaller deletes the Run value by this name (build/installer.nsh).
    expect(app.setLoginItemSettings).toHaveBeenLastCalledWith({
      openAtLogin: true,
      args: [HIDDEN_ARG],
      name: LOGIN_ITEM_NAME,
    });
    core.setSettings({ startAtLogin: false });
    expect(app.setLoginItemSettings).toHaveBeenLastCalledWith({
      openAtLogin: false,
      args: [HIDDEN_ARG],
      name: LOGIN_ITEM_NAME,
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

  it('Linux: the session lists the entry by the product name, in English and Chinese', () => {
    const env = { XDG_CONFIG_HOME: dir, APPIMAGE: '/home/a/agent.AppImage' };
    core.currentSettings.startAtLogin = true;
    setupLoginItem({ core, logger: silentLogger, platform: 'linux', env });
    const lines = readFileSync(autostartFile(env), 'utf8').split('\n');
    expect(lines).toContain('Name=ONEYUN Agent Desktop');
    expect(lines).toContain('Name[zh_CN]=壹耘座席');
    expect(lines.filter((line) => line.startsWith('Name='))).toHaveLength(1);
  });

  it('Linux: an entry an older version wrote (Name=agent-desktop) is renamed at the next start, in place', () => {
    const env = { XDG_CONFIG_HOME: dir, APPIMAGE: '/home/a/agent.AppImage' };
    const file = autostartFile(env);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(
      file,
      '[Desktop Entry]\nType=Application\nName=agent-desktop\nExec="/home/a/agent.AppImage" --hidden\n',
    );
    core.currentSettings.startAtLogin = true;
    setupLoginItem({ core, logger: silentLogger, platform: 'linux', env });
    expect(readFileSync(file, 'utf8')).toContain('Name=ONEYUN Agent Desktop\n');
    expect(readFileSync(file, 'utf8')).not.toContain('Name=agent-desktop');
    expect(file.endsWith('/autostart/oneyun-agent-desktop.desktop')).toBe(true);
  });

  it('Linux: the entry names its program in TryExec, so an uninstalled program is skipped at login', () => {
    // A deb's postrm cannot reach every user's ~/.config/autostart; the desktop session skips an
    // entry whose TryExec program is missing (XDG autostart spec) instead of failing at each login.
    const env = { XDG_CONFIG_HOME: dir, APPIMAGE: '/opt/ONEYUN Agent Desktop/agent-desktop' };
    core.currentSettings.startAtLogin = true;
    setupLoginItem({ core, logger: silentLogger, platform: 'linux', env });
    expect(readFileSync(autostartFile(env), 'utf8')).toContain(
      'TryExec=/opt/ONEYUN Agent Desktop/agent-desktop\n',
    );
  });

  it('Linux: a path with %, $ or a backslash still starts the same file', () => {
    const env = { XDG_CONFIG_HOME: dir, APPIMAGE: '/home/a/100% $HOME\\x.AppImage' };
    core.currentSettings.startAtLogin = true;
    setupLoginItem({ core, logger: silentLogger, platform: 'linux', env });
    const text = readFileSync(autostartFile(env), 'utf8');
    // Exec: quoting rule (\$, \\), %% for %, then the string rule doubles each backslash.
    expect(text).toContain(`Exec="/home/a/100%% \\\\$HOME\\\\\\\\x.AppImage" ${HIDDEN_ARG}\n`);
    expect(text).toContain('TryExec=/home/a/100% $HOME\\\\x.AppImage\n');
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
