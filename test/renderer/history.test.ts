import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { ERROR_TEXT } from '../../src/shared/domain/errors';
import { FakeApi, fail, signedInSnapshot } from './fake-api';
import { click, getByRole, queryAllByRole, queryByRole, textIn, type } from './queries';
import { mountApp } from './setup';
import type { Language } from '../../src/shared/domain/errors';
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

async function openHistory(rows: HistoryCall[], language: Language = 'zh-CN', api = new FakeApi()) {
  api.snapshot = signedInSnapshot();
  api.history = rows;
  const mounted = await mountApp(api, { language });
  await click(getByRole('button', { name: language === 'en' ? 'History' : '通话记录' }));
  return mounted;
}

/** The History card's own alert (other banners may be up too). */
function historyAlert(): HTMLElement | null {
  const card = getByRole('heading', { name: /^(通话记录|Call history)$/ }).closest('section')!;
  return queryByRole('alert', {}, card);
}

// What main's IPC sends when the history store throws: the code, with an English detail.
const RAW = 'SqliteError: database disk image is malformed';
// What Chromium's clipboard says when the window may not write to it (e.g. not focused).
const CLIPBOARD_RAW = 'Failed to execute writeText on Clipboard: Document is not focused.';

function stubClipboard(writeText: (text: string) => Promise<void>): void {
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
}
afterEach(() => {
  Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
});

describe('history', () => {
  it("today's figures move on with no call: a new day at midnight shows its own", async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const api = new FakeApi();
      api.today = { ...api.today, answered: 7 };
      await openHistory([call({})], 'zh-CN', api);
      const answered = () => document.querySelector('[data-figure="answered"]')?.textContent;
      expect(answered()).toBe('7');
      // Past midnight: main's figures start again; the open view asks within a minute.
      api.today = { ...api.today, answered: 0 };
      await vi.advanceTimersByTimeAsync(60_000);
      await flushPromises();
      expect(answered()).toBe('0');
    } finally {
      vi.useRealTimers();
    }
  });

  it('no call at all reads "none yet"; a search that finds none reads "none match"', async () => {
    await openHistory([]);
    const card = getByRole('heading', { name: '通话记录' }).closest('section')!;
    expect(textIn(card)).toContain('还没有通话记录。');
    expect(textIn(card)).not.toContain('没有符合条件的通话。');
    await type(card.querySelector<HTMLInputElement>('input[type="search"]')!, '139');
    expect(textIn(card)).toContain('没有符合条件的通话。');
    expect(textIn(card)).not.toContain('还没有通话记录。');
  });

  it('says when the dates are the wrong way round, rather than showing no calls', async () => {
    const api = new FakeApi();
    await openHistory([call({ number: '13800000009' })], 'zh-CN', api);
    const card = getByRole('heading', { name: '通话记录' }).closest('section')!;
    const [from, to] = [...card.querySelectorAll<HTMLInputElement>('input[type="date"]')];
    const asked = api.callsOf('getHistoryPage').length;
    await type(from!, '2026-11-20');
    await type(to!, '2026-11-10');
    expect(historyAlert()?.textContent?.trim()).toBe('开始日期晚于结束日期，请调换后再查询。');
    // Not asked: main would refuse the query.
    expect(api.callsOf('getHistoryPage').length).toBe(asked + 1);
    await type(to!, '2026-11-25');
    expect(historyAlert()).toBeNull();
  });

  it('a "to" day the clocks change on ends at the next local midnight, not 24 h on', async () => {
    // Berlin's clocks went forward on 2026-03-29: that day has 23 hours. The end used to be
    // midnight + 24 h, which took in 00:00–01:00 of the next day (and on the autumn change
    // dropped the last hour of the day).
    // The test runs in Node (happy-dom): its time zone follows TZ as soon as it is set.
    const { env } = (globalThis as unknown as { process: { env: Record<string, string> } }).process;
    const zone = env.TZ;
    env.TZ = 'Europe/Berlin';
    try {
      const api = new FakeApi();
      await openHistory([], 'zh-CN', api);
      const card = getByRole('heading', { name: '通话记录' }).closest('section')!;
      const [from, to] = [...card.querySelectorAll<HTMLInputElement>('input[type="date"]')];
      await type(from!, '2026-03-29');
      await type(to!, '2026-03-29');
      const query = api.callsOf('getHistoryPage').at(-1)![0] as { from: number; to: number };
      expect(query.to - query.from).toBe(23 * 3_600_000);
      expect(query.to).toBe(new Date(2026, 2, 30).getTime());
    } finally {
      if (zone === undefined) delete env.TZ;
      else env.TZ = zone;
    }
  });

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

  it.each<[Language, string]>([
    ['zh-CN', `通话记录无法加载：${ERROR_TEXT.internal['zh-CN']}`],
    ['en', `Call history could not be loaded: ${ERROR_TEXT.internal.en}`],
  ])(
    "says what failed, then why in the agent's language (%s), never the raw detail",
    async (language, sentence) => {
      const api = new FakeApi();
      api.handlers.getHistoryPage = () => Promise.resolve(fail('internal', RAW));
      await openHistory([call({})], language, api);
      const alert = historyAlert();
      expect(alert?.textContent?.trim()).toBe(sentence);
      expect(textIn()).not.toContain(RAW);
    },
  );

  it('says the failure in the language the agent switches to, and drops it once a query works', async () => {
    const api = new FakeApi();
    api.handlers.getHistoryPage = () => Promise.resolve(fail('internal', RAW));
    await openHistory([call({ number: '13800000009' })], 'zh-CN', api);
    expect(historyAlert()?.textContent?.trim()).toBe(
      `通话记录无法加载：${ERROR_TEXT.internal['zh-CN']}`,
    );
    await type(getByRole('combobox', { name: '语言' }), 'en');
    expect(historyAlert()?.textContent?.trim()).toBe(
      `Call history could not be loaded: ${ERROR_TEXT.internal.en}`,
    );
    delete api.handlers.getHistoryPage;
    await type(getByRole('combobox', { name: 'Outcome' }), 'answered');
    expect(historyAlert()).toBeNull();
    expect(textIn()).toContain('13800000009');
  });

  it('names each state as the rest of the window does: "label · reason"', async () => {
    await openHistory([
      call({ reserveState: 'busy/小休' }),
      call({ id: 'b', reserveState: 'x/y' }),
    ]);
    const cells = queryAllByRole('row')
      .slice(1)
      .map((r) => r.children[5]?.textContent?.trim());
    expect(cells).toEqual(['忙碌 · 小休', 'x/y']);
  });

  it.each<[Language, string, string]>([
    ['zh-CN', '复制 02100000003', '未能复制 02100000003，请选中号码后手动复制。'],
    [
      'en',
      'Copy 02100000003',
      'Could not copy 02100000003; select the number and copy it by hand.',
    ],
  ])(
    "says a failed copy in the agent's language (%s), never the clipboard's raw error",
    async (language, button, sentence) => {
      stubClipboard(() => Promise.reject(new DOMException(CLIPBOARD_RAW, 'NotAllowedError')));
      await openHistory([call({ number: '02100000003' })], language);
      await click(getByRole('button', { name: button }));
      expect(historyAlert()?.textContent?.trim()).toBe(sentence);
      expect(textIn()).not.toContain(CLIPBOARD_RAW);
      expect(textIn()).not.toContain('NotAllowedError');
    },
  );

  it('drops a failed copy once a copy works, and says that one copied', async () => {
    let refuse = true;
    stubClipboard(() =>
      refuse
        ? Promise.reject(new DOMException(CLIPBOARD_RAW, 'NotAllowedError'))
        : Promise.resolve(),
    );
    await openHistory([call({ number: '02100000003' })]);
    await click(getByRole('button', { name: '复制 02100000003' }));
    expect(historyAlert()).not.toBeNull();
    refuse = false;
    await click(getByRole('button', { name: '复制 02100000003' }));
    expect(historyAlert()).toBeNull();
    expect(textIn()).toContain('已复制 02100000003');
  });
});

describe('history: the same words as the missed-calls card', () => {
  it('a caller who hung up while ringing reads 对方已挂断 on both', async () => {
    await openHistory([call({ outcome: 'missed', why: 'caller-gave-up', talkMs: 0 })]);
    const row = queryAllByRole('row').find((r) => textIn(r).includes('13800000001'))!;
    expect(textIn(row)).toContain('未接 · 对方已挂断');
  });
});

describe('history: the pager in English', () => {
  it.each([
    [1, 'Page 1 of 1, 1 call'],
    [3, 'Page 1 of 1, 3 calls'],
  ])('says %i call(s) in English grammar', async (count, said) => {
    const rows = Array.from({ length: count }, (_, i) => call({ id: `h${i}` }));
    await openHistory(rows, 'en');
    expect(textIn()).toContain(said);
    expect(textIn()).not.toContain(`${said}s`);
  });
});

describe('history: what the table shows when main refuses, and past the end', () => {
  const card = () => getByRole('heading', { name: '通话记录' }).closest('section')!;
  const bodyRows = () => queryAllByRole('row', {}, card()).slice(1);
  const calls = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      call({
        id: `c${i}`,
        number: `1380000${String(i).padStart(4, '0')}`,
        at: Date.now() - i * 1000,
      }),
    );

  it('a refused query leaves no rows of the previous filter under the new one', async () => {
    const api = new FakeApi();
    await openHistory([call({ id: 'a', outcome: 'answered' })], 'zh-CN', api);
    expect(bodyRows()).toHaveLength(1);
    api.handlers.getHistoryPage = () => Promise.resolve(fail('internal', 'boom'));
    await type(getByRole('combobox', { name: '结果' }), 'missed');
    await flushPromises();
    expect(textIn(card())).toContain('通话记录无法加载');
    expect(bodyRows().map((r) => r.getAttribute('data-outcome'))).not.toContain('answered');
  });

  it('dates the wrong way round take the earlier dates’ rows and pager away', async () => {
    const api = new FakeApi();
    await openHistory([call({ id: 'a', number: '13800000009' })], 'zh-CN', api);
    const [from, to] = [...card().querySelectorAll<HTMLInputElement>('input[type="date"]')];
    await type(from!, '2026-11-20');
    await type(to!, '2026-11-10');
    await flushPromises();
    expect(textIn(card())).toContain('开始日期晚于结束日期');
    expect(textIn(card())).not.toContain('13800000009');
    expect(textIn(card())).not.toContain('第 1 / 1 页');
  });

  it('a refused Next keeps saying page 1 over page 1’s rows, and Next asks again', async () => {
    const api = new FakeApi();
    await openHistory(calls(60), 'zh-CN', api);
    expect(textIn(card())).toContain('第 1 / 2 页');
    api.handlers.getHistoryPage = () => Promise.resolve(fail('internal', 'boom'));
    await click(getByRole('button', { name: '下一页' }));
    await flushPromises();
    expect(textIn(card())).toContain('通话记录无法加载');
    expect(textIn(card())).toContain('第 1 / 2 页');
    expect(bodyRows()[0]?.textContent).toContain('13800000000');
    delete api.handlers.getHistoryPage;
    await click(getByRole('button', { name: '下一页' }));
    await flushPromises();
    expect(textIn(card())).toContain('第 2 / 2 页');
    expect(bodyRows()[0]?.textContent).toContain('13800000050');
    expect(historyAlert()).toBeNull();
  });

  it('on the last page, a history that shrinks under it shows its new last page', async () => {
    const api = new FakeApi();
    const rows = calls(51);
    await openHistory(rows, 'zh-CN', api);
    await click(getByRole('button', { name: '下一页' }));
    await flushPromises();
    expect(textIn(card())).toContain('第 2 / 2 页');
    api.history = rows.slice(0, 50); // retention's clean-up dropped the oldest
    api.pushHistoryChanged();
    await flushPromises();
    await flushPromises();
    expect(textIn(card())).toContain('第 1 / 1 页');
    expect(bodyRows()).toHaveLength(50);
  });
});
