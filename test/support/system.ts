/**
 * Tests that need a Debian package (Kamailio, sipp, Chromium) skip with a visible reason on a
 * developer machine that lacks it (NSIS and systemd's autostart reader too); with AGENT_DESKTOP_REQUIRE_SYSTEM=1 (set by .ci/run) a
 * missing package fails the run instead.
 */
import { existsSync } from 'node:fs';

export const SYSTEM = {
  kamailio: '/usr/sbin/kamailio',
  sipp: '/usr/bin/sipp',
  chromium: '/usr/bin/chromium',
  rtpengine: '/usr/bin/rtpengine',
  /** Kamailio's TLS module, for WSS served by Kamailio itself. */
  kamailioTls: '/usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so',
  /** NSIS, to compile the installer's include (the Windows uninstaller's login-item removal). */
  makensis: '/usr/bin/makensis',
  /** systemd's reader of XDG autostart entries, as a Linux desktop session starts them. */
  xdgAutostart: '/usr/lib/systemd/user-generators/systemd-xdg-autostart-generator',
} as const;

export type SystemPart = keyof typeof SYSTEM;

/** Returns null when every part is installed, else the reason to skip; throws in CI mode. */
export function missingSystem(...parts: SystemPart[]): string | null {
  const missing = parts.filter((part) => !existsSync(SYSTEM[part]));
  if (missing.length === 0) return null;
  const reason = `needs ${missing.map((p) => SYSTEM[p]).join(', ')} (Debian: ${missing
    .map((p) =>
      p === 'sipp'
        ? 'sip-tester'
        : p === 'kamailio'
          ? 'kamailio kamailio-websocket-modules'
          : p === 'rtpengine'
            ? 'rtpengine-daemon'
            : p === 'kamailioTls'
              ? 'kamailio-tls-modules'
              : p === 'makensis'
                ? 'nsis'
                : p === 'xdgAutostart'
                  ? 'systemd'
                  : p,
    )
    .join(', ')})`;
  if (process.env.AGENT_DESKTOP_REQUIRE_SYSTEM === '1') {
    throw new Error(`AGENT_DESKTOP_REQUIRE_SYSTEM=1 but this test ${reason}`);
  }
  console.warn(`[skipped] ${reason}`);
  return reason;
}

/** Flags for Debian's Chromium here (see shared/notes/running-here.md): headless as root, no
 * outside traffic, fake microphone and camera with permission granted. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];
