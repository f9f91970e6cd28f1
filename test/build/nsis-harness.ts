/**
 * Compiles build/installer.nsh the way electron-builder places it (no Windows, no installer
 * build here): after the flag macros, before electron-builder's allowOnlyOneInstallerInstance.nsh
 * (taken from app-builder-lib's templates), with CHECK_APP_RUNNING in the install section and in
 * the uninstaller's un.checkAppRunning, and customUnInstall in the uninstall section. Two passes,
 * as electron-builder runs makensis: the installer, then the uninstaller (BUILD_UNINSTALLER).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const templates = join(
  dirname(createRequire(import.meta.url).resolve('app-builder-lib/package.json')),
  'templates/nsis/include',
);

/** The script for one pass; `include` is the custom include's absolute path. */
export function nsisScript(include: string, outDir: string, uninstaller: boolean): string {
  return [
    'Unicode true',
    ...(uninstaller ? ['!define BUILD_UNINSTALLER'] : []),
    `!addincludedir "${templates}"`,
    '!include LogicLib.nsh',
    // electron-builder defines these from the command line (nsisScriptGenerator.flags); a
    // register stands in for its StdUtils plugin call.
    '!macro _isUpdated _a _b _t _f',
    '  StrCmp "$R9" "true" `${_t}` `${_f}`',
    '!macroend',
    '!define isUpdated `"" isUpdated ""`',
    '!define APP_EXECUTABLE_FILENAME "ONEYUN Agent Desktop.exe"',
    '!define PRODUCT_NAME "ONEYUN Agent Desktop"',
    'LangString appRunning 1033 "${PRODUCT_NAME} is running."',
    'LangString appClosing 1033 "Closing ${PRODUCT_NAME}."',
    'LangString appCannotBeClosed 1033 "${PRODUCT_NAME} cannot be closed."',
    `!include "${include}"`,
    '!include "allowOnlyOneInstallerInstance.nsh"',
    'Name "include check"',
    `OutFile "${join(outDir, uninstaller ? 'check-uninstaller.exe' : 'check-installer.exe')}"`,
    'RequestExecutionLevel user',
    'Section',
    ...(uninstaller ? [] : ['  !insertmacro CHECK_APP_RUNNING']),
    '  WriteUninstaller "$TEMP\\uninstall.exe"',
    'SectionEnd',
    ...(uninstaller
      ? [
          'Function un.checkAppRunning',
          '  !insertmacro CHECK_APP_RUNNING',
          'FunctionEnd',
          'Function un.onInit',
          '  ${If} ${Silent}',
          '    Call un.checkAppRunning',
          '  ${EndIf}',
          'FunctionEnd',
        ]
      : []),
    'Section "un.Uninstall"',
    '  !insertmacro customUnInstall',
    'SectionEnd',
    '',
  ].join('\n');
}

/**
 * Runs makensis (warnings as errors) on both passes, installer first; returns each pass's status
 * and output. `preprocess`: only the preprocessor (-PPO), whose output is the expanded script.
 */
export function compileInclude(
  include: string,
  preprocess = false,
): Array<{ status: number | null; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'nsis-include-'));
  try {
    return [false, true].map((uninstaller) => {
      const path = join(dir, uninstaller ? 'uninstaller.nsi' : 'installer.nsi');
      writeFileSync(path, nsisScript(include, dir, uninstaller));
      const flags = preprocess ? ['-PPO'] : ['-V2', '-WX'];
      const result = spawnSync('makensis', [...flags, path], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      return { status: result.status, output: `${result.stdout}${result.stderr}` };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
