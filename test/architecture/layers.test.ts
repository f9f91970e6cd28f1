/**
 * The layer table (eslint.layers.js) bites: probe files that break each rule are written into
 * the layers' own folders and ESLint, through its Node API and the project's config, rejects
 * every one; probes that keep the rules pass; the real tree passes. The probes are removed after.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Layer } from '../../eslint.layers.js';
import {
  ALLOWED,
  ELECTRON,
  EXCEPTIONS,
  LAYERS,
  NO_NODE,
  ONLY_PACKAGES,
} from '../../eslint.layers.js';

const ROOT = process.cwd();
const NAMES = Object.keys(LAYERS) as Layer[];
const PROBE = `__arch-probe-${process.pid}`;
const created: string[] = [];

interface Probe {
  name: string;
  layer: Layer;
  source: string;
  ext?: 'ts' | 'vue';
  rejected: boolean;
}

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const full = join(dir, entry);
      return statSync(full).isDirectory() ? files(full) : [full];
    });
}

/** A real .ts file of the layer to import (a probe one where the layer has none yet). */
function target(layer: Layer): string {
  const real = files(join(ROOT, LAYERS[layer])).find(
    (f) => f.endsWith('.ts') && !f.includes('__arch-probe') && !f.endsWith('.d.ts'),
  );
  if (real) return real;
  const dir = join(ROOT, LAYERS[layer], PROBE);
  if (!existsSync(join(ROOT, LAYERS[layer]))) created.push(join(ROOT, LAYERS[layer]));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'target.ts'), 'export const target = 1;\n');
  return join(dir, 'target.ts');
}

const spec = (from: string, to: string) =>
  './' + relative(from, to).replace(/\\/g, '/').replace(/\.ts$/, '');

function probes(): Probe[] {
  const list: Probe[] = [];
  const at = (layer: Layer) => join(ROOT, LAYERS[layer], PROBE);
  for (const from of NAMES) {
    for (const to of NAMES.filter((t) => t !== from)) {
      const allowed = ALLOWED[from].includes(to);
      list.push({
        name: `${from} → ${to}`,
        layer: from,
        source: `import * as m from '${spec(at(from), target(to))}';\nexport { m };\n`,
        rejected: !allowed,
      });
    }
    list.push({
      name: `${from} → electron`,
      layer: from,
      source: `import { app } from 'electron';\nexport { app };\n`,
      rejected: !ELECTRON.includes(from),
    });
    for (const builtin of ['node:fs', 'fs']) {
      list.push({
        name: `${from} → ${builtin}`,
        layer: from,
        source: `import * as fs from '${builtin}';\nexport { fs };\n`,
        rejected: NO_NODE.includes(from),
      });
    }
    list.push({
      name: `${from} → a file outside every layer`,
      layer: from,
      source: `import * as m from '${spec(at(from), join(ROOT, 'test/support/system.ts'))}';\nexport { m };\n`,
      rejected: true,
    });
  }
  for (const [layer, packages] of Object.entries(ONLY_PACKAGES) as [Layer, readonly string[]][]) {
    list.push({
      name: `${layer} → ws`,
      layer,
      source: `import { WebSocket } from 'ws';\nexport { WebSocket };\n`,
      rejected: true,
    });
    for (const pkg of packages) {
      list.push({
        name: `${layer} → ${pkg}`,
        layer,
        source: `import * as p from '${pkg}';\nexport { p };\n`,
        rejected: false,
      });
    }
  }
  for (const e of EXCEPTIONS) {
    const from = at(e.from);
    const file = join(ROOT, e.file);
    const other = target(e.to);
    list.push(
      {
        name: `${e.from} → ${e.file} by dynamic import (the exception)`,
        layer: e.from,
        source: `export const load = () => import('${spec(from, file)}');\n`,
        rejected: false,
      },
      {
        name: `${e.from} → ${e.file} by static import`,
        layer: e.from,
        source: `import * as m from '${spec(from, file)}';\nexport { m };\n`,
        rejected: true,
      },
      {
        name: `${e.from} → ${relative(ROOT, other)} by dynamic import`,
        layer: e.from,
        source: `export const load = () => import('${spec(from, other)}');\n`,
        rejected: other !== file,
      },
    );
  }
  // Dynamic imports are imports: the core may not lazily load the emulator either.
  list.push({
    name: 'main/core → emulator by dynamic import',
    layer: 'main/core',
    source: `export const load = () => import('${spec(at('main/core'), target('emulator'))}');\n`,
    rejected: true,
  });
  list.push({
    name: 'renderer .vue → main/core',
    layer: 'renderer',
    ext: 'vue',
    source:
      `<script setup lang="ts">\nimport * as m from '${spec(at('renderer'), target('main/core'))}';\n` +
      `console.log(m);\n</script>\n<template><div /></template>\n`,
    rejected: true,
  });
  return list;
}

let eslint: ESLint;
let cases: (Probe & { file: string })[] = [];

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
  cases = probes().map((probe, i) => {
    const file = join(ROOT, LAYERS[probe.layer], PROBE, `probe-${i}.${probe.ext ?? 'ts'}`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, probe.source);
    return { ...probe, file };
  });
});

afterAll(() => {
  for (const layer of NAMES)
    rmSync(join(ROOT, LAYERS[layer], PROBE), { recursive: true, force: true });
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

describe('the layer table, enforced by ESLint', () => {
  // One pass over src/ lints the real tree and the probes together.
  let results: ESLint.LintResult[] = [];
  beforeAll(async () => {
    results = await eslint.lintFiles(['src/**/*.ts', 'src/**/*.vue']);
  }, 180_000);

  it('rejects every probe that breaks a rule and passes every probe that keeps them', () => {
    const verdicts = cases.map((c) => {
      const result = results.find((r) => r.filePath === c.file);
      const errors = (result?.messages ?? []).filter(
        (m) => m.ruleId === 'boundaries/dependencies' || m.fatal,
      );
      return { name: c.name, linted: !!result, fatal: errors.some((m) => m.fatal), errors };
    });
    expect(verdicts.filter((v) => !v.linted || v.fatal).map((v) => v.name)).toEqual([]);
    expect(verdicts.map((v) => `${v.name}: ${v.errors.length ? 'rejected' : 'passes'}`)).toEqual(
      cases.map((c) => `${c.name}: ${c.rejected ? 'rejected' : 'passes'}`),
    );
    expect(cases.filter((c) => c.rejected).length).toBeGreaterThan(60);
  });

  it('passes the real tree', () => {
    const real = results.filter((r) => !r.filePath.includes('__arch-probe'));
    expect(real.length).toBeGreaterThan(100);
    const broken = real.flatMap((r) =>
      r.messages
        .filter((m) => m.ruleId === 'boundaries/dependencies')
        .map((m) => `${relative(ROOT, r.filePath)}:${m.line} ${m.message}`),
    );
    expect(broken).toEqual([]);
  });
});
