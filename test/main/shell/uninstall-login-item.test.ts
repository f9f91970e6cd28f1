/**
 * Uninstalling on Windows removes the start-at-login value the app wrote: otherwise Windows tries
 * to start the deleted program at every login. The NSIS include electron-builder.yml names must
 * delete the very value name login-item.ts gives Electron, and only on a real uninstall (an
 * update runs the old uninstaller too). Where makensis is installed, the include compiles into an
 * uninstaller section the way electron-builder inserts it. (No Windows here: not run.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getConfig } from 'app-builder-lib/out/util/config/config';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Configuration } from 'app-builder-lib';

vi.mock('electron', () => import('../../support/electron-fake'));

import { LOGIN_ITEM_NAME, PRODUCT_NAME } from '../../../src/main/shell/login-item';
import { missingSystem } from '../../support/system';
import { compileInclude } from '../../build/nsis-harness';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const RUN = 'Software\\Microsoft\\Windows\\CurrentVersion\\Run';
const APPROVED = 'Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\StartupApproved\\Run';
let config: Configuration;
let include: string;

beforeAll(async () => {
  config = await getConfig(root, null, null);
  include = join(root, String(config.nsis?.include));
});

/** The body of one macro, comments left out. */
function macro(text: string, name: string): string[] {
  const lines = text.split(/\r?\n/).map((line) => line.replace(/;.*$/, '').trim());
  const start = lines.indexOf(`!macro ${name}`);
  expect(start, `!macro ${name}`).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf('!macroend', start);
  return lines.slice(start + 1, end).filter(Boolean);
}

describe('Windows uninstall and start at login', () => {
  it('electron-builder.yml includes build/installer.nsh in the NSIS scripts', () => {
    expect(config.nsis!.include).toBe('build/installer.nsh');
    expect(existsSync(include)).toBe(true);
    // The Linux autostart entry shows the installers' product name.
    expect(PRODUCT_NAME).toBe(config.productName);
  });

  it('the uninstaller deletes the Run value by the name the app registers, on a real uninstall only', () => {
    // The name is the app id: what Electron used by default before it was named (the
    // AppUserModelId index.ts sets), so values older versions wrote go too.
    expect(LOGIN_ITEM_NAME).toBe(config.appId);
    expect(macro(readFileSync(include, 'utf8'), 'customUnInstall')).toEqual([
      '${ifNot} ${isUpdated}',
      `DeleteRegValue HKCU "${RUN}" "${LOGIN_ITEM_NAME}"`,
      `DeleteRegValue HKCU "${APPROVED}" "${LOGIN_ITEM_NAME}"`,
      '${endIf}',
    ]);
  });

  it.skipIf(missingSystem('makensis') !== null)(
    'compiles into the installer and the uninstaller as electron-builder places it (makensis -WX)',
    () => {
      for (const pass of compileInclude(include)) expect(pass.status, pass.output).toBe(0);
    },
  );
});
