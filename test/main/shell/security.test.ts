import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../../support/electron-fake'));

import { appUrl } from '../../../src/main/shell/app-url';
import {
  contentSecurityPolicy,
  hardenContents,
  permissionAllowed,
  setupContentsHardening,
  setupSessionSecurity,
} from '../../../src/main/shell/security';
import { createMainWindow, windowOptions } from '../../../src/main/shell/window';
import { silentLogger } from '../../../src/lib/ports';
import {
  BrowserWindow,
  FakeWebContents,
  fakeEvent,
  resetElectronFake,
  session,
} from '../../support/electron-fake';
import type { WebContents } from 'electron';

const INDEX = '/opt/agent-desktop/out/renderer/index.html';
const prod = appUrl(undefined, INDEX);
const dev = appUrl('http://localhost:5173/', INDEX);
const APP = 'file:///opt/agent-desktop/out/renderer/index.html';

beforeEach(() => resetElectronFake());

describe('window options', () => {
  it('pins the exact webPreferences', () => {
    expect(windowOptions('/app/out/preload/index.cjs', 'T').webPreferences).toEqual({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      backgroundThrottling: false,
      autoplayPolicy: 'no-user-gesture-required',
    });
  });

  it('creates the window hidden, shows it when ready, loads the built page', async () => {
    const win = createMainWindow({
      appUrl: prod,
      preload: '/p.cjs',
      title: 'T',
      showOnReady: true,
      logger: silentLogger,
    }) as unknown as InstanceType<typeof BrowserWindow>;
    expect(win.options.show).toBe(false);
    await Promise.resolve();
    expect(win.webContents.getURL()).toBe(APP);
    win.emit('ready-to-show');
    expect(win.visible).toBe(true);
  });

  it('loads the dev server in development and stays hidden when started at login', () => {
    const win = createMainWindow({
      appUrl: dev,
      preload: '/p.cjs',
      title: 'T',
      showOnReady: false,
      logger: silentLogger,
    }) as unknown as InstanceType<typeof BrowserWindow>;
    win.emit('ready-to-show');
    expect(win.visible).toBe(false);
    expect(win.webContents.getURL()).toBe('http://localhost:5173/');
  });
});

describe('app URL', () => {
  it('is the built index.html, ignoring query and hash', () => {
    expect(prod.isAppUrl(APP)).toBe(true);
    expect(prod.isAppUrl(`${APP}#/settings?x=1`)).toBe(true);
    expect(prod.isAppUrl('file:///opt/agent-desktop/out/renderer/other.html')).toBe(false);
    expect(prod.isAppUrl('file:///etc/passwd')).toBe(false);
    expect(prod.isAppUrl('https://example.com/index.html')).toBe(false);
    expect(prod.isAppUrl('not a url')).toBe(false);
  });

  it('is the dev server origin in development', () => {
    expect(dev.isAppUrl('http://localhost:5173/#/x')).toBe(true);
    expect(dev.isAppUrl('http://localhost:5174/')).toBe(false);
    expect(dev.isAppUrl('https://localhost:5173/')).toBe(false);
    expect(dev.isAppOrigin('http://localhost:5173')).toBe(true);
  });
});

describe('content security policy', () => {
  it('is strict: own scripts only, no eval, no inline script, connections to self', () => {
    expect(contentSecurityPolicy(prod)).toBe(
      [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "media-src 'self' blob: data: mediastream:",
        "connect-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-src 'none'",
        "frame-ancestors 'none'",
      ].join('; '),
    );
    expect(contentSecurityPolicy(prod)).not.toContain('unsafe-eval');
  });

  it('lets the dev server HMR socket connect in development only', () => {
    expect(contentSecurityPolicy(dev)).toContain("connect-src 'self' ws://localhost:5173;");
    expect(contentSecurityPolicy(dev)).not.toContain('unsafe-eval');
  });

  it('is set on the app page, replacing any other CSP, and nowhere else', async () => {
    setupSessionSecurity(session.defaultSession as never, prod, () => true);
    const ours = await session.defaultSession.headers(APP, {
      'content-security-policy': ['default-src *'],
      'x-other': ['1'],
    });
    expect(ours).toEqual({
      responseHeaders: {
        'x-other': ['1'],
        'Content-Security-Policy': [contentSecurityPolicy(prod)],
      },
    });
    expect(await session.defaultSession.headers('https://example.com/')).toEqual({});
  });
});

describe('permissions', () => {
  const appContents = new FakeWebContents();
  const other = new FakeWebContents();
  beforeEach(() => {
    setupSessionSecurity(
      session.defaultSession as never,
      prod,
      (c) => c === (appContents as never),
    );
  });
  const ask = (permission: string, details: Record<string, unknown>, contents = appContents) =>
    session.defaultSession.request(contents, permission, {
      isMainFrame: true,
      requestingUrl: APP,
      ...details,
    });

  it('grants the microphone (audio only) and notifications to the app page', async () => {
    expect(await ask('media', { mediaTypes: ['audio'] })).toBe(true);
    expect(await ask('notifications', {})).toBe(true);
  });

  it('refuses the camera, other permissions, other pages, frames and windows', async () => {
    expect(await ask('media', { mediaTypes: ['video'] })).toBe(false);
    expect(await ask('media', { mediaTypes: ['audio', 'video'] })).toBe(false);
    expect(await ask('media', {})).toBe(false);
    for (const p of ['geolocation', 'display-capture', 'openExternal', 'clipboard-read', 'midi']) {
      expect(await ask(p, {})).toBe(false);
    }
    expect(
      await ask('media', { mediaTypes: ['audio'], requestingUrl: 'https://evil.example/' }),
    ).toBe(false);
    expect(await ask('media', { mediaTypes: ['audio'], isMainFrame: false })).toBe(false);
    expect(await ask('notifications', {}, other)).toBe(false);
  });

  it('checks agree with requests', () => {
    const check = session.defaultSession.checkHandler!;
    const details = (mediaType?: string) => ({ isMainFrame: true, requestingUrl: APP, mediaType });
    expect(check(appContents, 'media', 'file://', details('audio'))).toBe(true);
    expect(check(appContents, 'notifications', 'file:///', details())).toBe(true);
    expect(check(appContents, 'media', 'file://', details('video'))).toBe(false);
    expect(check(appContents, 'media', 'file://', details('unknown'))).toBe(false);
    expect(check(appContents, 'geolocation', 'file://', details())).toBe(false);
    expect(check(appContents, 'media', 'https://evil.example', details('audio'))).toBe(false);
    expect(check(null, 'media', 'file://', details('audio'))).toBe(false);
    expect(check(other, 'media', 'file://', details('audio'))).toBe(false);
  });

  it('permissionAllowed is the single rule', () => {
    expect(permissionAllowed('media', ['audio'])).toBe(true);
    expect(permissionAllowed('media', [])).toBe(false);
    expect(permissionAllowed('fullscreen', [])).toBe(false);
  });
});

describe('navigation and new windows', () => {
  it('denies navigation away from the app page, allows reloading it', () => {
    const contents = new FakeWebContents();
    hardenContents(contents as unknown as WebContents, prod);
    expect(contents.navigate('https://evil.example/')).toBe(true);
    expect(contents.navigate('file:///etc/passwd')).toBe(true);
    expect(contents.navigate(`${APP}#/settings`)).toBe(false);
  });

  it('denies sub-frame navigation, redirects away and <webview>', () => {
    const contents = new FakeWebContents();
    hardenContents(contents as unknown as WebContents, prod);
    const frame = fakeEvent({ url: APP, isMainFrame: false });
    contents.emit('will-frame-navigate', frame);
    expect(frame.defaultPrevented).toBe(true);
    const redirect = fakeEvent({ url: 'https://evil.example/' });
    contents.emit('will-redirect', redirect);
    expect(redirect.defaultPrevented).toBe(true);
    const webview = fakeEvent();
    contents.emit('will-attach-webview', webview, {}, {});
    expect(webview.defaultPrevented).toBe(true);
  });

  it('denies every window.open, and opens nothing externally', async () => {
    const contents = new FakeWebContents();
    hardenContents(contents as unknown as WebContents, prod);
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({
      action: 'deny',
    });
    expect(contents.windowOpenHandler?.({ url: APP })).toEqual({ action: 'deny' });
    const { shell } = await import('../../support/electron-fake');
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('hardens every webContents the app creates, including the window', () => {
    setupContentsHardening(prod);
    const win = new BrowserWindow({});
    expect(win.webContents.navigate('https://evil.example/')).toBe(true);
    expect(win.webContents.windowOpenHandler?.({ url: 'https://x.example/' })).toEqual({
      action: 'deny',
    });
  });
});
