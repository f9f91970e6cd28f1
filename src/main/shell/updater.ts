/**
 * Auto-update (electron-updater, "generic" provider) against the update URL an administrator
 * sets (policy or settings). Off when none is set, in unpackaged builds, and where this user
 * cannot write the app's folder (a per-machine install: updating it would ask for an
 * administrator at every desk). Desks check at random points of the period, so a floor does not
 * fetch one installer all at once, and download only while no call is up (a call coming up stops
 * the download; it starts again after the call). An update installs only while
 * nobody is signed in — at the next start, before sign-in, or at once if it arrives then — never
 * on the way out: a floor's shift ends with a log-off or shutdown, and an installer started then
 * is killed part-way and leaves no app for the morning.
 * On Linux only an AppImage updates itself; a deb comes from the site's package repository.
 */
import { randomUUID } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { posix, win32 } from 'node:path';
import electronUpdater from 'electron-updater';
import { moveAutostart } from './login-item';
import type { CancellationToken } from 'electron-updater';
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
  /** A call is up (ringing, answering, talking): no update download runs then. */
  inCall?: () => boolean;
  /** Subscribes to session changes (a call coming up or ending); returns the unsubscribe. */
  onSessionChange?: (listener: () => void) => () => void;
  /** Where a downloaded, not yet installed update is noted, so the next start installs it. */
  pendingFile?: string;
  /** Random source in [0, 1) that spreads the desks' checks (tests inject it). */
  random?: () => number;
  /** Whether this user may write the app's install folder (tests set it). */
  installWritable?: () => boolean;
}

/**
 * Whether this user may write the folder holding the running executable. On Windows access()
 * never reads the folder's ACL (libuv checks only the read-only attribute), so it says yes for
 * Program Files too: there a file is really created (and deleted), as the updater would.
 */
function execFolderWritable(platform: NodeJS.Platform, execPath = process.execPath): boolean {
  if (platform !== 'win32') {
    try {
      accessSync(posix.dirname(execPath), constants.W_OK);
      return true;
    } catch {
      return false;
    }
  }
  const probe = win32.join(win32.dirname(execPath), `.write-test-${randomUUID()}.tmp`);
  try {
    closeSync(openSync(probe, 'wx'));
  } catch {
    return false;
  }
  // Created, so writable; a probe left behind (antivirus holding it) costs nothing.
  try {
    rmSync(probe, { force: true });
  } catch {
    // ignored: see above
  }
  return true;
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
    !(options.installWritable ?? (() => execFolderWritable(platform)))()
  )
    return 'installed for all users (deploy new versions centrally)';
  return null;
}

/** Starts checking when an update URL is set; returns a function that stops it. */
export function setupAutoUpdate(options: UpdateOptions): () => void {
  const url = options.settings().updateUrl;
  const reason = offReason(options, url);
  if (!url || reason) {
    options.logger.info('auto-update off', { reason });
    return () => {};
  }
  const { logger } = options;
  const { autoUpdater } = electronUpdater;
  // The app decides when the installer comes over the site's link: not during a call.
  autoUpdater.autoDownload = false;
  autoUpdater.autoInstallOnAppQuit = false;
  const idle = options.idle ?? (() => false);
  const inCall = options.inCall ?? (() => false);
  const random = options.random ?? Math.random;
  autoUpdater.logger = null;
  autoUpdater.setFeedURL({ provider: 'generic', url });
  // electron-updater both emits a failed check and rejects with it: one line for both.
  const told = new WeakSet<object>();
  const fail = (error: unknown) => {
    if (typeof error === 'object' && error !== null) {
      if (told.has(error)) return;
      told.add(error);
    }
    logger.warn('update failed', updateError(error));
  };
  /** The version in the cache, waiting for nobody to be signed in. */
  let downloaded: string | null = null;
  /** The version waiting for a call to end, or null. */
  let waiting: string | null = null;
  /** The download under way: cancelled when a call comes up. */
  let download: { version: string; token: CancellationToken } | null = null;
  /** A download stopped for a call has not ended yet. */
  let stopping = false;
  /** Stopped (the app is quitting): nothing starts any more. */
  let off = false;
  autoUpdater.on('error', fail);
  autoUpdater.on('update-available', (info) =>
    logger.info('update available', { version: info.version }),
  );
  autoUpdater.on('update-downloaded', (info) => {
    downloaded = info.version;
    if (!idle()) {
      logger.info('update ready; installs at the next start', { version: info.version });
      // The next start checks at once (not at its random turn) to install it before sign-in.
      rememberPending(options, info.version);
      return;
    }
    // At start (a download from the day before, found in the cache) or at the sign-in screen.
    logger.info('update ready; installing now, nobody is signed in', { version: info.version });
    autoUpdater.quitAndInstall(true, true);
  });
  // The AppImage's name carries its version: installing deletes the old file and names the new
  // one after its version. Start at login must follow, or the app does not start at next login.
  autoUpdater.on('appimage-filename-updated', (path) => {
    try {
      if (moveAutostart(path, options.env ?? process.env))
        logger.info('login item follows the updated AppImage', { path });
    } catch (error) {
      logger.warn('login item not changed', { path, error: String(error) });
    }
  });

  const startDownload = (version: string) => {
    if (off) return;
    // Already in the cache: fetched again (from the cache) only to install it, at the sign-in screen.
    if (download || (version === downloaded && !idle())) return;
    // electron-updater hands a new request the stopped download until that one has ended.
    if (inCall() || stopping) {
      if (waiting !== version && inCall())
        logger.info('update download waits: a call is up', { version });
      waiting = version;
      return;
    }
    waiting = null;
    const token = new electronUpdater.CancellationToken();
    const ended = () => {
      if (download?.token === token) download = null;
      if (!token.cancelled) return;
      stopping = false;
      resume();
    };
    download = { version, token };
    logger.info('update download starts', { version });
    autoUpdater.downloadUpdate(token).then(ended, (error: unknown) => {
      // Stopped for a call (below): not a failure; it starts again when the call ends.
      if (!token.cancelled) fail(error);
      ended();
    });
  };
  const resume = () => {
    if (!waiting || inCall() || stopping) return;
    logger.info('update download resumes: no call is up', { version: waiting });
    startDownload(waiting);
  };
  const unwatch = options.onSessionChange?.(() => {
    if (!download || !inCall()) return resume();
    const { version, token } = download;
    download = null;
    waiting = version;
    stopping = true;
    token.cancel();
    logger.info('update download stopped: a call is up; it starts again after the call', {
      version,
    });
  });

  /** Checks the feed; `onlyVersion`: download only that version (one already in the cache). */
  const check = (onlyVersion?: string) =>
    void autoUpdater.checkForUpdates().then((result) => {
      if (!result?.isUpdateAvailable) {
        // Installed (or withdrawn): the next start need not check at once.
        if (result) forgetPending(options);
        return;
      }
      const { version } = result.updateInfo;
      // A newer version than the cached one waits for this desk's turn like any other download.
      if (onlyVersion && version !== onlyVersion) {
        forgetPending(options);
        return;
      }
      startDownload(version);
    }, fail);

  // 300 desks started the same morning would check, and download, at the same moment over the
  // site's link: the first check comes at a random point of the period, and each next one a
  // period later give or take a tenth, so the floor stays spread.
  let timer: NodeJS.Timeout | null = null;
  const schedule = (delayMs: number) => {
    timer = setTimeout(() => {
      check();
      schedule(UPDATE_CHECK_MS * (1 - CHECK_JITTER + 2 * CHECK_JITTER * random()));
    }, delayMs);
    timer.unref();
  };
  const firstCheckMs = Math.floor(random() * UPDATE_CHECK_MS);
  schedule(firstCheckMs);
  const pending = readPending(options);
  logger.info('auto-update on', {
    url,
    firstCheckInMinutes: pending ? 0 : Math.round(firstCheckMs / 60_000),
    ...(pending ? { pendingVersion: pending } : {}),
  });
  // An update downloaded during yesterday's shift is in the cache: no download, install it
  // before sign-in.
  if (pending) check(pending);
  return () => {
    off = true;
    if (timer) clearTimeout(timer);
    unwatch?.();
    download?.token.cancel();
    download = null;
  };
}

/** Each check comes this share of the period early or late, at random. */
const CHECK_JITTER = 0.1;

/** The version downloaded but not yet installed, remembered across restarts; null if none. */
function readPending(options: UpdateOptions): string | null {
  if (!options.pendingFile) return null;
  try {
    const { version } = JSON.parse(readFileSync(options.pendingFile, 'utf8')) as {
      version?: unknown;
    };
    return typeof version === 'string' && version ? version : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      options.logger.warn('update: pending-update note unreadable; ignored', {
        error: String(error),
      });
    return null;
  }
}

function rememberPending(options: UpdateOptions, version: string): void {
  if (!options.pendingFile) return;
  try {
    writeFileSync(options.pendingFile, JSON.stringify({ version }));
  } catch (error) {
    options.logger.warn('update: pending-update note not written', { error: String(error) });
  }
}

function forgetPending(options: UpdateOptions): void {
  if (!options.pendingFile) return;
  try {
    rmSync(options.pendingFile, { force: true });
  } catch (error) {
    options.logger.warn('update: pending-update note not removed', { error: String(error) });
  }
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
