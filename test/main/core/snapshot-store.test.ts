/** The snapshot store batches a command's changes into one push and never pushes no news. */
import { describe, expect, it } from 'vitest';
import { SnapshotStore, sameValue } from '../../../src/main/core/snapshot-store';
import { silentLogger } from '../../../src/lib/ports';

type S = { a: number; list: string[]; nested: { x: number } | null };
const initial: S = { a: 0, list: [], nested: null };

function store() {
  const s = new SnapshotStore<S>(initial, silentLogger);
  const pushes: S[] = [];
  s.onChange((snap) => pushes.push(snap));
  return { s, pushes };
}

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('SnapshotStore', () => {
  it('pushes a change at once outside a batch', () => {
    const { s, pushes } = store();
    s.update({ a: 1 });
    expect(pushes).toEqual([{ a: 1, list: [], nested: null }]);
  });

  it('never pushes a snapshot equal to the last one pushed, and keeps its identity', () => {
    const { s, pushes } = store();
    s.update({ a: 1, list: ['x'] });
    const pushed = s.get();
    s.update({ a: 1, list: ['x'] });
    s.update({ nested: null });
    expect(pushes).toHaveLength(1);
    expect(s.get()).toBe(pushed);
  });

  it('pushes the changes of one batch once, at its end, even across awaits', async () => {
    const { s, pushes } = store();
    await s.batch(async () => {
      s.update({ a: 1 });
      await tick();
      s.update({ list: ['x'] });
      expect(s.get()).toMatchObject({ a: 1, list: ['x'] }); // readers see the newest at once
      await tick();
      s.update({ a: 2 });
    });
    expect(pushes).toEqual([{ a: 2, list: ['x'], nested: null }]);
  });

  it('a batch that changes nothing, or changes and changes back, pushes nothing', async () => {
    const { s, pushes } = store();
    await s.batch(async () => {
      s.update({ a: 5 });
      await tick();
      s.update({ a: 0 });
    });
    await s.batch(async () => undefined);
    expect(pushes).toHaveLength(0);
  });

  it('publish pushes at once while a slow batch runs; the batch then pushes its rest', async () => {
    const { s, pushes } = store();
    let release!: () => void;
    const slow = s.batch(async () => {
      s.update({ a: 1 });
      await new Promise<void>((r) => (release = r));
      s.update({ a: 2 });
    });
    s.publish({ nested: { x: 1 } });
    expect(pushes.at(-1)).toMatchObject({ nested: { x: 1 } });
    release();
    await slow;
    expect(pushes).toHaveLength(2);
    expect(pushes.at(-1)).toMatchObject({ a: 2, nested: { x: 1 } });
  });

  it('a quick batch is not held back by a slow one that overlaps it', async () => {
    const { s, pushes } = store();
    let release!: () => void;
    const slow = s.batch(() => new Promise<void>((r) => (release = r)));
    await s.batch(async () => s.update({ a: 7 }));
    expect(pushes.at(-1)).toMatchObject({ a: 7 });
    release();
    await slow;
    expect(pushes).toHaveLength(1);
  });

  it('a failing batch still pushes what it changed, and a failing listener harms no other', async () => {
    const errors: unknown[] = [];
    const s = new SnapshotStore<S>(initial, { ...silentLogger, error: (m) => errors.push(m) });
    const seen: S[] = [];
    s.onChange(() => {
      throw new Error('listener broke');
    });
    s.onChange((snap) => seen.push(snap));
    await expect(
      s.batch(async () => {
        s.update({ a: 3 });
        throw new Error('command broke');
      }),
    ).rejects.toThrow('command broke');
    expect(seen).toHaveLength(1);
    expect(errors).toHaveLength(1);
    // The log says which listener broke and why (what IT reads in the diagnostics).
    expect(String(errors[0])).toMatch(/^snapshot listener failed: Error: listener broke/);
  });

  it('after a batch, a change outside one is pushed at once again', async () => {
    const { s, pushes } = store();
    await s.batch(async () => s.update({ a: 1 }));
    await expect(s.batch(async () => Promise.reject(new Error('no')))).rejects.toThrow();
    s.update({ a: 2 });
    expect(pushes.map((p) => p.a)).toEqual([1, 2]);
  });

  it('an unsubscribed listener hears nothing more', () => {
    const { s, pushes } = store();
    const other: S[] = [];
    const off = s.onChange((snap) => other.push(snap));
    off();
    s.update({ a: 1 });
    expect(other).toHaveLength(0);
    expect(pushes).toHaveLength(1);
  });
});

describe('sameValue', () => {
  it('compares plain data by value', () => {
    expect(sameValue({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] })).toBe(true);
    expect(sameValue({ a: [1, { b: 'x' }] }, { a: [1, { b: 'y' }] })).toBe(false);
    expect(sameValue({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameValue({ a: 1, c: 2 }, { a: 1, b: 2 })).toBe(false);
    expect(sameValue([1, 2], [1, 2, 3])).toBe(false);
    expect(sameValue([1], { 0: 1 })).toBe(false);
    expect(sameValue(null, {})).toBe(false);
    expect(sameValue({}, 1)).toBe(false);
    expect(sameValue(1, {})).toBe(false);
    expect(sameValue({ nested: {} }, { nested: 'x' })).toBe(false);
    expect(sameValue(NaN, NaN)).toBe(true);
    expect(sameValue(1, '1')).toBe(false);
  });
});
