/**
 * The composition root: the only place that creates real Electron objects and wires them to the
 * host-agnostic core. Each concern lives in its own module with a setupX() called from here.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, net, session, shell } from 'electron';
import { createDesktopCore } from '../core/create-core';
import { chromiumLocale, resolveLanguage, TRAY_TEXT } from '../../shared/i18n/tray';
import { isInCall } from '../../shared/availability';
import { appUrl } from './app-url';
import { setupAppMenu } from './app-menu';
import { setupIpc } from './ipc';
import { setupQuit, setupSingleInstance } from './lifecycle';
import { createShellLogger } from './logger';
import { setupCrashRecovery, setupProcessErrorLogging } from './crash';
import { diagnosticsSaver, hostVersions } from './diagnostics';
import { setupAutoUpdate } from './updater';
import { policyPath } from '../core/policy-file';
import { startLanguage } from '../core/start-language';
import { fetchTransport } from '../../lib/platform/transport';
import { isPolicyError } from '../../shared/policy';
import { isEnvironmentError } from '../core/admin-policy';
import { HIDDEN_ARG, setupLoginItem } from './login-item';
import { setupPower } from './power';
import { createSecretStore } from './secrets';
import { setupContentsHardening, setupSessionSecurity } from './security';
import { setupHeadsetAccess } from './headset-access';
import { setupHotkeys } from './hotkeys';
import { setupRinging } from './ringing';
import { runTrayAction, setupTray } from './tray';
import { createMainWindow, setupCloseToTray, showWindow } from './window';
import type { BrowserWindow, MessageBoxOptions } from 'electron';
import type { Language } from '../../shared/domain/errors';
import type { Core } from '../core/create-core';
import type { StartEmbedded } from '../core/platform-source';
import type { AppTray } from './tray';

// Built layout: out/main/index.js, out/preload/index.cjs, out/renderer/index.html.
const here = dirname(fileURLToPath(import.meta.url));
const PRELOAD = join(here, '../preload/index.cjs');
const INDEX_HTML = join(here, '../renderer/index.html');

// Tests (and a second profile) run with their own user data; the lock below is per folder.
if (process.env.AGENT_DESKTOP_USER_DATA)
  app.setPath('userData', process.env.AGENT_DESKTOP_USER_DATA);
// Chromium draws its own controls (the History tab's date fields) in its locale, which only the
// command line sets, before ready: the language the agent or the policy chose, so a Chinese
// window on an English OS has 年/月/日 fields, not mm/dd/yyyy. A change applies from the next start.
// Electron's locale is then that language, for the tray (app.getLocale) as for the window
// (navigator.language): "system" chosen during such a run keeps it, in both, until a restart.
/** The agent's settings and the admin's policy: read for the language here, by the core later. */
const SETTINGS_FILE = join(app.getPath('userData'), 'settings.json');
const POLICY_FILE = policyPath(process.platform, process.env, app.isPackaged);
const chosenLanguage = startLanguage(SETTINGS_FILE, POLICY_FILE);
if (chosenLanguage !== 'system')
  app.commandLine.appendSwitch('lang', chromiumLocale(chosenLanguage));
// Logs go to rotating files in the user-data folder (and stderr), redacted.
const { logger, files: logFiles } = createShellLogger(
  app.getPath('userData'),
  process.env.AGENT_DESKTOP_DEBUG === '1',
);
setupProcessErrorLogging(logger);

let win: BrowserWindow | null = null;
let core: Core | null = null;
let tray: AppTray | null = null;
/** Shell concerns to stop before the app exits (hotkeys must be released on quit). */
const stops: Array<() => void> = [];
/** Asked for the window before it exists (a second launch while starting): shown once made. */
let showAsked = false;
const show = () => {
  if (win) showWindow(win);
  else showAsked = true;
};
/** A native message box on the window while it exists, else on its own. */
const messageBox = (options: MessageBoxOptions) =>
  win && !win.isDestroyed() ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options);

if (setupSingleInstance(show)) {
  main().catch((error: unknown) => {
    logger.error('start-up failed', { error });
    // No settings to read a language from yet: the OS locale decides.
    const text = TRAY_TEXT[resolveLanguage('system', app.getLocale())];
    if (isPolicyError(error)) {
      dialog.showErrorBox(
        text.policyInvalidTitle,
        text.policyInvalidBody(error.path, error.problems),
      );
    } else if (isEnvironmentError(error)) {
      // Each variable on its own line, without the class name an admin has no use for.
      dialog.showErrorBox(
        text.startFailedTitle,
        text.startFailedBody(error.problems.map((p) => `• ${p}`).join('\n')),
      );
    } else {
      dialog.showErrorBox(text.startFailedTitle, text.startFailedBody(String(error)));
    }
    app.exit(1);
  });
}

/** Loads the emulator only when the demo platform is actually needed. */
const startDemoPlatformLazily: StartEmbedded = async (log) => {
  const { startDemoPlatformFromEnv } = await import('../../emulator/demo-platform');
  return startDemoPlatformFromEnv(log);
};

async function main(): Promise<void> {
  // Only a development build may load the dev server: a packaged app ignores the variable.
  const url = appUrl(app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL, INDEX_HTML);
  const quit = setupQuit({
    logger,
    beforeExit: () => {
      for (const stop of stops.splice(0)) stop();
      tray?.destroy();
    },
    confirmInCall: async () => {
      const text = TRAY_TEXT[language()];
      show();
      const { response } = await messageBox({
        type: 'warning',
        title: text.quitInCallTitle,
        message: text.quitInCallTitle,
        detail: text.quitInCallBody,
        buttons: [text.cancel, text.quitInCallConfirm],
        // Enter and Esc keep the call.
        defaultId: 0,
        cancelId: 0,
      });
      return response === 1;
    },
  });
  // Windows groups the tray icon and shows notifications under this id.
  if (process.platform === 'win32') app.setAppUserModelId('com.oneyun.agent-desktop');
  setupContentsHardening(url);
  await app.whenReady();

  const language = (): Language =>
    resolveLanguage(core?.settings().language ?? 'system', app.getLocale());
  setupSessionSecurity(
    session.defaultSession,
    url,
    (contents) => win !== null && !win.isDestroyed() && win.webContents.id === contents.id,
  );
  setupHeadsetAccess(session.defaultSession, url);

  const userData = app.getPath('userData');
  const secrets = createSecretStore({
    file: join(userData, 'secrets.json'),
    platform: process.platform,
    logger,
    onVolatileSecret: () => {
      const text = TRAY_TEXT[language()];
      void messageBox({
        type: 'warning',
        title: text.insecureStorageTitle,
        message: text.insecureStorageTitle,
        detail: text.insecureStorageBody,
        buttons: [text.ok],
      });
    },
  });
  core = await createDesktopCore({
    secrets,
    settingsFile: SETTINGS_FILE,
    historyFile: join(userData, 'history.jsonl'),
    // Screen-pop: the core vets the URL (shared/screen-pop.ts); the shell only opens it.
    openExternal: (target) => shell.openExternal(target),
    logger,
    env: process.env,
    locale: app.getLocale(),
    // A malformed policy file throws here: the app refuses to start half-configured.
    policyFile: POLICY_FILE,
    // Chromium's network stack: the system proxy and PAC apply to every platform request.
    transport: fetchTransport((input, init) =>
      net.fetch(input instanceof URL ? input.href : input, init),
    ),
    knownSecrets: logger.secrets,
    diagnostics: {
      versions: hostVersions,
      logFiles: logFiles.files,
      save: diagnosticsSaver({ window: () => win, language: () => language(), logger }),
    },
    // The demo platform is a development aid: loaded lazily (its own chunk, never in this
    // bundle) and only when nothing is configured. A packaged app has no emulator to load.
    ...(app.isPackaged ? {} : { startEmbedded: startDemoPlatformLazily }),
  });
  quit.attachCore(core);
  const ready = core;

  // Handlers first: the page may call the API as soon as it loads.
  setupIpc({ core: ready, window: () => win, appUrl: url, logger });
  const startHidden =
    process.argv.includes(HIDDEN_ARG) ||
    (process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin);
  const resources = join(app.getAppPath(), 'resources');
  win = createMainWindow({
    appUrl: url,
    preload: PRELOAD,
    title: TRAY_TEXT[language()].appName,
    icon: process.platform === 'linux' ? join(resources, 'icon.png') : undefined,
    // A second launch while this one was starting (hidden, at login) asked for the window: it
    // comes up once its page is drawn, as on a normal start, not as a blank frame.
    showOnReady: !startHidden || showAsked,
    logger,
  });
  setupCloseToTray(win, {
    isQuitting: quit.isQuitting,
    endSession: quit.endSession,
    inCall: () => isInCall(ready.snapshot()),
  });

  tray = setupTray({
    core: ready,
    iconDir: join(resources, 'tray'),
    language,
    onAction: (action) => runTrayAction(action, { core: ready, showWindow: show, quit: quit.quit }),
    onClick: show,
  });
  let menuLanguage = language();
  setupAppMenu(process.platform, menuLanguage, quit.quit);
  ready.on('settings:changed', () => {
    if (language() === menuLanguage) return;
    menuLanguage = language();
    setupAppMenu(process.platform, menuLanguage, quit.quit);
  });

  // Calls: a ringing call cannot be missed, and hotkeys work from any app.
  stops.push(
    setupRinging({
      core: ready,
      window: () => win,
      showWindow: show,
      tray: () => tray,
      language,
      logger,
    }),
    setupHotkeys({ core: ready, logger, showWindow: show }),
  );

  stops.push(
    setupCrashRecovery({ window: () => win, core: ready, logger, language }),
    setupAutoUpdate({
      settings: () => ready.settings(),
      logger,
      packaged: app.isPackaged,
      platform: process.platform,
      env: process.env,
      idle: () => ready.snapshot().phase === 'signed-out',
      inCall: () => ready.snapshot().call !== null,
      onSessionChange: (listener) => ready.on('session:changed', listener),
      pendingFile: join(app.getPath('userData'), 'update-pending.json'),
    }),
  );
  // Power and network events must not reach the core once it has stopped.
  stops.push(setupPower(ready));
  setupLoginItem({ core: ready, logger, platform: process.platform, env: process.env });
  // macOS: clicking the Dock icon brings the hidden window back.
  app.on('activate', show);
  // What IT asks first when a locked setting is not applied: which file, and what it locked.
  const view = ready.settingsView();
  logger.info('started', {
    url: url.href,
    secureStorage: secrets.persistent,
    hidden: startHidden,
    policyFile: POLICY_FILE,
    locked: view.locked ?? [],
    environment: (view.environment ?? []).map((override) => override.variable),
  });
}
