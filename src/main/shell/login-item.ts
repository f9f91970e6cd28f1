/**
 * Start at login, following `settings.startAtLogin`: Electron's login items on macOS and
 * Windows, an XDG autostart entry on Linux (where setLoginItemSettings does nothing). Only the
 * packaged app registers itself; a development build never does. Uninstalling must not leave a
 * login item pointing at a deleted program: the NSIS uninstaller deletes the Windows value
 * (build/installer.nsh, by LOGIN_ITEM_NAME), and the Linux entry names its program in TryExec so
 * the session skips it once the program is gone (no package script can reach users' homes).
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { app } from 'electron';
import { TRAY_TEXT } from '../../shared/i18n/tray';
import type { DesktopCore } from '../core/desktop-core';
import type { Logger } from '../../lib/ports';

/** The argument a login launch carries: start in the tray, without the window. */
export const HIDDEN_ARG = '--hidden';
/** The autostart file's name: kept across versions, so an entry is rewritten, never doubled. */
const DESKTOP_FILE = 'oneyun-agent-desktop.desktop';
/**
 * The Windows Run value's name (HKCU\…\CurrentVersion\Run and Explorer\StartupApproved\Run):
 * the app id, what Electron used by default (the AppUserModelId). build/installer.nsh deletes it.
 */
export const LOGIN_ITEM_NAME = 'com.oneyun.agent-desktop';
/** The name the session's startup-apps list shows (electron-builder.yml's productName). */
export const PRODUCT_NAME = 'ONEYUN Agent Desktop';

export interface LoginItemOptions {
  core: Pick<DesktopCore, 'settings' | 'on'>;
  logger: Logger;
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
}

/** Applies the setting now and whenever it changes; returns the unsubscribe function. */
export function setupLoginItem(options: LoginItemOptions): () => void {
  if (!app.isPackaged) {
    options.logger.info('login item: not registered by a development build');
    return () => {};
  }
  // Remembered only once written: a failed write is tried again on the next settings change.
  let applied: boolean | null = null;
  const apply = (open: boolean) => {
    if (open === applied) return;
    try {
      if (options.platform === 'linux') writeAutostart(open, options.env);
      else
        app.setLoginItemSettings({ openAtLogin: open, args: [HIDDEN_ARG], name: LOGIN_ITEM_NAME });
      applied = open;
    } catch (error) {
      options.logger.warn('login item not changed', { open, error: String(error) });
    }
  };
  apply(options.core.settings().startAtLogin);
  return options.core.on('settings:changed', (view) => apply(view.settings.startAtLogin));
}

/** The XDG autostart file's path. */
export function autostartFile(env: Record<string, string | undefined>): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'autostart', DESKTOP_FILE);
}

/**
 * Points an existing autostart entry at the AppImage's new file: an update deletes the old file
 * and moves the new one in under the new version's name. Returns false when start at login is off.
 */
export function moveAutostart(appImage: string, env: Record<string, string | undefined>): boolean {
  if (!existsSync(autostartFile(env))) return false;
  writeAutostart(true, { ...env, APPIMAGE: appImage });
  return true;
}

function writeAutostart(open: boolean, env: Record<string, string | undefined>): void {
  const file = autostartFile(env);
  if (!open) {
    rmSync(file, { force: true });
    return;
  }
  // An AppImage runs from a temporary mount; APPIMAGE names the file that stays.
  const exec = env.APPIMAGE || process.execPath;
  // Exec's quoting rule (", `, $ and \ escaped inside quotes; % doubled) comes first, then the
  // string rule every value follows (\ doubled, control characters escaped).
  const quoted = `"${exec.replace(/["`$\\]/g, (c) => `\\${c}`).replace(/%/g, '%%')}"`;
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(
    file,
    [
      '[Desktop Entry]',
      'Type=Application',
      `Name=${PRODUCT_NAME}`,
      `Name[zh_CN]=${TRAY_TEXT['zh-CN'].appName}`,
      `Exec=${escapeString(`${quoted} ${HIDDEN_ARG}`)}`,
      // The program uninstalled (deb removed, AppImage deleted): the session skips the entry
      // instead of failing to start a missing file at every login.
      `TryExec=${escapeString(exec)}`,
      'X-GNOME-Autostart-enabled=true',
      '',
    ].join('\n'),
  );
}

/** A desktop-entry string value: backslash and control characters escaped. */
function escapeString(value: string): string {
  return value.replace(
    /[\\\n\t\r]/g,
    (c) => ({ '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r' })[c]!,
  );
}
