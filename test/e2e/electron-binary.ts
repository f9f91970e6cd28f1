/**
 * Where the npm `electron` package keeps its downloaded binary, looked up without running the
 * package: since Electron 45 its main export downloads the binary (~100 MB) when it is missing,
 * and a test run must never start a download.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Electron executable in this package folder, or null when it was never downloaded. */
export function installedElectron(
  packageDir: string,
  env: NodeJS.ProcessEnv = process.env,
): string | null {
  // The same files the package's index.js reads: path.txt names the executable in dist/.
  let relative: string | null = null;
  try {
    relative = readFileSync(join(packageDir, 'path.txt'), 'utf8').trim() || null;
  } catch {
    // Not downloaded (or only partly).
  }
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const path = override
    ? join(override, relative ?? 'electron')
    : relative && join(packageDir, 'dist', relative);
  return path && existsSync(path) ? path : null;
}
