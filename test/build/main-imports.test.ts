/**
 * The built main process loads only what an installed app has: Node's own modules, Electron,
 * and the runtime `dependencies` electron-builder packs (never a devDependency, never a path a
 * bundler could not resolve). The embedded demo platform, which a new user's first start runs,
 * is a lazily loaded chunk: a broken import there is found only when it loads.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const OUT = join(root, 'out/main');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

function scripts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? scripts(join(dir, entry.name))
      : entry.name.endsWith('.js') || entry.name.endsWith('.mjs')
        ? [join(dir, entry.name)]
        : [],
  );
}

const packageOf = (spec: string) =>
  spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;

describe('the built main process', () => {
  it('imports only Node, Electron and the runtime dependencies', () => {
    const wrong: string[] = [];
    for (const path of scripts(OUT)) {
      const code = readFileSync(path, 'utf8');
      for (const match of code.matchAll(
        /^\s*(?:import|export)\b[^;"]*?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)|\brequire\(\s*["']([^"']+)["']\s*\)/gm,
      )) {
        const spec = match[1] ?? match[2] ?? match[3]!;
        if (spec.startsWith('.') || isBuiltin(spec) || spec === 'electron') continue;
        if (!Object.hasOwn(pkg.dependencies, packageOf(spec)))
          wrong.push(`${path.slice(OUT.length + 1)}: ${spec}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the demo platform’s chunk loads in Node, as Electron’s main process would load it', () => {
    const chunks = readdirSync(join(OUT, 'chunks')).filter((name) =>
      /^(demo|edge)-platform-.*\.js$/.test(name),
    );
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) {
      const url = pathToFileURL(join(OUT, 'chunks', chunk)).href;
      const run = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          // Every import is found before any is linked: a missing package fails here first.
          // Electron's named exports are not there outside Electron; that error is expected.
          `import(${JSON.stringify(url)}).then(() => process.exit(0), (e) => { console.error(String(e)); process.exit(e.code === 'ERR_MODULE_NOT_FOUND' ? 3 : 0); });`,
        ],
        { encoding: 'utf8', timeout: 20_000 },
      );
      expect(run.stderr, chunk).not.toMatch(/Cannot find (package|module)/);
      expect(run.status, `${chunk}: ${run.stderr}`).toBe(0);
    }
  });
});
