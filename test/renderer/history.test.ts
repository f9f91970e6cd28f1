import { describe, expect, it } from 'vitest';
import { FakeApi, signedInSnapshot } from './fake-api';
import { click, getByRole, queryAllByRole, textIn } from './queries';
import { mountApp } from './setup';
import type { HistoryCall } from '../../src/shared/history';

function call(patch: Partial<HistoryCall>): HistoryCall {
  return {
    id: 'h1',
    at: Date.now() - 60_000,
    number: '13800000001',
    direction: 'in',
    outcome: 'answered',
    why: null,
    ringMs: 3_000,
    talkMs: 20_000,
    reserveState: 'idle',
    agent: 'agent_01',
    ...patch,
  };
}

async function openHistory(rows: HistoryCall[]) {
  const api = new FakeApi();
  api.snapshot = signedInSnapshot();
  api.history = rows;
  const mounted = await mountApp(api);
  await click(getByRole('button', { name: '通话记录' }));
  return mounted;
}

describe('history', () => {
  it('keeps every column a table cell: the number and its Copy sit in a box inside it', async () => {
    await openHistory([call({ id: 'a' }), call({ id: 'b', number: '02100000003' })]);
    const rows = queryAllByRole('row').slice(1);
    expect(rows.map((r) => r.children.length)).toEqual([6, 6]);
    const copy = getByRole('button', { name: '复制 02100000003' });
    const cell = copy.closest('td')!;
    // A flex <td> stops being a table cell (its row borders shift): the flex box is inside.
    expect(copy.parentElement).not.toBe(cell);
    expect(cell.classList.contains('number')).toBe(false);
    expect(copy.parentElement!.classList.contains('number')).toBe(true);
    expect(textIn(cell)).toMatch(/^02100000003\s*复制$/);
  });
});
