/**
 * Auto-update (electron-updater, "generic" provider) against the update URL an administrator
 * sets (policy or settings). Off when none is set, and in unpackaged builds. An update downloads
 * in the background and installs when the agent quits: never a restart in the middle of a shift.
 * On Linux only an AppImage updates itself; a deb comes from the site's package repository.
 */
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
}

/** Why auto-update stays off on this machine, or null when it may run. */
function offReason(options: UpdateOptions, url: string | null): string | null {
  if (!url) return 'no update URL';
  if (!options.packaged) return 'not packaged';
  // On Linux only the AppImage updates itself. electron-updater would update a deb install too
  // (dpkg through pkexec at quit: a password prompt for the agent, behind IT's repository).
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  if (platform === 'linux' && !env.APPIMAGE)
    return 'not an AppImage (update a deb through your package repository)';
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
  autoUpdater.autoInstallOnAppQuit = true;
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
  autoUpdater.on('update-downloaded', (info) =>
    options.logger.info('update ready; installs on quit', { version: info.version }),
  );
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
