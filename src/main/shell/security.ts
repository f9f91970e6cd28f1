/**
 * Security defaults for every page Electron shows: a strict CSP on the app's page, no navigation
 * away from it, no new windows, no <webview>, and permissions limited to the microphone (audio
 * only) and notifications for the app's own page. Pinned by test/main/shell/security.test.ts.
 */
import { app } from 'electron';
import type { Session, WebContents } from 'electron';
import { windowCsp } from '../../shared/csp';
import type { AppUrl } from './app-url';

/** The app page's Content-Security-Policy. */
export function contentSecurityPolicy(appUrl: AppUrl): string {
  // The dev server's HMR client talks over a WebSocket to its own host.
  const hmr = appUrl.dev ? new URL(appUrl.href).origin.replace(/^http/, 'ws') : undefined;
  return windowCsp(hmr ? { extraConnect: hmr } : {});
}

/** Sets the CSP on the app's page and the permission handlers on `ses`. */
export function setupSessionSecurity(
  ses: Session,
  appUrl: AppUrl,
  isAppContents: (contents: WebContents) => boolean,
): void {
  const csp = contentSecurityPolicy(appUrl);
  ses.webRequest.onHeadersReceived((details, callback) => {
    if (!appUrl.isAppUrl(details.url)) {
      callback({});
      return;
    }
    const headers = { ...details.responseHeaders };
    // A second CSP header would only add restrictions, but keep ours the single source.
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() === 'content-security-policy') delete headers[name];
    }
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [csp] } });
  });

  ses.setPermissionRequestHandler((contents, permission, callback, details) => {
    const fromApp =
      isAppContents(contents) && details.isMainFrame && appUrl.isAppUrl(details.requestingUrl);
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : [];
    callback(fromApp && permissionAllowed(permission, mediaTypes));
  });

  ses.setPermissionCheckHandler((contents, permission, requestingOrigin, details) => {
    if (!contents || !isAppContents(contents) || !appUrl.isAppOrigin(requestingOrigin))
      return false;
    if (details.requestingUrl && !appUrl.isAppUrl(details.requestingUrl)) return false;
    return permissionAllowed(permission, details.mediaType ? [details.mediaType] : []);
  });
}

/** Microphone (audio, never video), notifications and HID (headset buttons); nothing else. */
export function permissionAllowed(permission: string, mediaTypes: readonly string[]): boolean {
  if (permission === 'notifications' || permission === 'hid') return true;
  if (permission === 'media')
    return mediaTypes.length > 0 && mediaTypes.every((t) => t === 'audio');
  return false;
}

/** Denies navigation away from the app page, new windows and <webview> for one webContents. */
export function hardenContents(contents: WebContents, appUrl: AppUrl): void {
  contents.on('will-navigate', (event) => {
    if (!appUrl.isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame || !appUrl.isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!appUrl.isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // Links that try to open a window go nowhere: the app has no external pages to offer.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** Hardens every webContents the app ever creates (Electron's security checklist). */
export function setupContentsHardening(appUrl: AppUrl): void {
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, appUrl));
}
