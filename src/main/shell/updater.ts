/**
 * Auto-update (electron-updater, "generic" provider) against the update URL an administrator
 * sets (policy or settings). Off when none is set, and in unpackaged builds. An update downloads
 * in the background and installs when the agent quits: never a restart in the middle of a shift.
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
}

/** Starts checking when an update URL is set; returns a function that stops the timer. */
export function setupAutoUpdate(options: UpdateOptions): () => void {
  const url = options.settings().updateUrl;
  if (!url || !options.packaged) {
    options.logger.info('auto-update off', { reason: url ? 'not packaged' : 'no update URL' });
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
