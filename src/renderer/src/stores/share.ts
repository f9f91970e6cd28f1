/**
 * Structural sharing for pushed snapshots: every push arrives as new JSON, so without this each
 * one would look like a change to everything that reads the snapshot, and the whole window would
 * re-render for a keepalive tick. `share(prev, next)` returns `next` with every sub-tree that is
 * deep-equal to `prev`'s reused from `prev` — and `prev` itself when nothing changed — so Vue's
 * computeds see the same references and only what really changed re-renders.
 */
import { computed } from 'vue';
import type { ComputedRef } from 'vue';

export function share<T>(prev: T, next: T): T {
  if (Object.is(prev, next)) return prev;
  if (typeof prev !== 'object' || typeof next !== 'object' || prev === null || next === null) {
    return next;
  }
  if (Array.isArray(prev) !== Array.isArray(next)) return next;
  if (Array.isArray(prev)) {
    const a = prev as unknown[];
    const b = next as unknown as unknown[];
    // Lists of things with an id (missed offers, skills) are matched by id, so a new item at
    // the front leaves the others untouched.
    const byId = new Map<unknown, unknown>();
    for (const item of a) if (hasId(item)) byId.set(item.id, item);
    const out = b.map((item, i) =>
      hasId(item) && byId.has(item.id)
        ? share(byId.get(item.id), item)
        : i < a.length
          ? share(a[i], item)
          : item,
    );
    return (out.length === a.length && out.every((item, i) => item === a[i])
      ? prev
      : out) as unknown as T;
  }
  const a = prev as Record<string, unknown>;
  const b = next as Record<string, unknown>;
  const keys = Object.keys(b);
  let same = keys.length === Object.keys(a).length;
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = key in a ? share(a[key], b[key]) : b[key];
    out[key] = value;
    if (value !== a[key]) same = false;
  }
  return (same ? prev : out) as T;
}

/**
 * A computed that keeps handing out its last value while the new one is deep-equal to it (and
 * the unchanged parts of it otherwise), so what reads it re-renders only for a real change.
 */
export function sharedComputed<T extends object>(get: () => T | null): ComputedRef<T | null> {
  return computed((last: T | null | undefined) => {
    const next = get();
    return last && next ? share(last, next) : next;
  });
}

function hasId(value: unknown): value is { id: unknown } {
  return typeof value === 'object' && value !== null && 'id' in value;
}
