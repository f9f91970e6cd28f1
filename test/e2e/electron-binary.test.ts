/**
 * The Electron end-to-end test's look-up of the binary: it finds a downloaded binary, and it
 * never runs the electron package (whose main export starts a ~100 MB download when the
 * binary is missing) — a test run on a machine without the binary only skips.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installedElectron } from './electron-binary';

let dir: string;
let marker: string;

beforeEach(() => {
  // A stand-in for node_modules/electron whose main export, like the real one's, "downloads"
  // when it is run: here it only leaves a marker file.
  dir = mkdtempSync(join(tmpdir(), 'electron-pkg-'));
  marker = join(dir, 'download-started');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'electron', main: 'index.js' }));
  writeFileSync(
    join(dir, 'index.js'),
    `require('fs').writeFileSync(${JSON.stringify(marker)}, '');\nmodule.exports = ${JSON.stringify(join(dir, 'dist', 'electron'))};\n`,
  );
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('looking for the Electron binary', () => {
  it('reports none, and starts no download, when the binary was never downloaded', () => {
    expect(installedElectron(dir, {})).toBeNull();
    expect(existsSync(marker)).toBe(false);
  });

  it('reports none, and starts no download, when path.txt names a binary that is gone', () => {
    writeFileSync(join(dir, 'path.txt'), 'electron');
    expect(installedElectron(dir, {})).toBeNull();
    expect(existsSync(marker)).toBe(false);
  });

  it('finds the downloaded binary that path.txt names', () => {
    writeFileSync(join(dir, 'path.txt'), 'electron');
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'electron'), '');
    expect(installedElectron(dir, {})).toBe(join(dir, 'dist', 'electron'));
    expect(existsSync(marker)).toBe(false);
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH, as the package does', () => {
    const other = join(dir, 'elsewhere');
    mkdirSync(other);
    writeFileSync(join(other, 'electron'), '');
    expect(installedElectron(dir, { ELECTRON_OVERRIDE_DIST_PATH: other })).toBe(
      join(other, 'electron'),
    );
  });
});
