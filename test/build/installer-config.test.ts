/**
 * The installers cannot be built here (no Electron binary can be downloaded), so their
 * configuration is checked instead: electron-builder loads and validates it with its own code,
 * every file it names exists and has the right format, the macOS entitlements and microphone
 * string are there, the artefact names come out right, and the gateway's dependencies stay out.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DebugLogger } from 'builder-util';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { FileMatcher } from 'app-builder-lib/out/fileMatcher';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Configuration } from 'app-builder-lib';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  scripts: Record<string, string>;
};
let config: Configuration;

beforeAll(async () => {
  config = await getConfig(root, null, null);
});

const file = (path: string) => join(root, path);
/** The `files` patterns (electron-builder normalises them into `{ filter }` sets). */
const filePatterns = (): string[] =>
  (config.files as Array<string | { filter?: string[] }>).flatMap((f) =>
    typeof f === 'string' ? [f] : (f.filter ?? []),
  );
const pngSize = (bytes: Buffer) => [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
const isPng = (bytes: Buffer) =>
  bytes.subarray(0, 8).equals(Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'));

describe('electron-builder configuration', () => {
  it('loads and passes electron-builder’s own schema', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    expect(config.appId).toBe('com.oneyun.agent-desktop');
    // The same id groups the taskbar and notifications on Windows.
    expect(readFileSync(file('src/main/shell/index.ts'), 'utf8')).toContain(
      `setAppUserModelId('${config.appId}')`,
    );
    expect(pkg.scripts.dist).toBe('electron-vite build && electron-builder');
  });

  it('targets: NSIS (with a per-machine choice), dmg and zip, AppImage and deb', () => {
    const targets = (t: unknown) => (t as Array<{ target: string }>).map((x) => x.target);
    expect(targets(config.win!.target)).toEqual(['nsis']);
    // electron-updater's MacUpdater installs only from the zip (ERR_UPDATER_ZIP_FILE_NOT_FOUND).
    expect(targets(config.mac!.target)).toEqual(['dmg', 'zip']);
    for (const target of config.mac!.target as Array<{ arch: string[] }>)
      expect(target.arch).toEqual(['x64', 'arm64']);
    expect(targets(config.linux!.target)).toEqual(['AppImage', 'deb']);
    // An assisted installer offering "for all users" (elevated) as well as "only for me".
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false, allowElevation: true });
  });

  it('every file it names exists', () => {
    const named = [
      config.win!.icon,
      config.nsis!.installerIcon,
      config.nsis!.uninstallerIcon,
      config.mac!.icon,
      config.mac!.entitlements,
      config.mac!.entitlementsInherit,
      config.linux!.icon,
      'resources/icon.png',
    ] as string[];
    for (const path of named) expect(existsSync(file(path)), path).toBe(true);
    expect(statSync(file(config.linux!.icon as string)).isDirectory()).toBe(true);
  });

  it('icons in every size and format: .ico to 256, .icns to 1024, a Linux PNG set, a 1024 PNG', () => {
    const ico = readFileSync(file(config.win!.icon as string));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const count = ico.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, i) => ico[6 + i * 16] || 256);
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256]);
    for (let i = 0; i < count; i++) {
      const [length, offset] = [
        ico.readUInt32LE(6 + i * 16 + 8),
        ico.readUInt32LE(6 + i * 16 + 12),
      ];
      const png = ico.subarray(offset, offset + length);
      expect(isPng(png)).toBe(true);
      expect(pngSize(png)).toEqual([sizes[i], sizes[i]]);
    }

    const icns = readFileSync(file(config.mac!.icon as string));
    expect(icns.subarray(0, 4).toString('ascii')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const types = new Map<string, number>();
    for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4)) {
      const png = icns.subarray(at + 8, at + icns.readUInt32BE(at + 4));
      types.set(icns.subarray(at, at + 4).toString('ascii'), pngSize(png)[0]!);
    }
    expect(Object.fromEntries(types)).toMatchObject({
      ic07: 128,
      ic08: 256,
      ic09: 512,
      ic10: 1024,
    });

    for (const size of [16, 32, 48, 64, 128, 256, 512]) {
      const png = readFileSync(file(`${config.linux!.icon as string}/${size}x${size}.png`));
      expect(pngSize(png)).toEqual([size, size]);
    }
    expect(pngSize(readFileSync(file('build/icon.png')))).toEqual([1024, 1024]);
  });

  it('macOS: hardened runtime, the microphone entitlement and its usage string (zh-CN and en)', () => {
    expect(config.mac).toMatchObject({ hardenedRuntime: true, notarize: true });
    const plist = readFileSync(file(config.mac!.entitlements as string), 'utf8');
    for (const key of [
      'com.apple.security.device.audio-input',
      'com.apple.security.cs.allow-jit',
      'com.apple.security.network.client',
    ]) {
      expect(plist).toMatch(new RegExp(`<key>${key.replace(/\./g, '\\.')}</key>\\s*<true/>`));
    }
    const usage = (config.mac!.extendInfo as Record<string, string>).NSMicrophoneUsageDescription;
    expect(usage).toMatch(/麦克风/);
    expect(usage).toMatch(/microphone/);
  });

  it('artefact names', () => {
    const name = (template: string, arch: string, ext: string) =>
      template
        .replace('${name}', pkg.name)
        .replace('${version}', pkg.version)
        .replace('${arch}', arch)
        .replace('${ext}', ext);
    expect(name(config.nsis!.artifactName!, 'x64', 'exe')).toBe(
      `agent-desktop-${pkg.version}-setup-x64.exe`,
    );
    expect(name(config.dmg!.artifactName!, 'arm64', 'dmg')).toBe(
      `agent-desktop-${pkg.version}-arm64.dmg`,
    );
    expect(name(config.mac!.artifactName!, 'arm64', 'zip')).toBe(
      `agent-desktop-${pkg.version}-arm64.zip`,
    );
    expect(name(config.appImage!.artifactName!, 'x86_64', 'AppImage')).toBe(
      `agent-desktop-${pkg.version}-x86_64.AppImage`,
    );
    expect(name(config.deb!.artifactName!, 'amd64', 'deb')).toBe(
      `agent-desktop_${pkg.version}_amd64.deb`,
    );
    // electron-updater's feed is written next to them (the URL itself is set by the admin).
    expect(config.publish).toMatchObject({ provider: 'generic' });
  });
});

describe('what the packaged app holds', () => {
  it('the built app and its runtime resources, never the sources, the emulator or source maps', () => {
    const files = filePatterns();
    expect(files).toEqual(expect.arrayContaining(['!out/**/*.map', 'resources/tray/**']));
    expect(files.some((f) => f.startsWith('src') || f.includes('emulator'))).toBe(false);
    // The demo platform is only ever a lazy chunk, loaded when the app is not packaged.
    const shell = readFileSync(file('src/main/shell/index.ts'), 'utf8');
    expect(shell).not.toMatch(/^import .*emulator/m);
    expect(shell).toMatch(/app\.isPackaged \? \{\} : \{ startEmbedded/);
  });

  it('of out/, only the app’s three builds ship: not the benchmarks (out/bench), not source maps', () => {
    // electron-builder's own matcher, with the patterns it reads from electron-builder.yml.
    const ships = new FileMatcher(root, '', (s: string) => s, filePatterns()).createFilter();
    const shipped = (path: string, directory = false) =>
      ships(join(root, path), { isDirectory: () => directory } as never);
    for (const path of [
      'out/main/index.js',
      'out/main/chunks/session-abc123.js',
      'out/preload/index.cjs',
      'out/renderer/index.html',
      'out/renderer/assets/index-abc123.js',
      'package.json',
    ])
      expect(shipped(path), path).toBe(true);
    for (const path of [
      'out/bench/idle-core.mjs',
      'out/main/index.js.map',
      'out/renderer/assets/index-abc123.js.map',
      'out/something-new.js',
    ])
      expect(shipped(path), path).toBe(false);
    // And whatever a build has left in out/ here.
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
      );
    const out = file('out');
    const left = existsSync(out) ? walk(out).map((p) => relative(root, p)) : [];
    for (const path of left.filter((p) => shipped(p)))
      expect(path).toMatch(/^out\/(main|preload|renderer)\/(?!.*\.map$)/);
  });

  it('leaves out exactly the gateway’s dependencies and rebuilds no native module', () => {
    expect(config).toMatchObject({ npmRebuild: false, buildDependenciesFromSource: false });
    const excluded = filePatterns()
      .filter((f) => f.startsWith('!node_modules/'))
      .map((f) => f.slice('!node_modules/'.length).replace('{,/**}', ''));
    const gateway = ['better-sqlite3', 'pg'];
    const desktop = Object.keys(pkg.dependencies).filter((d) => !gateway.includes(d));
    const keep = closure(desktop);
    const only = [...closure(gateway)].filter((name) => !keep.has(name));
    expect(excluded.sort()).toEqual(only.sort());
  });
});

/** Top-level package names reachable from `roots` in package-lock.json (nested copies folded). */
function closure(roots: string[]): Set<string> {
  const lock = JSON.parse(readFileSync(file('package-lock.json'), 'utf8')) as {
    packages: Record<
      string,
      { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }
    >;
  };
  const resolve = (from: string, name: string): string | null => {
    let base = from;
    for (;;) {
      const path = `${base ? `${base}/` : ''}node_modules/${name}`;
      if (lock.packages[path]) return path;
      if (!base) return null;
      const i = base.lastIndexOf('/node_modules/');
      base = i < 0 ? '' : base.slice(0, i);
    }
  };
  const seen = new Set<string>();
  const stack = roots.map((r) => resolve('', r));
  while (stack.length) {
    const path = stack.pop();
    if (!path || seen.has(path)) continue;
    seen.add(path);
    const entry = lock.packages[path]!;
    for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies }))
      stack.push(resolve(path, dep));
  }
  // Only top-level folders matter: a nested copy goes with its parent.
  return new Set(
    [...seen].map((p) => p.replace(/^node_modules\//, '').split('/node_modules/')[0]!),
  );
}
