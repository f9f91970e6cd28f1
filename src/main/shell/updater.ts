/**
 * Auto-update (electron-updater, "generic" provider) against the update URL an administrator
 * sets (policy or settings). Off when none is set, in unpackaged builds, and where this user
 * cannot write the app's folder (a per-machine install: updating it would ask for an
 * administrator at every desk). An update downloads in the background and installs only while
 * nobody is signed in — at the next start, before sign-in, or at once if it arrives then — never
 * on the way out: a floor's shift ends with a log-off or shutdown, and an installer started then
 * is killed part-way and leaves no app for the morning.
 * On Linux only an AppImage updates itself; a deb comes from the site's package repository.
 */
import { accessSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import electronUpdater from 'electron-updater';
import { moveAutostart } from './login-item';
import type { Settings } from '../../shared/settings';
import type { Logger } from '../../lib/ports';

/** How often a running app looks for an update. */
export const UPDATE_CHECK_MS = 4 * 60 * 60_000;

export interface UpdateOptions {
  settings: () => Pick<Settings, 'updateUrl'>;
  logger: Logger;
  packaged: boolean;
  platform?: NodeJS.Platform;
  env?: Record<string, string | undefined>;
  /** Nobody is signed in (and so no call): an update may restart the app now. */
  idle?: () => boolean;
  /** Whether this user may write the app's install folder (tests set it). */
  installWritable?: () => boolean;
}

/** Whether the folder holding the running executable is writable by this user. */
function execFolderWritable(): boolean {
  try {
    accessSync(dirname(process.execPath), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Why auto-update stays off on this machine, or null when it may run. */
function offReason(options: UpdateOptions, url: string | null): string | null {
  if (!url) return 'no update URL';
  if (!options.packaged) return 'not packaged';
  // The generic feed's checksum comes from the same server as the file: over http anyone on
  // the path could have every desk run their program.
  if (!/^https:/i.test(url)) return 'the update URL is not https';
  // On Linux only the AppImage updates itself. electron-updater would update a deb install too
  // (dpkg through pkexec at quit: a password prompt for the agent, behind IT's repository).
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  if (platform === 'linux' && !env.APPIMAGE)
    return 'not an AppImage (update a deb through your package repository)';
  // Installed for all users (Program Files, a root-owned /Applications bundle): the update would
  // ask every agent for an administrator's password. IT deploys new versions there.
  if (
    (platform === 'win32' || platform === 'darwin') &&
    !(options.installWritable ?? execFolderWritable)()
  )
    return 'installed for all users (deploy new versions centrally)';
  return null;
}

/** Starts checking when an update URL is set; returns a function that stops the timer. */
export function setupAutoUpdate(options: UpdateOptions): () => void {
  const url = options.settings().updateUrl;
  const reason = offReason(options, url);
  if (!url || reason) {
    options.logger.info('auto-update off', { reason });
    return () => {};
  }
  const { autoUpdater } = electronUpdater;
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = false;
  const idle = options.idle ?? (() => false);
  autoUpdater.logger = null;
  autoUpdater.setFeedURL({ provider: 'generic', url });
  // electron-updater both emits a failed check and rejects with it: one line for both.
  const told = new WeakSet<object>();
  const fail = (error: unknown) => {
    if (typeof error === 'object' && error !== null) {
      if (told.has(error)) return;
      told.add(error);
    }
    options.logger.warn('update failed', updateError(error));
  };
  autoUpdater.on('error', fail);
  autoUpdater.on('update-available', (info) =>
    options.logger.info('update available', { version: info.version }),
  );
  autoUpdater.on('update-downloaded', (info) => {
    if (!idle()) {
      options.logger.info('update ready; installs at the next start', { version: info.version });
      return;
    }
    // At start (a download from the day before, found in the cache) or at the sign-in screen.
    options.logger.info('update ready; installing now, nobody is signed in', {
      version: info.version,
    });
    autoUpdater.quitAndInstall(true, true);
  });
  // The AppImage's name carries its version: installing deletes the old file and names the new
  // one after its version. Start at login must follow, or the app does not start at next login.
  autoUpdater.on('appimage-filename-updated', (path) => {
    try {
      if (moveAutostart(path, options.env ?? process.env))
        options.logger.info('login item follows the updated AppImage', { path });
    } catch (error) {
      options.logger.warn('login item not changed', { path, error: String(error) });
    }
  });
  const check = () =>
    void autoUpdater.checkForUpdates().then(
      // A failed download is emitted as 'error' too; its promise must not go unhandled.
      (result) => void result?.downloadPromise?.catch(fail),
      fail,
    );
  check();
  const timer = setInterval(check, UPDATE_CHECK_MS);
  timer.unref();
  options.logger.info('auto-update on', { url });
  return () => clearInterval(timer);
}

/** Longest summary of an update error kept in the log. */
const SUMMARY_CHARS = 300;

/**
 * What IT needs of an update error: its code and first line. electron-updater puts the whole
 * response in the message ("Cannot parse update info … rawData: <page>", "404 …\nData: <page>"):
 * a captive portal's login page or a hostile feed's answer would otherwise land in the log.
 */
function updateError(error: unknown): { code?: string; error: string } {
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split(', rawData:')[0]!.split('\n')[0]!.trim();
  const summary = first.length > SUMMARY_CHARS ? `${first.slice(0, SUMMARY_CHARS)}…[cut]` : first;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? { code, error: summary } : { error: summary };
}
