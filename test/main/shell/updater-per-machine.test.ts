/**
 * A Windows install "for all users" (Program Files) must not update itself: the installer would
 * ask every agent for an administrator. Windows' access() says yes to any folder (libuv never
 * reads the ACL), so the app has to try a write. Here node:fs stands in for the Windows drive:
 * access() always passes, as libuv does, and creating a file under Program Files is refused.
 */
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fieldLogger, type LoggedLine } from '../../support/line-logger';
import type * as NodeFs from 'node:fs';

const disk = vi.hoisted(() => ({
  created: [] as string[],
  removed: [] as string[],
  /** Folders where creating a file is refused (the ACL of a per-machine install). */
  readOnly: ['C:\\Program Files\\'],
}));
vi.mock('node:fs', async () => {
  const actual = await vi.importActual<typeof NodeFs>('node:fs');
  const onDrive = (path: unknown) => typeof path === 'string' && /^[A-Z]:\\/.test(path);
  const fs = {
    ...actual,
    // libuv's access() on Windows: only the read-only attribute, which folders do not carry.
    accessSync: (path: string, mode?: number) =>
      onDrive(path) ? undefined : actual.accessSync(path, mode),
    openSync: (path: string, flags?: string) => {
      if (!onDrive(path)) return actual.openSync(path, flags ?? 'r');
      if (disk.readOnly.some((dir) => path.startsWith(dir)))
        throw Object.assign(new Error(`EPERM: operation not permitted, open '${path}'`), {
          code: 'EPERM',
        });
      expect(flags).toBe('wx');
      disk.created.push(path);
      return -1;
    },
    closeSync: (fd: number) => (fd === -1 ? undefined : actual.closeSync(fd)),
    rmSync: (path: string, options?: object) =>
      onDrive(path) ? void disk.removed.push(path) : actual.rmSync(path, options),
  };
  return { ...fs, default: fs };
});
vi.mock('electron-updater', () => import('../../support/electron-updater-fake'));
vi.mock('electron', () => import('../../support/electron-fake'));

import { updater } from '../../support/electron-updater-fake';
import { setupAutoUpdate } from '../../../src/main/shell/updater';

class FakeUpdater extends EventEmitter {
  setFeedURL = vi.fn();
  checkForUpdates = vi.fn(async () => null);
  downloadUpdate = vi.fn(async () => []);
  quitAndInstall = vi.fn();
}

let fake: FakeUpdater;
let lines: LoggedLine[];
const logger = fieldLogger(() => lines);
const realExecPath = process.execPath;

beforeEach(() => {
  fake = new FakeUpdater();
  updater.current = fake;
  lines = [];
  disk.created = [];
  disk.removed = [];
});
afterEach(() => {
  process.execPath = realExecPath;
});

/** The app as installed at `execPath` on Windows, with an update URL, no installWritable. */
const start = (execPath: string) => {
  process.execPath = execPath;
  return setupAutoUpdate({
    settings: () => ({ updateUrl: 'https://updates.example.com/agent-desktop' }),
    logger,
    packaged: true,
    platform: 'win32',
    env: {},
    random: () => 0.5,
  });
};

describe('Windows: who may update the installed app', () => {
  it('installed for all users (Program Files): auto-update off, nothing downloaded, no probe left', () => {
    const stop = start('C:\\Program Files\\agent-desktop\\ONEYUN Agent Desktop.exe');
    expect(lines).toEqual([
      ['auto-update off', { reason: expect.stringMatching(/installed for all users/) as unknown }],
    ]);
    expect(fake.setFeedURL).not.toHaveBeenCalled();
    expect(fake.checkForUpdates).not.toHaveBeenCalled();
    expect(disk.created).toEqual([]);
    stop();
  });

  it('installed only for this user (AppData): on, after a probe file created and removed', () => {
    const dir = 'C:\\Users\\agent\\AppData\\Local\\Programs\\agent-desktop';
    const stop = start(`${dir}\\ONEYUN Agent Desktop.exe`);
    expect(lines[0]?.[0]).toBe('auto-update on');
    expect(fake.setFeedURL).toHaveBeenCalled();
    expect(disk.created).toHaveLength(1);
    expect(disk.created[0]!.startsWith(`${dir}\\`)).toBe(true);
    expect(disk.removed).toEqual(disk.created);
    stop();
  });
});
