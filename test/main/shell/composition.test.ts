/**
 * The composition root (src/main/shell/index.ts) against the Electron fake and a fake core:
 * that app start wires every concern, and that quitting goes through the core's shutdown.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { COMMANDS } from '../../../src/shared/ipc/contract';
import { FakeCore, signedInSnapshot } from './fake-core';
import type { CoreOptions } from '../../../src/main/core/create-core';
import type * as ElectronFake from '../../support/electron-fake';

const created = vi.hoisted(() => ({
  options: [] as unknown[],
  core: null as unknown,
  failure: null as unknown,
  /** While set, the core is still being created (start-up waits for it). */
  gate: null as Promise<void> | null,
}));
vi.mock('electron', () => import('../../support/electron-fake'));
vi.mock('../../../src/main/core/create-core', () => ({
  createDesktopCore: async (options: unknown) => {
    created.options.push(options);
    if (created.failure) throw created.failure;
    if (created.gate) await created.gate;
    return created.core;
  },
}));

type Fake = typeof ElectronFake;
let fake: Fake;
let core: FakeCore;
const signals = {
  SIGTERM: process.listeners('SIGTERM'),
  SIGINT: process.listeners('SIGINT'),
  uncaughtException: process.listeners('uncaughtException'),
  unhandledRejection: process.listeners('unhandledRejection'),
};

/** Starts the app as `electron out/main/index.js` would, with a fresh module graph. */
async function start(arrange: (fake: Fake) => void = () => {}): Promise<void> {
  vi.resetModules();
  // The mocked 'electron' is exactly the instance index.ts will import.
  fake = (await import('electron')) as unknown as Fake;
  fake.resetElectronFake();
  arrange(fake);
  await import('../../../src/main/shell/index');
  await settle();
}
const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
};

beforeEach(() => {
  // index.ts logs JSON lines to stderr; keep the test output readable.
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  created.options.length = 0;
  created.failure = null;
  created.gate = null;
  core = new FakeCore();
  created.core = core;
  delete process.env.ELECTRON_RENDERER_URL;
});
afterEach(() => {
  vi.restoreAllMocks();
  // index.ts installs signal handlers on this (test) process; take them back off.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    for (const l of process.listeners(signal))
      if (!signals[signal].includes(l)) process.off(signal, l);
  }
  // …and its handlers for uncaught errors, which would hide this process's own.
  for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
    for (const l of process.listeners(event as 'uncaughtException'))
      if (!signals[event].includes(l as never)) process.off(event, l);
  }
  delete process.env.ELECTRON_RENDERER_URL;
  const hidden = process.argv.indexOf('--hidden');
  if (hidden >= 0) process.argv.splice(hidden, 1);
});

describe('composition root', () => {
  it('creates the core with user-data paths and the OS locale', async () => {
    await start();
    expect(fake.app.requestSingleInstanceLock).toHaveBeenCalled();
    const options = created.options[0] as CoreOptions;
    expect(options.settingsFile).toBe(join('/tmp/agent-desktop-fake-user-data', 'settings.json'));
    expect(options.locale).toBe('zh-CN');
    expect(options.secrets.persistent).toBe(true);
  });

  it('opens one secure window on the built page with the bundled preload', async () => {
    await start();
    const [win] = fake.electronFake.windows;
    expect(fake.electronFake.windows).toHaveLength(1);
    const prefs = win!.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(prefs.preload).toMatch(/[/\\]preload[/\\]index\.cjs$/);
    expect(win!.webContents.getURL()).toMatch(/^file:\/\/.*\/renderer\/index\.html$/);
    win!.emit('ready-to-show');
    expect(win!.visible).toBe(true);
  });

  it('wires IPC, CSP, permissions, tray, app menu and power', async () => {
    await start();
    expect([...fake.ipcMain.handlers.keys()].sort()).toEqual(Object.keys(COMMANDS).sort());
    expect(fake.session.defaultSession.headersListener).not.toBeNull();
    expect(fake.session.defaultSession.requestHandler).not.toBeNull();
    expect(fake.session.defaultSession.checkHandler).not.toBeNull();
    expect(fake.electronFake.trays).toHaveLength(1);
    expect(fake.electronFake.trays[0]!.image.path).toBe(
      join('/fake/app', 'resources', 'tray', 'signed-out.png'),
    );
    expect(fake.electronFake.applicationMenu).not.toBeNull();
    expect(fake.powerMonitor.listenerCount('suspend')).toBe(1);
  });

  it('grants the microphone to the app window only', async () => {
    await start();
    const [win] = fake.electronFake.windows;
    const other = new fake.FakeWebContents();
    const details = {
      isMainFrame: true,
      requestingUrl: win!.webContents.getURL(),
      mediaTypes: ['audio'],
    };
    expect(await fake.session.defaultSession.request(win!.webContents, 'media', details)).toBe(
      true,
    );
    expect(await fake.session.defaultSession.request(other, 'media', details)).toBe(false);
  });

  it('closing the window hides it; a second launch brings it back', async () => {
    await start();
    const [win] = fake.electronFake.windows;
    win!.show();
    win!.close();
    expect(win!.destroyed).toBe(false);
    expect(win!.visible).toBe(false);
    fake.app.emit('second-instance', {}, [], '/', {});
    expect(win!.visible).toBe(true);
  });

  it('a second launch while the app is still starting hidden at login brings the window up', async () => {
    let open: () => void = () => {};
    created.gate = new Promise<void>((resolve) => (open = resolve));
    process.argv.push('--hidden');
    await start();
    // The agent double-clicks the app while it is still starting in the tray: no window yet.
    expect(fake.electronFake.windows).toHaveLength(0);
    fake.app.emit('second-instance', {}, [], '/', {});
    open();
    await settle();
    const [win] = fake.electronFake.windows;
    // Shown once its page is drawn, as on a normal start: never as a blank frame.
    expect(win?.visible).toBe(false);
    win!.emit('ready-to-show');
    expect(win?.visible).toBe(true);
  });

  it('Quit from the tray signs out through the core, then the app exits', async () => {
    await start();
    const tray = fake.electronFake.trays[0]!;
    tray.menu!.items.find((i) => i.label === '退出')!.click!();
    expect(core.shutdown).toHaveBeenCalledWith(3000);
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(fake.app.quitting).toBe(true);
    expect(tray.destroyed).toBe(true);
    expect(fake.electronFake.windows[0]!.destroyed).toBe(true);
  });

  it('after Quit, sleep, screen lock and network changes no longer reach the stopped core', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      await start();
      core.current = signedInSnapshot('idle');
      fake.app.quit();
      await settle();
      expect(core.shutdown).toHaveBeenCalled();
      expect(fake.app.quitting).toBe(true);
      core.system.mockClear();
      fake.powerMonitor.emit('lock-screen');
      fake.net.online = false;
      vi.advanceTimersByTime(10_000);
      expect(core.system).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });

  it('Quit from the tray during a call asks first; Cancel keeps the call', async () => {
    await start();
    core.current = {
      ...core.current,
      phase: 'signed-in',
      state: 'talking',
    };
    fake.dialog.showMessageBox.mockImplementationOnce(async () => ({
      response: 0,
      checkboxChecked: false,
    }));
    const tray = fake.electronFake.trays[0]!;
    tray.menu!.items.find((i) => i.label === '退出')!.click!();
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    const asked = JSON.stringify(fake.dialog.showMessageBox.mock.calls.at(-1));
    expect(asked).toContain('退出会挂断当前通话');
    expect(asked).toContain('挂断并退出');
    expect(fake.electronFake.windows[0]!.visible).toBe(true);
    expect(core.shutdown).not.toHaveBeenCalled();
    expect(fake.app.quitting).toBe(false);

    fake.dialog.showMessageBox.mockImplementationOnce(async () => ({
      response: 1,
      checkboxChecked: false,
    }));
    tray.menu!.items.find((i) => i.label === '退出')!.click!();
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(core.shutdown).toHaveBeenCalled();
    expect(fake.app.quitting).toBe(true);
  });

  it('a packaged app ignores ELECTRON_RENDERER_URL', async () => {
    process.env.ELECTRON_RENDERER_URL = 'http://evil.example:5173/';
    // A packaged app manages its login item: keep it out of the real ~/.config.
    const config = mkdtempSync(join(tmpdir(), 'composition-'));
    vi.stubEnv('XDG_CONFIG_HOME', config);
    try {
      await start((f) => (f.app.isPackaged = true));
      expect(fake.electronFake.windows[0]!.webContents.getURL()).toMatch(/^file:\/\//);
    } finally {
      vi.unstubAllEnvs();
      rmSync(config, { recursive: true, force: true });
    }
  });

  it('a development build loads the dev server', async () => {
    process.env.ELECTRON_RENDERER_URL = 'http://localhost:5173/';
    await start();
    expect(fake.electronFake.windows[0]!.webContents.getURL()).toBe('http://localhost:5173/');
  });

  it('without a keychain, the first secret set brings a warning dialog', async () => {
    await start((f) => (f.safeStorage.available = false));
    const secrets = (created.options[0] as CoreOptions).secrets;
    expect(secrets.persistent).toBe(false);
    secrets.set('sipPassword', 'x');
    secrets.set('secretKey', 'y');
    expect(fake.dialog.showMessageBox).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(fake.dialog.showMessageBox.mock.calls[0])).toContain('密钥不会被保存');
  });

  it('a second instance creates nothing', async () => {
    await start((f) => (f.app.hasLock = false));
    expect(created.options).toHaveLength(0);
    expect(fake.electronFake.windows).toHaveLength(0);
    expect(fake.app.quit).toHaveBeenCalled();
  });

  it('gives the core the policy file, net.fetch, the log’s secret list and the diagnostics host', async () => {
    await start();
    const options = created.options[0] as CoreOptions;
    expect(options.policyFile).toBe(
      process.platform === 'linux' ? '/etc/agent-desktop/policy.json' : expect.any(String),
    );
    expect(options.knownSecrets).toBeDefined();
    const signal = AbortSignal.timeout(10_000);
    const reply = await options.transport!(new URL('https://platform.example/v1/x'), {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: '{}',
      signal,
      maxBytes: 1024,
    });
    expect(fake.net.fetch).toHaveBeenCalledWith('https://platform.example/v1/x', {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: '{}',
      signal,
      redirect: 'manual',
    });
    expect(reply).toEqual({ status: 200, text: '{}' });
    expect(options.diagnostics!.versions()).toMatchObject({ app: '0.1.0' });
    expect(options.diagnostics!.logFiles()[0]).toMatch(/[/\\]logs[/\\]main\.log$/);
  });

  it('Chromium starts in the saved or policy language (its date fields follow it), before ready', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'composition-lang-'));
    const policy = join(dir, 'policy.json');
    let atReady: Map<string, string> | null = null;
    const arrange = (f: Fake) => {
      f.app.setPath('userData', dir);
      const whenReady = f.app.whenReady.bind(f.app);
      f.app.whenReady = () => {
        atReady ??= new Map(f.app.switches);
        return whenReady();
      };
    };
    try {
      // A Chinese window on an English OS: Chromium in Chinese from the start.
      writeFileSync(join(dir, 'settings.json'), '{"language":"zh-CN"}');
      await start((f) => {
        arrange(f);
        f.app.locale = 'en-GB';
      });
      expect(atReady).toEqual(new Map([['lang', 'zh-CN']]));
      // The OS's language: Chromium left to the OS.
      atReady = null;
      writeFileSync(join(dir, 'settings.json'), '{"language":"system"}');
      await start(arrange);
      expect(atReady).toEqual(new Map());
      // The policy's wins (a development build reads the variable's file).
      atReady = null;
      writeFileSync(policy, '{"language":"en"}');
      process.env.AGENT_DESKTOP_POLICY_FILE = policy;
      await start(arrange);
      expect(atReady).toEqual(new Map([['lang', 'en-US']]));
      // A damaged settings file changes nothing: the app still starts.
      atReady = null;
      delete process.env.AGENT_DESKTOP_POLICY_FILE;
      writeFileSync(join(dir, 'settings.json'), '{"language":');
      await start(arrange);
      expect(atReady).toEqual(new Map());
      expect(fake.electronFake.windows).toHaveLength(1);
    } finally {
      delete process.env.AGENT_DESKTOP_POLICY_FILE;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the start line says which policy file was read, what it locked and which variables apply', async () => {
    const lines: string[] = [];
    vi.mocked(process.stderr.write).mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    core.settingsView = () => ({
      settings: core.currentSettings,
      secrets: { secretKey: false, sipPassword: false, sipProxyPassword: false },
      secureStorage: true,
      locked: ['platformBaseUrl', 'secretKey'],
      environment: [{ key: 'appId', variable: 'AGENT_DESKTOP_APP_ID', value: 'a' }],
    });
    await start();
    const started = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((entry) => entry.msg === 'started');
    expect(started).toMatchObject({
      policyFile: (created.options[0] as CoreOptions).policyFile,
      locked: ['platformBaseUrl', 'secretKey'],
      environment: ['AGENT_DESKTOP_APP_ID'],
    });
  });

  it('a malformed policy file: a localised dialog says what is wrong, and the app exits', async () => {
    const { PolicyError } = await import('../../../src/shared/policy');
    created.failure = new PolicyError('/etc/agent-desktop/policy.json', ['keepaliveSeconds: bad']);
    await start();
    expect(fake.dialog.showErrorBox).toHaveBeenCalledTimes(1);
    const [title, body] = fake.dialog.showErrorBox.mock.calls[0] as unknown as [string, string];
    expect(title).toBe('管理员策略文件有误');
    expect(body).toContain('/etc/agent-desktop/policy.json');
    expect(body).toContain('keepaliveSeconds: bad');
    expect(fake.app.exit).toHaveBeenCalledWith(1);
    expect(fake.electronFake.windows).toHaveLength(0);
  });

  it('an unusable environment variable: the dialog names it, one line each', async () => {
    const { EnvironmentError } = await import('../../../src/main/core/admin-policy');
    created.failure = new EnvironmentError([
      'AGENT_DESKTOP_PLATFORM_URL="api.example.com": Invalid URL',
      'AGENT_DESKTOP_SECRET_KEY: Too big',
    ]);
    await start((f) => (f.app.locale = 'en-US'));
    expect(fake.dialog.showErrorBox).toHaveBeenCalledWith(
      'Agent desktop could not start',
      'The app could not start:\n• AGENT_DESKTOP_PLATFORM_URL="api.example.com": Invalid URL\n• AGENT_DESKTOP_SECRET_KEY: Too big',
    );
    expect(fake.app.exit).toHaveBeenCalledWith(1);
  });

  it('any other start-up failure: a dialog in the OS language', async () => {
    created.failure = new Error('disk on fire');
    await start((f) => (f.app.locale = 'en-US'));
    expect(fake.dialog.showErrorBox).toHaveBeenCalledWith(
      'Agent desktop could not start',
      'The app could not start:\nError: disk on fire',
    );
  });

  it('the window dying goes to the core at once, then the window reloads', async () => {
    await start();
    const [win] = fake.electronFake.windows;
    win!.webContents.crash('oom');
    expect(core.windowCrashed).toHaveBeenCalledWith(false);
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(win!.webContents.reload).toHaveBeenCalled();
  });

  it('the tray offers Export diagnostics, which runs the export command', async () => {
    await start();
    const tray = fake.electronFake.trays[0]!;
    tray.menu!.items.find((i) => i.label === '导出诊断信息…')!.click!();
    expect(core.dispatch).toHaveBeenCalledWith('diagnostics:export', {});
  });

  it('Export diagnostics from the tray while the window is hidden: its dialogs come up in sight', async () => {
    await start();
    const [win] = fake.electronFake.windows;
    // The window is in the tray; the agent uses the tray menu.
    expect(win!.visible).toBe(false);
    const save = (created.options[0] as CoreOptions).diagnostics!.save!;
    // What the core does on 'diagnostics:export': hands the saver a bundle.
    core.dispatch.mockImplementationOnce(async () => save(() => new Uint8Array()));
    const tray = fake.electronFake.trays[0]!;
    tray.menu!.items.find((i) => i.label === '导出诊断信息…')!.click!();
    await settle();
    // A sheet on a hidden window (macOS) is never seen: the window comes up and holds it.
    const call = fake.dialog.showMessageBox.mock.calls[0] as unknown[] | undefined;
    expect(call?.[0]).toBe(win);
    expect(win!.visible).toBe(true);
  });
});
