/**
 * The window's Content-Security-Policy, in one place: the Electron shell sends it as a header
 * with the app's page, and the production build also carries it as a <meta> tag (a second line
 * of defence where a header cannot be set, e.g. file:// pages, and what the browser host serves,
 * so the end-to-end tests run the window under the same policy).
 */

/** Directives; `extraConnect` adds sources to connect-src (the dev server's HMR WebSocket). */
export function windowCsp(options: { extraConnect?: string; forMeta?: boolean } = {}): string {
  const extra = options.extraConnect ? ` ${options.extraConnect}` : '';
  const directives = [
    "default-src 'self'",
    // No inline script and no eval: the renderer is a bundled ES module (vue-i18n's JIT
    // compiler needs no eval either).
    "script-src 'self'",
    // Vue inserts large static template parts as HTML strings whose style attributes count as
    // inline; styles cannot run code, scripts stay strict.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    // Ringtones ship with the app; call audio arrives as a MediaStream.
    "media-src 'self' blob: data: mediastream:",
    // The window reaches main only over IPC; SIP and the platform are main's business.
    `connect-src 'self'${extra}`,
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
  ];
  // frame-ancestors is ignored (with a console error) in a <meta> policy.
  if (!options.forMeta) directives.push("frame-ancestors 'none'");
  return directives.join('; ');
}
