/**
 * A damaged history journal that cannot be renamed aside (Windows: a file another program holds
 * open, EBUSY): its unreadable lines must still be kept — copied aside, or, when even that fails,
 * the file is left as it is and never rewritten over them. The History tab says where they are.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as Fs from 'node:fs';

const failing = { rename: 0, copy: 0 };
const busy = () => Object.assign(new Error('EBUSY: resource busy or locked'), { code: 'EBUSY' });
vi.mock('node:fs', async (original) => {
  const fs = await original<typeof Fs>();
  return {
    ...fs,
    renameSync: (from: string, to: string) => {
      if (failing.rename > 0 && failing.rename--) throw busy();
      return fs.renameSync(from, to);
    },
    copyFileSync: (from: string, to: string) => {
      if (failing.copy > 0 && failing.copy--) throw busy();
      return fs.copyFileSync(from, to);
    },
  };
});
const { HistoryStore } = await import('../../../../src/main/core/history/store');
const { silentLogger } = await import('../../../../src/lib/ports');

const NOW = Date.UTC(2026, 10, 27, 10);
const GOOD = JSON.stringify({
  k: 'call',
  id: 'a',
  at: NOW - 1000,
  number: '139',
  direction: 'in',
  outcome: 'answered',
  why: null,
  ringMs: 1,
  talkMs: 1,
  reserveState: null,
  agent: 'x',
});
const CUT = `{"k":"call","id":"b","at":${NOW - 500},"number":"13800000009","direction":"in","outc`;

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'journal-aside-'));
  file = join(dir, 'history.jsonl');
  writeFileSync(file, `${GOOD}\n${CUT}\n`);
});
afterEach(() => {
  failing.rename = failing.copy = 0;
  rmSync(dir, { recursive: true, force: true });
});

const open = () =>
  new HistoryStore({ file, logger: silentLogger, now: () => NOW, retentionDays: () => 90 });
const everything = () =>
  readdirSync(dir)
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('\n');

describe('a damaged journal that cannot be moved aside', () => {
  it('is copied aside; the readable records go on', () => {
    failing.rename = 1;
    const store = open();
    const page = store.page({ pageNo: 1, pageSize: 10 });
    store.close();
    expect(page.rows.map((r) => r.id)).toEqual(['a']);
    expect(page.damage).toMatchObject({ lost: 1 });
    expect(page.damage!.keptAs).not.toBe(file);
    expect(readFileSync(page.damage!.keptAs, 'utf8')).toContain('13800000009');
  });

  it('nor copied: left as it is, never rewritten over the damaged lines', () => {
    failing.rename = 1;
    failing.copy = 1;
    const store = open();
    const page = store.page({ pageNo: 1, pageSize: 10 });
    store.compact();
    store.close();
    expect(page.damage).toEqual({ lost: 1, keptAs: file });
    expect(everything()).toContain('13800000009');
  });
});
