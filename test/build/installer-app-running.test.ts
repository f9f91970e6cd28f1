/**
 * A silent install or uninstall (IT's deployment tool, often during a shift) must not kill a
 * running agent desktop: electron-builder's own check does (its question answers itself OK in
 * silent mode, then a forced kill), dropping the call with no sign-out, on a Remote Desktop host
 * for every agent. build/installer.nsh replaces the check: silent and the app running → exit code
 * 1618 and nothing changed, so the tool retries later. An update the app started itself
 * (--updated) and a person at the screen keep electron-builder's behaviour. No Windows here: the
 * macro is read, and compiled and expanded with electron-builder's real templates.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { missingSystem } from '../support/system';
import { compileInclude } from './nsis-harness';

const root = fileURLToPath(new URL('../..', import.meta.url));
const include = join(root, 'build/installer.nsh');
const templates = join(
  dirname(createRequire(import.meta.url).resolve('app-builder-lib/package.json')),
  'templates/nsis',
);

/** The body of one macro, comments left out. */
function macro(text: string, name: string): string[] {
  const lines = text.split(/\r?\n/).map((line) => line.replace(/;.*$/, '').trim());
  const start = lines.indexOf(`!macro ${name}`);
  expect(start, `!macro ${name}`).toBeGreaterThanOrEqual(0);
  return lines.slice(start + 1, lines.indexOf('!macroend', start)).filter(Boolean);
}

/** Every .nsh/.nsi under a folder. */
const scripts = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? scripts(join(dir, e.name))
      : /\.ns[hi]$/.test(e.name)
        ? [readFileSync(join(dir, e.name), 'utf8')]
        : [],
  );

describe('installing or uninstalling while the app runs', () => {
  it('silent, not an update, app running: quits with 1618 before anything is closed', () => {
    const text = readFileSync(include, 'utf8');
    expect(text).toMatch(/^!define APP_RUNNING_EXIT_CODE 1618$/m);
    expect(macro(text, 'customCheckAppRunning')).toEqual([
      '!insertmacro IS_POWERSHELL_AVAILABLE',
      '${if} ${Silent}',
      '${andIfNot} ${isUpdated}',
      '!insertmacro FIND_PROCESS "${APP_EXECUTABLE_FILENAME}" $R0',
      '${if} $R0 == 0',
      'DetailPrint `${PRODUCT_NAME} is running: nothing changed (exit code ${APP_RUNNING_EXIT_CODE}).`',
      'SetErrorLevel ${APP_RUNNING_EXIT_CODE}',
      'Quit',
      '${endIf}',
      '${endIf}',
      // An update (the app quits itself) or someone at the screen: electron-builder's check.
      '!insertmacro _CHECK_APP_RUNNING',
    ]);
  });

  it('1618 means only this: no electron-builder template sets it', () => {
    const codes = scripts(templates).flatMap((t) =>
      [...t.matchAll(/SetErrorLevel\s+(\S+)/g)].map((m) => m[1]),
    );
    expect(codes.length).toBeGreaterThan(0);
    expect(codes).not.toContain('1618');
    // IT reads what it means in the deployment guide.
    expect(readFileSync(join(root, 'docs/it-admin.md'), 'utf8')).toMatch(/1618/);
  });

  it.skipIf(missingSystem('makensis') !== null)(
    'electron-builder’s CHECK_APP_RUNNING runs it, in the installer and the uninstaller',
    () => {
      for (const pass of compileInclude(include)) expect(pass.status, pass.output).toBe(0);
      const [installer, uninstaller] = compileInclude(include, true).map((p) => p.output);
      // The install section, and the uninstaller's un.checkAppRunning, as makensis expands them.
      const section = installer!.slice(installer!.indexOf('\nSection\n'));
      const check = uninstaller!.slice(uninstaller!.indexOf('Function un.checkAppRunning'));
      for (const body of [section, check]) {
        const exit = body.indexOf('SetErrorLevel 1618');
        const kill = Math.min(
          ...['Stop-Process', 'taskkill'].map((k) => body.indexOf(k)).filter((i) => i >= 0),
        );
        expect(exit).toBeGreaterThan(0);
        // The silent exit comes before electron-builder's closing of the app.
        expect(exit).toBeLessThan(kill);
        expect(body.slice(0, exit)).toMatch(/IfSilent/);
      }
    },
  );
});
