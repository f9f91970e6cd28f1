/**
 * Auto-update (electron-updater, "generic" provider) against the update URL an administrator
 * sets (policy or settings). Off when none is set, and in unpackaged builds. An update downloads
 * in the background and installs when the agent quits: never a restart in the middle of a shift.
 * On Linux only an AppImage updates itself; a deb comes from the site's package repository.
 */
import electronUpdater from 'electron-updater';
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
  autoUpdater.on('error', (error) => options.logger.warn('update failed', { error }));
  autoUpdater.on('update-available', (info) =>
    options.logger.info('update available', { version: info.version }),
  );
  autoUpdater.on('update-downloaded', (info) =>
    options.logger.info('update ready; installs on quit', { version: info.version }),
  );
  const check = () =>
    void autoUpdater
      .checkForUpdates()
      .catch((error: unknown) => options.logger.warn('update check failed', { error }));
  check();
  const timer = setInterval(check, UPDATE_CHECK_MS);
  timer.unref();
  options.logger.info('auto-update on', { url });
  return () => clearInterval(timer);
}
