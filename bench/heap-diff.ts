/**
 * `npx tsx bench/heap-diff.ts A.heapsnapshot B.heapsnapshot [N]`: what grew between two heap
 * snapshots (the soak phase writes them), by node type and name (constructor for objects, the
 * function's name for closures, one row for all strings): count and self size in each, the
 * N (30) rows whose count grew most. A leak of one object per call shows as a row that grew by
 * the calls in between. A line of totals by node type comes first (`code` is compiled code).
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Count and self size of each (type, name) in a snapshot. */
export function census(file: string): Map<string, { count: number; size: number }> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const [type, name, size] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const out = new Map<string, { count: number; size: number }>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const t = types[snap.nodes[i + type!]!]!;
    const label =
      t === 'string' || t === 'concatenated string' || t === 'sliced string'
        ? `${t}`
        : `${t} ${snap.strings[snap.nodes[i + name!]!]!.slice(0, 80)}`;
    const row = out.get(label) ?? { count: 0, size: 0 };
    row.count++;
    row.size += snap.nodes[i + size!]!;
    out.set(label, row);
  }
  return out;
}

if (process.argv[1]?.endsWith('heap-diff.ts')) {
  const [a, b, n = '30'] = process.argv.slice(2);
  if (!a || !b) throw new Error('usage: heap-diff A.heapsnapshot B.heapsnapshot [N]');
  const before = census(a);
  const after = census(b);
  const rows = [...new Set([...before.keys(), ...after.keys()])].map((key) => {
    const x = before.get(key) ?? { count: 0, size: 0 };
    const y = after.get(key) ?? { count: 0, size: 0 };
    return { key, count: y.count - x.count, bytes: y.size - x.size, now: y.count };
  });
  rows.sort((p, q) => q.count - p.count || q.bytes - p.bytes);
  const total = rows.reduce((t, r) => t + r.bytes, 0);
  console.log(`self size ${total >= 0 ? '+' : ''}${total} bytes`);
  // By node type: compiled code (which grows until the JIT has seen every path) apart.
  const byType = new Map<string, number>();
  for (const r of rows) {
    const t = r.key.split(' ')[0]!;
    byType.set(t, (byType.get(t) ?? 0) + r.bytes);
  }
  console.log([...byType].map(([t, b]) => `${t} ${b >= 0 ? '+' : ''}${b}`).join(', '));
  for (const r of rows.slice(0, Number(n)))
    console.log(
      `${String(r.count).padStart(7)} ${String(r.bytes).padStart(9)} B  (${r.now})  ${r.key}`,
    );
}
