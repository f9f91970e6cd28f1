/**
 * No folder-level import loops between layers: over the real import graph of src/ (static, type
 * and dynamic imports alike), no two layer folders import each other, directly or round a cycle.
 * The layer table itself is a hierarchy too. (Loops between subfolders inside one layer, such as
 * src/emulator ↔ src/emulator/calls, are that layer's own business and not checked here.)
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALLOWED, LAYERS } from '../../eslint.layers.js';

const ROOT = process.cwd();

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    return statSync(full).isDirectory() ? files(full) : /\.(ts|vue)$/.test(entry) ? [full] : [];
  });
}

function resolveImport(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.vue`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** The layer folder a folder belongs to, or the folder itself when it is in none. */
function layerOf(folder: string): string {
  return Object.values(LAYERS).find((l) => folder === l || folder.startsWith(`${l}/`)) ?? folder;
}

/** Folder → folders it imports from (relative to the repo), or the same between layers. */
function folderGraph(byLayer = false): Map<string, Set<string>> {
  const at = (folder: string) => (byLayer ? layerOf(folder) : folder);
  const graph = new Map<string, Set<string>>();
  const pattern = /(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g;
  for (const file of files(join(ROOT, 'src'))) {
    const from = at(relative(ROOT, dirname(file)));
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const match of readFileSync(file, 'utf8').matchAll(pattern)) {
      const target = resolveImport(file, match[1]!);
      if (target) {
        const to = at(relative(ROOT, dirname(target)));
        if (to !== from) edges.add(to);
      }
    }
  }
  return graph;
}

/** Strongly connected components with more than one node (Tarjan). */
function loops(graph: Map<string, Iterable<string>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indices.get(next)!));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return found;
}

describe('the import graph of src/', () => {
  it('has no import loops between layer folders', () => {
    const graph = folderGraph(true);
    expect(graph.size).toBeGreaterThanOrEqual(9);
    expect(loops(graph)).toEqual([]);
  });

  it('finds a loop when there is one (the check itself works)', () => {
    const graph = new Map([
      ['src/a', ['src/b']],
      ['src/b', ['src/c']],
      ['src/c', ['src/a']],
      ['src/d', ['src/a']],
    ]);
    expect(loops(graph)).toEqual([['src/a', 'src/b', 'src/c']]);
  });

  it('puts every folder of src/ in exactly one layer', () => {
    const orphans = [...folderGraph().keys()].filter(
      (folder) =>
        Object.values(LAYERS).filter((l) => folder === l || folder.startsWith(`${l}/`)).length !==
        1,
    );
    expect(orphans).toEqual([]);
  });

  it('has a layer table without loops', () => {
    expect(loops(new Map(Object.entries(ALLOWED)))).toEqual([]);
  });
});
