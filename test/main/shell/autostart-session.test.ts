/**
 * The Linux autostart entry as a real desktop session reads it: systemd's
 * xdg-autostart-generator (what GNOME and KDE sessions on systemd start autostart entries with)
 * turns each entry into a user unit, its Description being the name the startup-apps list shows.
 * Skipped where the generator is not installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../../support/electron-fake'));

import { autostartFile, setupLoginItem } from '../../../src/main/shell/login-item';
import { silentLogger } from '../../../src/lib/ports';
import { app, resetElectronFake } from '../../support/electron-fake';
import { FakeCore } from './fake-core';
import { SYSTEM, missingSystem } from '../../support/system';

const GENERATOR = SYSTEM.xdgAutostart;
const noGenerator = missingSystem('xdgAutostart');

let dir: string;
beforeEach(() => {
  resetElectronFake();
  app.isPackaged = true;
  dir = mkdtempSync(join(tmpdir(), 'autostart-session-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the generator over this user's autostart folder; returns the units and its messages. */
function generate(configHome: string): { units: Record<string, string>; log: string } {
  const out = join(dir, `units-${Date.now()}-${Math.random()}`);
  mkdirSync(out);
  const result = spawnSync(GENERATOR, [out, out, out], {
    env: {
      ...process.env,
      XDG_CONFIG_HOME: configHome,
      XDG_CONFIG_DIRS: join(dir, 'none'),
      SYSTEMD_LOG_LEVEL: 'debug',
      SYSTEMD_LOG_TARGET: 'console',
    },
    encoding: 'utf8',
    timeout: 10_000,
  });
  const units: Record<string, string> = {};
  for (const name of readdirSync(out))
    if (name.endsWith('.service')) units[name] = readFileSync(join(out, name), 'utf8');
  return { units, log: `${result.stdout}${result.stderr}` };
}

describe.skipIf(noGenerator !== null)('Linux autostart in a real session', () => {
  it('listed by the product name; started hidden; skipped once the program is uninstalled', () => {
    // A deb install: the program under /opt, its folder name holding spaces.
    const program = join(dir, 'opt', 'ONEYUN Agent Desktop', 'agent-desktop');
    mkdirSync(join(program, '..'), { recursive: true });
    writeFileSync(program, '#!/bin/sh\n');
    chmodSync(program, 0o755);
    const env = { XDG_CONFIG_HOME: join(dir, 'config'), APPIMAGE: program };
    const core = new FakeCore();
    core.currentSettings.startAtLogin = true;
    setupLoginItem({ core, logger: silentLogger, platform: 'linux', env });
    expect(existsSync(autostartFile(env))).toBe(true);

    const before = generate(env.XDG_CONFIG_HOME);
    const units = Object.values(before.units);
    expect(units, before.log).toHaveLength(1);
    expect(units[0]).toContain('Description=ONEYUN Agent Desktop\n');
    expect(units[0]).toContain(`ExecStart=:"${program}" --hidden\n`);

    // `apt remove`: the package's scripts cannot reach ~/.config/autostart, the entry stays.
    execFileSync('rm', [program]);
    const after = generate(env.XDG_CONFIG_HOME);
    expect(after.units).toEqual({});
    expect(after.log).toMatch(/TryExec/);
  });
});
