/**
 * Where the app's page lives and what counts as "the app": the electron-vite dev server in
 * development, the built out/renderer/index.html otherwise. Sender checks, navigation rules,
 * the CSP and the permission handlers all ask this one object.
 */
import { pathToFileURL } from 'node:url';

export interface AppUrl {
  /** What the window loads. */
  readonly load: { kind: 'url'; url: string } | { kind: 'file'; path: string };
  /** The app page's URL (for file:// the index.html URL). */
  readonly href: string;
  /** True when the dev server serves the page (the CSP then allows its HMR socket). */
  readonly dev: boolean;
  /** True for a URL of the app's own page (query and hash ignored). */
  isAppUrl(url: string): boolean;
  /** True for the app page's origin as permission checks report it. */
  isAppOrigin(origin: string): boolean;
}

/** The app URL: `devServerUrl` (ELECTRON_RENDERER_URL) when set, else the built index.html. */
export function appUrl(devServerUrl: string | undefined, indexHtml: string): AppUrl {
  if (devServerUrl) {
    const dev = new URL(devServerUrl);
    return {
      load: { kind: 'url', url: dev.href },
      href: dev.href,
      dev: true,
      isAppUrl: (url) => parse(url)?.origin === dev.origin,
      isAppOrigin: (origin) => stripSlash(origin) === dev.origin,
    };
  }
  const file = pathToFileURL(indexHtml);
  return {
    load: { kind: 'file', path: indexHtml },
    href: file.href,
    dev: false,
    isAppUrl: (url) => {
      const parsed = parse(url);
      return (
        parsed?.protocol === 'file:' &&
        parsed.host === file.host &&
        parsed.pathname === file.pathname
      );
    },
    // Chromium reports every file:// page's origin as "file://"; the URL checks narrow it down.
    isAppOrigin: (origin) => origin === 'file://' || origin === 'file:///',
  };
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function stripSlash(origin: string): string {
  return origin.endsWith('/') ? origin.slice(0, -1) : origin;
}
