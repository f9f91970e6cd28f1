/**
 * History with 100,000 calls (90 days, ~1,100 a day; four state changes each in the last two
 * days, as the store keeps them) in a journal in a
 * temporary folder: how long the store takes to open, to give the History tab its first page
 * (store query + the JSON the IPC would carry), a filtered page, today's figures, and to add one
 * call (one journal write). Goals (issue 14): first page ≤ 100 ms, today ≤ 50 ms, add ≤ 2 ms.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryStore } from '../src/main/core/history/store';
import { silentLogger } from '../src/lib/ports';
import type { HistoryRecord } from '../src/main/core/history/store';

const CALLS = Number(process.env.BENCH_HISTORY_CALLS ?? 100_000);
const DAYS = 90;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const ms = (n: number) => Number(n.toFixed(3));

export async function run(): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-history-'));
  const file = join(dir, 'history.jsonl');
  const now = Date.now();
  const start = now - (DAYS - 1) * 86_400_000;
  const step = (now - start) / CALLS;
  const lines: string[] = [];
  const outcomes = ['answered', 'answered', 'answered', 'missed', 'rejected', 'failed'] as const;
  for (let i = 0; i < CALLS; i++) {
    const at = Math.round(start + i * step);
    const outcome = outcomes[i % outcomes.length]!;
    const answered = outcome === 'answered';
    // State changes are kept two days by the store: only the last two days carry them.
    const recent = at > now - 2 * 86_400_000;
    const states = (...marks: HistoryRecord[]) => (recent ? marks : []);
    const records: HistoryRecord[] = [
      ...states(
        { k: 'state', at: at, state: 'fetching' },
        { k: 'state', at: at + 4000, state: answered ? 'talking' : 'idle' },
      ),
      {
        k: 'call',
        id: `c${i}`,
        at,
        number: `13${String(900000000 + i).padStart(9, '0')}`,
        direction: 'in',
        outcome,
        why: answered ? null : outcome === 'missed' ? 'timeout' : outcome,
        ringMs: 4000,
        talkMs: answered ? 120_000 : 0,
        reserveState: 'idle',
        agent: 'bench_agent',
      },
      ...states(
        { k: 'state', at: at + 20_000, state: 'busy/话后处理' },
        { k: 'state', at: at + 30_000, state: 'idle' },
      ),
    ];
    for (const r of records) lines.push(JSON.stringify(r));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  const bytes = statSync(file).size;

  const t0 = performance.now();
  const store = new HistoryStore({
    file,
    logger: silentLogger,
    now: () => Date.now(),
    retentionDays: () => 90,
  });
  const openMs = performance.now() - t0;

  const firstPage: number[] = [];
  const filtered: number[] = [];
  const today: number[] = [];
  for (let i = 0; i < 30; i++) {
    let t = performance.now();
    JSON.stringify(store.page({ pageNo: 1, pageSize: 50 }));
    firstPage.push(performance.now() - t);
    t = performance.now();
    JSON.stringify(store.page({ pageNo: 1, pageSize: 50, outcome: 'missed', search: '99' }));
    filtered.push(performance.now() - t);
    t = performance.now();
    store.today();
    today.push(performance.now() - t);
  }
  const add: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const at = Date.now();
    const t = performance.now();
    store.addCall({
      id: `new${i}`,
      at,
      number: '13900001234',
      direction: 'in',
      outcome: 'answered',
      why: null,
      ringMs: 3000,
      talkMs: 60_000,
      reserveState: null,
      agent: 'bench_agent',
    });
    add.push(performance.now() - t);
  }
  store.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    calls: store.size(),
    journalMB: ms(bytes / 1e6),
    openMs: ms(openMs),
    firstPageMedianMs: ms(percentile(firstPage, 50)),
    firstPageMaxMs: ms(Math.max(...firstPage)),
    filteredPageMedianMs: ms(percentile(filtered, 50)),
    todayMedianMs: ms(percentile(today, 50)),
    todayMaxMs: ms(Math.max(...today)),
    addMedianMs: ms(percentile(add, 50)),
    addP99Ms: ms(percentile(add, 99)),
    addMaxMs: ms(Math.max(...add)),
  };
}
