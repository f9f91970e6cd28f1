/**
 * The one Electron fake for the whole suite (Electron Fiddle's habit): EventEmitter-based
 * stand-ins for the parts of `electron` the shell and preload use, with just enough behaviour
 * (events, preventDefault, quit flow) to test the glue. Use it with
 *   vi.mock('electron', () => import('../../support/electron-fake'));
 * and call `resetElectronFake()` in beforeEach. State is mutated in place, never replaced, so
 * the bindings a module imported stay valid across resets.
 */
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';
import { vi } from 'vitest';

/** Electron's Event: preventDefault plus whatever details the event carries. */
export class FakeEvent<T extends object = object> {
  defaultPrevented = false;
  constructor(details?: T) {
    Object.assign(this, details);
  }
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}
export function fakeEvent<T extends object>(details?: T): FakeEvent<T> & T {
  return new FakeEvent(details) as FakeEvent<T> & T;
}

let nextId = 1;

export class FakeWebFrame {
  readonly processId: number;
  readonly routingId: number;
  constructor(
    public url: string,
    public parent: FakeWebFrame | null = null,
  ) {
    this.processId = 1;
    this.routingId = nextId++;
  }
}

export class FakeWebContents extends EventEmitter {
  readonly id = nextId++;
  readonly mainFrame = new FakeWebFrame('');
  readonly sent: [string, unknown][] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload]);
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  getURL(): string {
    return this.mainFrame.url;
  }
  /** Reloads the page (after a crash the shell reloads the window). */
  readonly reload = vi.fn();
  /** Ends the renderer process as Electron does: it is reported gone ('killed'). */
  readonly forcefullyCrashRenderer = vi.fn(() => this.crash('killed', 9));
  /** The renderer process dies, as Chromium reports it ('crashed', 'oom', 'killed'…). */
  crash(reason = 'crashed', exitCode = 139): void {
    this.emit('render-process-gone', fakeEvent(), { reason, exitCode });
  }
  async loadURL(url: string): Promise<void> {
    this.mainFrame.url = url;
  }
  async loadFile(path: string): Promise<void> {
    this.mainFrame.url = pathToFileURL(path).href;
  }
  /** Emits will-navigate like Chromium would; returns true when the shell prevented it. */
  navigate(url: string): boolean {
    const event = fakeEvent({ url, isSameDocument: false, isMainFrame: true });
    this.emit('will-navigate', event);
    return event.defaultPrevented;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  readonly webContents = new FakeWebContents();
  visible = false;
  minimized = false;
  focused = false;
  destroyed = false;
  /** The taskbar button's attention flash (flashFrame). */
  flashing = false;
  readonly flashFrame = vi.fn((flag: boolean) => {
    this.flashing = flag;
  });
  constructor(public readonly options: Record<string, unknown>) {
    super();
    state.windows.push(this);
    app.emit('web-contents-created', fakeEvent(), this.webContents);
  }
  loadURL(url: string) {
    return this.webContents.loadURL(url);
  }
  loadFile(path: string) {
    return this.webContents.loadFile(path);
  }
  show() {
    this.visible = true;
  }
  /** Shows without activating: the focus stays where it was (another app's window). */
  readonly showInactive = vi.fn(() => {
    this.visible = true;
  });
  /** Raises the window above the others without activating it. */
  readonly moveTop = vi.fn();
  hide() {
    this.visible = false;
  }
  focus() {
    this.focused = true;
  }
  restore() {
    this.minimized = false;
  }
  isVisible() {
    return this.visible;
  }
  isMinimized() {
    return this.minimized;
  }
  isDestroyed() {
    return this.destroyed;
  }
  destroy() {
    this.destroyed = true;
    this.emit('closed');
  }
  /** Like the user clicking the close button: 'close' may be prevented. */
  close() {
    const event = fakeEvent();
    this.emit('close', event);
    if (!event.defaultPrevented) this.destroy();
  }
}

type Handler = (event: unknown, ...args: unknown[]) => unknown;

class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, handler: Handler): void {
    // Electron throws on a second handler for one channel; so does the fake.
    if (this.handlers.has(channel)) throw new Error(`second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** Calls the handler as ipcRenderer.invoke from `sender`/`frame` would. */
  async invoke(channel: string, from: { sender: unknown; senderFrame: unknown }, payload: unknown) {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler({ ...from, processId: 1, frameId: 1 }, payload);
  }
  reset() {
    this.handlers.clear();
    this.removeAllListeners();
  }
}

class FakeIpcRenderer extends EventEmitter {
  invoke = vi.fn(async (_channel: string, _payload: unknown): Promise<unknown> => undefined);
  reset() {
    this.removeAllListeners();
    this.invoke = vi.fn(async () => undefined);
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  locale = 'zh-CN';
  hasLock = true;
  quitting = false;
  readonly paths = new Map<string, string>([
    ['userData', '/tmp/agent-desktop-fake-user-data'],
    ['downloads', '/tmp/agent-desktop-fake-downloads'],
  ]);
  appPath = '/fake/app';
  loginItem = { openAtLogin: false, wasOpenedAtLogin: false };
  setLoginItemSettings = vi.fn((settings: { openAtLogin: boolean }) => {
    this.loginItem.openAtLogin = settings.openAtLogin;
  });
  exit = vi.fn();
  setAppUserModelId = vi.fn();
  focus = vi.fn();
  /** Real flow: before-quit (preventable), then will-quit and quit. */
  quit = vi.fn(() => {
    const event = fakeEvent();
    this.emit('before-quit', event);
    if (event.defaultPrevented) return;
    for (const win of state.windows) if (!win.destroyed) win.close();
    this.quitting = true;
    this.emit('will-quit', fakeEvent());
  });
  requestSingleInstanceLock = vi.fn(() => this.hasLock);
  /** Switches appended before ready (Chromium reads them then). */
  readonly switches = new Map<string, string>();
  readonly commandLine = {
    appendSwitch: (name: string, value = '') => void this.switches.set(name, value),
  };
  private ready = Promise.resolve();
  whenReady() {
    return this.ready;
  }
  getPath(name: string) {
    const path = this.paths.get(name);
    if (!path) throw new Error(`no path ${name}`);
    return path;
  }
  setPath(name: string, value: string) {
    this.paths.set(name, value);
  }
  /** As Electron: `--lang` set before ready is the app's locale; the OS's languages stay. */
  getLocale() {
    return this.switches.get('lang') || this.locale;
  }
  getAppPath() {
    return this.appPath;
  }
  getName() {
    return 'agent-desktop';
  }
  getVersion() {
    return '0.1.0';
  }
  /** A child process (GPU, utility…) died, as Electron reports it. */
  childGone(details: Record<string, unknown>): void {
    this.emit('child-process-gone', fakeEvent(), details);
  }
  getLoginItemSettings() {
    return { ...this.loginItem };
  }
  reset() {
    this.removeAllListeners();
    Object.assign(this, {
      isPackaged: false,
      locale: 'zh-CN',
      hasLock: true,
      quitting: false,
      appPath: '/fake/app',
      loginItem: { openAtLogin: false, wasOpenedAtLogin: false },
    });
    this.switches.clear();
    this.paths.clear();
    this.paths.set('userData', '/tmp/agent-desktop-fake-user-data');
    this.paths.set('downloads', '/tmp/agent-desktop-fake-downloads');
    for (const mock of [
      this.setLoginItemSettings,
      this.exit,
      this.quit,
      this.requestSingleInstanceLock,
      this.focus,
    ]) {
      mock.mockClear();
    }
  }
}

export class FakeTray extends EventEmitter {
  image: FakeNativeImage;
  tooltip = '';
  menu: FakeMenu | null = null;
  destroyed = false;
  readonly setContextMenu = vi.fn((menu: FakeMenu) => {
    this.menu = menu;
  });
  readonly setImage = vi.fn((image: FakeNativeImage) => {
    this.image = image;
  });
  readonly setToolTip = vi.fn((tooltip: string) => {
    this.tooltip = tooltip;
  });
  constructor(image: FakeNativeImage) {
    super();
    this.image = image;
    state.trays.push(this);
  }
  destroy() {
    this.destroyed = true;
  }
  isDestroyed() {
    return this.destroyed;
  }
}

export interface FakeMenuItem {
  label?: string;
  type?: string;
  enabled?: boolean;
  checked?: boolean;
  role?: string;
  accelerator?: string;
  click?: () => void;
  submenu?: FakeMenuItem[];
}
/**
 * A menu item as Electron makes it from a template item (lib/browser/api/menu-item.ts): a
 * click on a `checkbox` item flips its own `checked` first, then runs the template's click
 * (electron/electron#354). The shell uses no radio items, so the fake has none.
 */
function menuItem(template: FakeMenuItem): FakeMenuItem {
  const item: FakeMenuItem = { ...template };
  if (template.submenu) item.submenu = template.submenu.map(menuItem);
  const click = template.click;
  if (click) {
    item.click = (...args: unknown[]) => {
      if (item.type === 'checkbox') item.checked = !item.checked;
      (click as (...args: unknown[]) => void)(item, ...args);
    };
  }
  return item;
}
export class FakeMenu {
  constructor(public readonly items: FakeMenuItem[]) {}
  static buildFromTemplate = vi.fn(
    (template: FakeMenuItem[]) => new FakeMenu(template.map(menuItem)),
  );
  static setApplicationMenu = vi.fn((menu: FakeMenu | null) => {
    state.applicationMenu = menu;
  });
}

export interface FakeNativeImage {
  path: string;
}
export const nativeImage = {
  createFromPath: (path: string): FakeNativeImage => ({ path }),
};

/** Notification: records its options; `show`/`close` as Electron's, events emitted by tests. */
export class FakeNotification extends EventEmitter {
  static supported = true;
  static isSupported(): boolean {
    return FakeNotification.supported;
  }
  shown = false;
  closed = false;
  constructor(public readonly options: Record<string, unknown>) {
    super();
    state.notifications.push(this);
  }
  show(): void {
    this.shown = true;
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close', fakeEvent());
  }
  /** The user pressed action button `index` (Electron 41: details first, then the legacy index). */
  act(index: number): void {
    this.emit('action', fakeEvent({ actionIndex: index, selectionIndex: -1 }), index, -1);
  }
}

/** globalShortcut: accelerators in `taken` belong to another app; those in `invalid` throw. */
class FakeGlobalShortcut {
  readonly registered = new Map<string, () => void>();
  readonly taken = new Set<string>();
  readonly invalid = new Set<string>();
  readonly register = vi.fn((accelerator: string, callback: () => void): boolean => {
    if (this.invalid.has(accelerator))
      throw new TypeError(
        `Error processing argument at index 0, conversion failure from ${accelerator}`,
      );
    if (this.taken.has(accelerator) || this.registered.has(accelerator)) return false;
    this.registered.set(accelerator, callback);
    return true;
  });
  readonly unregister = vi.fn((accelerator: string) => {
    this.registered.delete(accelerator);
  });
  readonly unregisterAll = vi.fn(() => this.registered.clear());
  isRegistered(accelerator: string): boolean {
    return this.registered.has(accelerator);
  }
  /** The user pressed `accelerator` anywhere on the desktop. */
  press(accelerator: string): void {
    const callback = this.registered.get(accelerator);
    if (!callback) throw new Error(`${accelerator} is not registered`);
    callback();
  }
  reset(): void {
    this.registered.clear();
    this.taken.clear();
    this.invalid.clear();
    for (const mock of [this.register, this.unregister, this.unregisterAll]) mock.mockClear();
  }
}

class FakeNet {
  online = true;
  isOnline() {
    return this.online;
  }
  /** Chromium's fetch; tests see what the shell sent through it. */
  fetch = vi.fn(async (_input: string | Request, _init?: RequestInit) => new Response('{}'));
}

/** XOR "encryption" with a marker: enough to prove nothing is stored in plain text. */
class FakeSafeStorage {
  available = true;
  backend = 'gnome_libsecret';
  isEncryptionAvailable() {
    return this.available;
  }
  getSelectedStorageBackend() {
    return this.backend;
  }
  encryptString(text: string): Buffer {
    if (!this.available) throw new Error('Encryption is not available.');
    const bytes = Buffer.from(text, 'utf8').map((b) => b ^ 0x5a);
    return Buffer.concat([Buffer.from('v11'), bytes]);
  }
  decryptString(cipher: Buffer): string {
    if (cipher.subarray(0, 3).toString() !== 'v11')
      throw new Error('Error while decrypting the ciphertext');
    return Buffer.from(cipher.subarray(3).map((b) => b ^ 0x5a)).toString('utf8');
  }
}

type HeadersListener = (
  details: Record<string, unknown>,
  callback: (response: Record<string, unknown>) => void,
) => void;
class FakeSession extends EventEmitter {
  devicePermissionHandler: ((details: Record<string, unknown>) => boolean) | null = null;
  setDevicePermissionHandler(handler: ((details: Record<string, unknown>) => boolean) | null) {
    this.devicePermissionHandler = handler;
  }
  headersListener: HeadersListener | null = null;
  requestHandler: ((...args: unknown[]) => void) | null = null;
  checkHandler: ((...args: unknown[]) => boolean) | null = null;
  readonly webRequest = {
    onHeadersReceived: (listener: HeadersListener) => {
      this.headersListener = listener;
    },
  };
  setPermissionRequestHandler(handler: (...args: unknown[]) => void) {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: (...args: unknown[]) => boolean) {
    this.checkHandler = handler;
  }
  /** Runs the headers listener as Chromium would; resolves with what it answered. */
  headers(url: string, responseHeaders: Record<string, string[]> = {}) {
    return new Promise<Record<string, unknown>>((resolve) =>
      this.headersListener?.({ url, resourceType: 'mainFrame', responseHeaders }, resolve),
    );
  }
  /** Runs the permission request handler; resolves with the decision. */
  request(contents: unknown, permission: string, details: Record<string, unknown>) {
    return new Promise<boolean>((resolve) =>
      this.requestHandler?.(contents, permission, resolve, details),
    );
  }
  reset() {
    this.headersListener = null;
    this.requestHandler = null;
    this.checkHandler = null;
    this.devicePermissionHandler = null;
    this.removeAllListeners();
  }
}

/**
 * powerMonitor, started as Electron 45 starts it (lib/browser/api/power-monitor.ts): on its
 * first listener. On Linux it emits 'shutdown' only while `listeningForShutdown`, which it
 * sets from the 'shutdown' listeners there at that moment and watches for later ones.
 */
class FakePowerMonitor extends EventEmitter {
  /** Whether Electron on Linux would deliver 'shutdown' (and hold logind's delay lock). */
  listeningForShutdown = false;
  constructor() {
    super();
    this.arm();
  }
  private arm(): void {
    this.once('newListener', () => {
      this.listeningForShutdown = this.listenerCount('shutdown') > 0;
      this.on('newListener', (event) => {
        if (event === 'shutdown') this.listeningForShutdown = true;
      });
      this.on('removeListener', (event) => {
        if (event === 'shutdown') this.listeningForShutdown = this.listenerCount('shutdown') > 0;
      });
    });
  }
  reset(): void {
    this.removeAllListeners();
    this.listeningForShutdown = false;
    this.arm();
  }
}

const state = {
  windows: [] as FakeBrowserWindow[],
  trays: [] as FakeTray[],
  notifications: [] as FakeNotification[],
  applicationMenu: null as FakeMenu | null,
};

export const app = new FakeApp();
export const ipcMain = new FakeIpcMain();
export const ipcRenderer = new FakeIpcRenderer();
export const powerMonitor = new FakePowerMonitor();
export const net = new FakeNet();
export const safeStorage = new FakeSafeStorage();
export const globalShortcut = new FakeGlobalShortcut();
export const session = { defaultSession: new FakeSession() };
export const contextBridge = {
  exposed: {} as Record<string, unknown>,
  exposeInMainWorld(key: string, api: unknown) {
    if (key in this.exposed) throw new Error(`'${key}' exposed twice`);
    this.exposed[key] = api;
  },
};
export const dialog = {
  showMessageBox: vi.fn(async () => ({ response: 0, checkboxChecked: false })),
  showErrorBox: vi.fn(),
  showSaveDialog: vi.fn(
    async (..._args: unknown[]): Promise<{ canceled: boolean; filePath?: string }> => ({
      canceled: true,
    }),
  ),
};
export const shell = { openExternal: vi.fn(async () => undefined) };
/** systemPreferences (macOS): `trusted` is whether the app is allowed Accessibility. */
export const systemPreferences = {
  trusted: true,
  isTrustedAccessibilityClient: vi.fn((_prompt: boolean): boolean => systemPreferences.trusted),
};
export {
  FakeBrowserWindow as BrowserWindow,
  FakeTray as Tray,
  FakeMenu as Menu,
  FakeNotification as Notification,
};

/** What the fake recorded: windows, trays and notifications created, the app menu set. */
export const electronFake = state;

/** Puts every fake back to its initial state (call in beforeEach). */
export function resetElectronFake(): void {
  state.windows.length = 0;
  state.trays.length = 0;
  state.notifications.length = 0;
  state.applicationMenu = null;
  FakeNotification.supported = true;
  globalShortcut.reset();
  app.reset();
  ipcMain.reset();
  ipcRenderer.reset();
  powerMonitor.reset();
  net.online = true;
  safeStorage.available = true;
  safeStorage.backend = 'gnome_libsecret';
  session.defaultSession.reset();
  for (const key of Object.keys(contextBridge.exposed)) delete contextBridge.exposed[key];
  dialog.showMessageBox.mockClear();
  dialog.showErrorBox.mockClear();
  dialog.showSaveDialog.mockReset();
  dialog.showSaveDialog.mockImplementation(async () => ({ canceled: true }));
  net.fetch.mockClear();
  shell.openExternal.mockClear();
  systemPreferences.trusted = true;
  systemPreferences.isTrustedAccessibilityClient.mockClear();
  FakeMenu.buildFromTemplate.mockClear();
  FakeMenu.setApplicationMenu.mockClear();
}
