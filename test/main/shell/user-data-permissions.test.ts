/**
 * The user-data folder and its files on Linux and macOS are the agent's alone: the first thing
 * the composition root does is make the log folder (before Chromium would make the user-data
 * folder 0700), and the call history (callers' numbers), the logs and settings.json would
 * otherwise take the umask's 0644.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../../support/electron-fake'));

import { createShellLogger } from '../../../src/main/shell/logger';
import { settingsFile } from '../../../src/main/core/settings-file';
import { Journal } from '../../../src/main/core/history/journal';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import { silentLogger } from '../../../src/lib/ports';

let root: string;
let oldMask: number;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'user-data-'));
  // Ubuntu/Debian desktop default.
  oldMask = process.umask(0o022);
});
afterEach(() => {
  process.umask(oldMask);
  rmSync(root, { recursive: true, force: true });
});

const mode = (path: string) => statSync(path).mode & 0o777;

describe.runIf(process.platform !== 'win32')('user-data permissions', () => {
  it('the user-data folder the app creates at start is private (0700, as Chromium makes it)', () => {
    const userData = join(root, '.config', 'agent-desktop');
    createShellLogger(userData, false, () => undefined).logger.info('started');
    expect(mode(userData).toString(8)).toBe('700');
    expect(mode(join(userData, 'logs')).toString(8)).toBe('700');
  });

  it('history.jsonl (callers’ numbers) is readable by the agent only', () => {
    const file = join(root, 'history.jsonl');
    const journal = new Journal<{ number: string }>(
      file,
      (v) => v as { number: string },
      silentLogger,
      Date.now,
    );
    journal.append({ number: '13800138000' });
    journal.close();
    expect(mode(file).toString(8)).toBe('600');
  });

  it('settings.json is written 0600 like its set-aside copies (settings-file.ts:43) and secrets.json', () => {
    const file = join(root, 'settings.json');
    settingsFile(file, silentLogger).save(DEFAULT_SETTINGS);
    expect(mode(file).toString(8)).toBe('600');
  });
});
