/**
 * The history on a PC shared between shifts: each agent's Today figures (calls and time in each
 * state), their missed list and its Clear are their own, and stay so after a restart. Journals
 * written before records named the agent's states still count for whoever is signed in.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { HistoryStore } from '../../../../src/main/core/history/store';
import { silentLogger } from '../../../../src/lib/ports';
import type { HistoryCall } from '../../../../src/shared/history';

const MIDNIGHT = Date.UTC(2026, 10, 27, 0, 0, 0);
const HOUR = 3_600_000;
let dir: string;
let file: string;
let now: number;

const open = () =>
  new HistoryStore({
    file,
    logger: silentLogger,
    now: () => now,
    retentionDays: () => 90,
    startOfDay: (at) => at - ((at - MIDNIGHT) % 86_400_000),
  });

const missed = (id: string, at: number, agent: string): HistoryCall => ({
  id,
  at,
  number: `1390000${id}`,
  direction: 'in',
  outcome: 'missed',
  why: 'timeout',
  ringMs: 15_000,
  talkMs: 0,
  reserveState: null,
  agent,
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'history-agents-'));
  file = join(dir, 'history.jsonl');
  now = MIDNIGHT + 10 * HOUR;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('each agent’s figures, missed list and clear are their own, also after a restart', () => {
  const store = open();
  store.addState(MIDNIGHT + 1 * HOUR, 'idle', 'early');
  store.addCall(missed('1', MIDNIGHT + 2 * HOUR, 'early'));
  store.addCall(missed('2', MIDNIGHT + 3 * HOUR, 'early'));
  store.clearMissed(MIDNIGHT + 2 * HOUR, 'early');
  store.addState(MIDNIGHT + 4 * HOUR, null, 'early');
  store.addState(MIDNIGHT + 5 * HOUR, 'busy/午餐', 'late');
  store.addCall(missed('3', MIDNIGHT + 6 * HOUR, 'late'));
  store.addState(MIDNIGHT + 7 * HOUR, null, 'late');
  store.close();

  const again = open();
  expect(again.today('late')).toMatchObject({ missed: 1, stateMs: { 'busy/午餐': 2 * HOUR } });
  expect(again.today('early')).toMatchObject({ missed: 2, stateMs: { idle: 3 * HOUR } });
  expect(again.missed(10, 'late').map((m) => m.id)).toEqual(['3']);
  // Early's Clear hid their first miss, not late's.
  expect(again.missed(10, 'early').map((m) => m.id)).toEqual(['2']);
  expect(again.page({ pageNo: 1, pageSize: 10 }, 'late').rows.map((r) => r.id)).toEqual(['3']);
  expect(again.page({ pageNo: 1, pageSize: 10 }, null).total).toBe(0);
  again.compact();
  again.close();
  expect(
    open()
      .missed(10, 'early')
      .map((m) => m.id),
  ).toEqual(['2']);
});

it('state changes from an older journal (no agent named) still count', () => {
  writeFileSync(
    file,
    [
      { k: 'state', at: MIDNIGHT + HOUR, state: 'idle' },
      { k: 'state', at: MIDNIGHT + 2 * HOUR, state: null },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n') + '\n',
  );
  expect(open().today('anyone').stateMs).toEqual({ idle: HOUR });
});
