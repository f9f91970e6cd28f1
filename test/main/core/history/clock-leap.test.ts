/**
 * The history when the machine's clock is wrong: a clock that leaps years ahead (a wrong RTC, a
 * date changed by hand, NTP correcting a clock that was years behind) must not delete the
 * agent's whole history in one prune, and one set back must lose nothing nor hide the calls
 * taken since. The journal stays bounded all the same.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryStore } from '../../../../src/main/core/history/store';
import type { Logger } from '../../../../src/lib/ports';
import { call, DAY, MIDNIGHT, openStore } from './support';

const HOUR = 3_600_000;
let dir: string;
let file: string;
let now: number;
let warnings: string[];

const logger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => void warnings.push(message),
  error: () => undefined,
};

function open(retentionDays = 90) {
  return openStore(file, () => now, { retentionDays, logger });
}
const missed = { outcome: 'missed' as const, why: 'timeout' as const, talkMs: 0 };
const ids = (store: HistoryStore) => store.page({ pageNo: 1, pageSize: 500 }).rows.map((r) => r.id);

/** 60 days of an agent's calls, one a day, the newest an hour ago. */
function sixtyDays(store: HistoryStore): string[] {
  const made: string[] = [];
  for (let d = 59; d >= 0; d--) {
    const id = `d${d}`;
    store.addCall(call(id, now - d * DAY - HOUR));
    made.push(id);
  }
  return made.reverse();
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'history-clock-'));
  file = join(dir, 'history.jsonl');
  now = MIDNIGHT + 10 * HOUR;
  warnings = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('history and a clock that leaps ahead', () => {
  it('started with the clock 10 years ahead: every call is still there, and a warning', () => {
    const store = open();
    const made = sixtyDays(store);
    store.close();
    now += 10 * 365 * DAY; // a wrong RTC at boot
    const after = open();
    expect(ids(after)).toEqual(made);
    expect(readFileSync(file, 'utf8')).toContain('"d59"');
    expect(warnings.join('\n')).toMatch(/not counted/);
  });

  it('the clock corrected years ahead while running, calls taken after it: the old ones stay', () => {
    const store = open();
    const made = sixtyDays(store);
    now += 6 * 365 * DAY; // NTP corrects a clock that was years behind
    store.addCall(call('after', now - 1000));
    store.addState(now, 'idle');
    now += 2 * HOUR; // the hourly prune has run
    store.addCall(call('later', now - 1000));
    expect(ids(store)).toEqual(['later', 'after', ...made]);
    store.close();
    expect(ids(open())).toEqual(['later', 'after', ...made]);
  });

  it('still bounded: once the retention has passed on the new clock, the old calls go', () => {
    const store = open();
    sixtyDays(store);
    now += 10 * 365 * DAY;
    // 100 days of work on the new clock, a call a day.
    for (let d = 0; d < 100; d++) {
      now += DAY;
      store.addCall(call(`new${d}`, now - HOUR));
    }
    store.close();
    const kept = ids(open());
    expect(kept.filter((id) => id.startsWith('d'))).toEqual([]);
    expect(kept.length).toBeLessThanOrEqual(91);
    expect(kept[0]).toBe('new99');
    expect(readFileSync(file, 'utf8')).not.toContain('"d0"');
  });

  it('a journal kept in use loses what is older than the retention, as before', () => {
    now -= 200 * DAY;
    const store = open();
    for (let d = 0; d < 200; d++) {
      now += DAY;
      store.addCall(call(`c${d}`, now - HOUR));
    }
    store.close();
    expect(open().size()).toBe(90);
    expect(warnings).toEqual([]);
  });
});

describe('history and a clock set back', () => {
  it('calls stamped after now are kept, and the calls taken since come first', () => {
    const store = open();
    const made = sixtyDays(store);
    store.addCall(call('m-before', now - 60_000, missed));
    store.clearMissed(now - 60_000);
    now -= 3 * 365 * DAY; // a dead CMOS battery: the clock is years behind
    store.addCall(call('new-missed', now - 60_000, missed));
    store.addCall(call('new', now - 1000));
    now += 2 * HOUR; // the hourly prune has run
    store.addCall(call('newer', now - 1000));
    const first = store.page({ pageNo: 1, pageSize: 3 }).rows.map((r) => r.id);
    expect(first).toEqual(['newer', 'new', 'new-missed']);
    expect(ids(store)).toEqual(['newer', 'new', 'new-missed', 'm-before', ...made]);
    store.close();
    const after = open();
    expect(ids(after)).toEqual(['newer', 'new', 'new-missed', 'm-before', ...made]);
    // The missed list after a restart: the new miss is not hidden behind the earlier clear.
    expect(after.missed(10).map((m) => m.id)).toEqual(['new-missed']);
  });

  it("today's figures count the state changed to after the clock went back", () => {
    now = MIDNIGHT + 2 * DAY + 10 * HOUR;
    const store = open();
    store.addState(now - HOUR, 'busy/小休');
    now -= DAY;
    store.addState(now - HOUR, 'idle');
    expect(store.today().stateMs).toEqual({ idle: HOUR });
  });
});
