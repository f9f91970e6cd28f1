/**
 * The history store on disk: what an agent would notice after a restart, a crash or a damaged
 * file — calls still there, figures still right, a damaged file set aside and recording going on.
 */
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryRecorder } from '../../../../src/main/core/history/recorder';
import { silentLogger } from '../../../../src/lib/ports';
import type { Logger } from '../../../../src/lib/ports';
import { call, MIDNIGHT, openStore } from './support';

let dir: string;
let file: string;
let now: number;

function open(options: { retentionDays?: number; logger?: Logger } = {}) {
  return openStore(file, () => now, options);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'history-'));
  file = join(dir, 'history.jsonl');
  now = MIDNIGHT + 10 * 3_600_000;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('history store', () => {
  it('keeps calls and reserve states across a restart, newest first', () => {
    const store = open();
    store.addCall(call('c1', now - 60_000));
    store.addCall(call('c2', now - 30_000, { outcome: 'missed', why: 'timeout', talkMs: 0 }));
    store.setReserveState('c2', 'idle');
    store.close();
    const again = open();
    const page = again.page({ pageNo: 1, pageSize: 10 });
    expect(page.rows.map((r) => r.id)).toEqual(['c2', 'c1']);
    expect(page.rows[0]).toMatchObject({ outcome: 'missed', why: 'timeout', reserveState: 'idle' });
    expect(again.missed(10)).toEqual([
      { id: 'c2', caller: '13900001234', at: now - 30_000, reason: 'timeout', stateAfter: 'idle' },
    ]);
  });

  it('offers the app declined itself are not missed; one refused for no media is', () => {
    const store = open();
    const recorder = new HistoryRecorder({ store, agent: () => 'a1', changed: () => undefined });
    const offer = (id: string, at: number) => ({ id, caller: '13900001234', at });
    recorder.declined(offer('guard', now - 30_000), 'no-answer');
    recorder.declined(offer('wrap', now - 20_000), 'wrap-up');
    recorder.declined(offer('media', now - 10_000), 'no-media');
    store.close();
    const again = open();
    // As the live list has them: the guard's and wrap-up's declines are not the agent's misses.
    expect(again.missed(10).map((m) => [m.id, m.reason])).toEqual([['media', 'no-media']]);
    expect(again.today().missed).toBe(1);
    const rows = again.page({ pageNo: 1, pageSize: 10 }).rows;
    expect(rows.map((r) => [r.id, r.outcome, r.why])).toEqual([
      ['media', 'failed', 'no-media'],
      ['wrap', 'rejected', 'wrap-up'],
      ['guard', 'rejected', 'no-answer'],
    ]);
  });

  it('a journal saved with a byte-order mark (Notepad) loses no record', () => {
    const record = { k: 'call', ...call('c1', now - 60_000) };
    writeFileSync(file, `\uFEFF${JSON.stringify(record)}\n`);
    const store = open();
    const page = store.page({ pageNo: 1, pageSize: 10 });
    expect(page.rows.map((r) => r.id)).toEqual(['c1']);
    expect(page.damage).toBeNull();
  });

  it('a cleared missed list stays clear across a restart and a compaction', () => {
    const missed = { outcome: 'missed' as const, why: 'timeout' as const, talkMs: 0 };
    const store = open();
    store.addCall(call('c1', now - 60_000, missed));
    store.clearMissed(now - 60_000 + 5_000);
    store.addCall(call('c2', now - 30_000, missed));
    store.close();
    const again = open();
    expect(again.missed(10).map((m) => m.id)).toEqual(['c2']);
    again.compact();
    again.close();
    expect(
      open()
        .missed(10)
        .map((m) => m.id),
    ).toEqual(['c2']);
    expect(readFileSync(file, 'utf8')).toContain('"k":"missed-cleared"');
  });

  it('filters by outcome, date and number, and pages', () => {
    const store = open();
    for (let i = 0; i < 25; i++)
      store.addCall(
        call(`c${i}`, now - (25 - i) * 1000, {
          number: i % 2 ? `1380000${i}` : `1590000${i}`,
          outcome: i % 5 === 0 ? 'rejected' : 'answered',
        }),
      );
    expect(store.page({ pageNo: 3, pageSize: 10 })).toMatchObject({ total: 25 });
    expect(store.page({ pageNo: 3, pageSize: 10 }).rows.map((r) => r.id)).toEqual([
      'c4',
      'c3',
      'c2',
      'c1',
      'c0',
    ]);
    expect(store.page({ outcome: 'rejected', pageNo: 1, pageSize: 10 }).total).toBe(5);
    expect(store.page({ search: '159', pageNo: 1, pageSize: 50 }).total).toBe(13);
    const from = now - 10_000;
    expect(store.page({ from, to: now, pageNo: 1, pageSize: 50 }).total).toBe(10);
  });

  it("computes today's figures since midnight from calls and state changes, after restart", () => {
    const store = open();
    store.addCall(call('old', MIDNIGHT - 60_000, { talkMs: 999_000 }));
    store.addState(MIDNIGHT - 3_600_000, 'busy/小休');
    store.addState(MIDNIGHT + 3_600_000, 'idle');
    store.addCall(call('a', MIDNIGHT + 4_000_000, { talkMs: 60_000 }));
    store.addCall(call('b', MIDNIGHT + 5_000_000, { talkMs: 120_000 }));
    store.addCall(call('m', MIDNIGHT + 6_000_000, { outcome: 'missed', why: 'caller-gave-up' }));
    store.addCall(call('w', MIDNIGHT + 6_100_000, { outcome: 'rejected', why: 'wrap-up' }));
    store.addState(MIDNIGHT + 2 * 3_600_000, 'busy/话后处理');
    store.addState(MIDNIGHT + 3 * 3_600_000, null);
    store.close();
    const figures = open().today();
    expect(figures).toEqual({
      since: MIDNIGHT,
      answered: 2,
      missed: 1,
      talkMs: 180_000,
      averageTalkMs: 90_000,
      stateMs: { 'busy/小休': 3_600_000, idle: 3_600_000, 'busy/话后处理': 3_600_000 },
    });
  });

  it("the clock set back a day: today's figures leave out the calls stamped after now", () => {
    now = MIDNIGHT + 2 * 86_400_000 + 10 * 3_600_000;
    const store = open();
    store.addCall(call('on the real day', now - 3_600_000, { talkMs: 60_000 }));
    now -= 86_400_000; // a CMOS reset, a manual change
    store.addCall(call('after the change', now - 3_600_000, { talkMs: 30_000 }));
    expect(store.today()).toMatchObject({ answered: 1, talkMs: 30_000 });
  });

  it('an app that died (crash, power cut) stops counting the last state when it last ran', () => {
    // The agent is idle from 08:00; the app is seen running until 09:00 and then dies without
    // a word. At 17:00 the app starts again.
    now = MIDNIGHT + 8 * 3_600_000;
    const store = open();
    store.addState(now, 'idle');
    for (let minute = 1; minute <= 60; minute++) {
      now = MIDNIGHT + 8 * 3_600_000 + minute * 60_000;
      store.alive(now);
    }
    store.close(); // the file is left as a crash leaves it: no "stopped" mark
    now = MIDNIGHT + 17 * 3_600_000;
    const after = open();
    expect(after.today().stateMs).toEqual({ idle: 3_600_000 });
    // Signed out at start (what the window shows then) adds nothing, and it holds after a
    // compaction and another restart.
    after.addState(now, null);
    after.compact();
    after.close();
    expect(open().today().stateMs).toEqual({ idle: 3_600_000 });
  });

  it('running, a state goes on counting; a died app with no beat since its state counts none', () => {
    now = MIDNIGHT + 8 * 3_600_000;
    const store = open();
    store.addState(now, 'busy/小休');
    now += 30 * 60_000;
    expect(store.today().stateMs).toEqual({ 'busy/小休': 30 * 60_000 });
    store.close();
    now += 5 * 3_600_000;
    expect(open().today().stateMs).toEqual({});
  });

  it('drops calls older than the retention', () => {
    const store = open();
    // A journal in use has records all along (a silence longer than the retention is not
    // counted: clock-leap.test.ts).
    store.addCall(call('ancient', now - 100 * 86_400_000));
    store.addCall(call('between', now - 50 * 86_400_000));
    store.addCall(call('recent', now - 1000));
    store.close();
    expect(open({ retentionDays: 90 }).page({ pageNo: 1, pageSize: 10 }).total).toBe(2);
    expect(readFileSync(file, 'utf8')).not.toContain('ancient');
  });

  it('an app left open for days keeps what a restart would: old calls and states go', () => {
    // The soak bench's question: an agent leaves the app open for a week. Without a restart
    // nothing expired was dropped, in memory or in the journal.
    const store = open({ retentionDays: 1 });
    const step = 10 * 60_000;
    for (let i = 0; i < 10 * 144; i++) {
      now += step;
      store.addState(now, i % 2 ? 'idle' : 'talking');
      store.addCall(call(`c${i}`, now - 1000));
    }
    // One day of calls (144 at one per 10 minutes), not ten.
    expect(store.size()).toBeLessThanOrEqual(144 + 6);
    // Two days of states and one of calls, plus the garbage compaction allows (1,000 lines).
    const lines = readFileSync(file, 'utf8').trim().split('\n').length;
    expect(lines).toBeLessThan(2 * (2 * 144 + 144 + 12) + 1000);
    expect(readFileSync(file, 'utf8')).not.toContain('"c0"');
    store.close();
  });

  it('a corrupt store is reported, set aside, and new calls are still recorded', () => {
    const store = open();
    store.addCall(call('c1', now - 5000));
    store.close();
    appendFileSync(file, '{"k":"call","id":"c2",\u0000garbage\n{"k":"nonsense"}\n');
    const warnings: unknown[] = [];
    const logger = { ...silentLogger, warn: (...args: unknown[]) => warnings.push(args) };
    const reopened = open({ logger: logger as Logger });
    const page = reopened.page({ pageNo: 1, pageSize: 10 });
    expect(page.damage?.lost).toBe(2);
    expect(page.damage?.keptAs).toMatch(/history\.jsonl\.damaged-\d+$/);
    expect(readdirSync(dir).some((f) => f.startsWith('history.jsonl.damaged-'))).toBe(true);
    expect(warnings.length).toBe(1);
    expect(page.rows.map((r) => r.id)).toEqual(['c1']);
    reopened.addCall(call('c3', now - 1000));
    reopened.close();
    expect(
      open()
        .page({ pageNo: 1, pageSize: 10 })
        .rows.map((r) => r.id),
    ).toEqual(['c3', 'c1']);
  });

  it('a store cut mid-write (a crash) keeps every complete call', () => {
    const store = open();
    store.addCall(call('c1', now - 5000));
    store.addCall(call('c2', now - 4000));
    store.close();
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, text.length - 20));
    const reopened = open();
    expect(reopened.page({ pageNo: 1, pageSize: 10 }).rows.map((r) => r.id)).toEqual(['c1']);
    reopened.addCall(call('c3', now));
    reopened.close();
    expect(open().page({ pageNo: 1, pageSize: 10 }).total).toBe(2);
  });

  it('binary garbage instead of a store never throws', () => {
    writeFileSync(file, Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x7b, 0x22]));
    const store = open();
    expect(store.page({ pageNo: 1, pageSize: 10 }).total).toBe(0);
    store.addCall(call('c1', now));
    expect(open().size()).toBe(1);
  });
});
