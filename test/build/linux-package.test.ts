/**
 * The Linux packages, as electron-builder would write them (no package can be built here): the
 * launcher's StartupWMClass names the class Electron gives the window, so docks show one icon for
 * the running app; the deb pulls in what Electron needs to start on a minimal image.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getConfig } from 'app-builder-lib/out/util/config/config';
import { LinuxTargetHelper } from 'app-builder-lib/out/targets/LinuxTargetHelper';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Configuration } from 'app-builder-lib';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  productName?: string;
  desktopName?: string;
};
let config: Configuration;

beforeAll(async () => {
  config = await getConfig(root, null, null);
});

describe('Linux launcher and deb', () => {
  it('the launcher’s StartupWMClass is the window class Electron uses (one dock icon)', async () => {
    const helper = new LinuxTargetHelper({
      appInfo: { productName: config.productName, sanitizedProductName: config.productName },
      executableName: pkg.name,
      info: { metadata: pkg },
      platformSpecificBuildOptions: config.linux,
      fileAssociations: [],
      config,
    } as never);
    const entry: string = await helper.computeDesktopEntry(config.linux as never, 'AppRun %U', {});
    const wmClass = /^StartupWMClass=(.*)$/m.exec(entry)![1];
    // Electron's app.name (the X11 WM_CLASS) is package.json's desktopName, productName or name.
    expect(wmClass).toBe(pkg.desktopName?.replace(/\.desktop$/, '') ?? pkg.productName ?? pkg.name);
    // The launcher still shows the product's name.
    expect(entry).toMatch(/^Name=ONEYUN Agent Desktop$/m);
    // A productName in package.json would move userData: agents would lose settings and history.
    expect(pkg.productName).toBeUndefined();
  });

  it('the deb depends on ALSA, GBM and DRM, which Electron needs to start', () => {
    const depends = config.deb!.depends as string[];
    expect(depends).toEqual(
      expect.arrayContaining(['libasound2 | libasound2t64', 'libgbm1', 'libdrm2', 'libnss3']),
    );
  });
});
