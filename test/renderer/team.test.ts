import { flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeApi, fail, ok, signedInSnapshot, team } from './fake-api';
import { click, getByRole, queryAllByRole, textIn, type } from './queries';
import { mountApp } from './setup';
import type { Agent, Page } from '../../src/shared/platform/dto';
import type { Result } from '../../src/shared/ipc/contract';

async function openTeam(count = 45) {
  const api = new FakeApi();
  api.snapshot = signedInSnapshot();
  api.agents = team(count);
  const mounted = await mountApp(api);
  await click(getByRole('button', { name: '团队' }));
  return mounted;
}
const rowNames = () =>
  queryAllByRole('row')
    .slice(1)
    .map((r) => r.querySelector('th')?.textContent);

afterEach(() => {
  vi.useRealTimers();
  Object.defineProperty(document, 'hidden', { value: false, configurable: true });
});

describe('team', () => {
  it('pages through the team', async () => {
    const { api } = await openTeam(45);
    expect(api.callsOf('listTeam')).toEqual([[1, 20]]);
    expect(textIn()).toContain('第 1 / 3 页，共 45 人');
    expect(rowNames()).toHaveLength(20);
    expect((getByRole('button', { name: '上一页' }) as HTMLButtonElement).disabled).toBe(true);
    await click(getByRole('button', { name: '下一页' }));
    await click(getByRole('button', { name: '下一页' }));
    expect(api.callsOf('listTeam').slice(1)).toEqual([
      [2, 20],
      [3, 20],
    ]);
    expect(rowNames()).toEqual(['agent_041', 'agent_042', 'agent_043', 'agent_044', 'agent_045']);
    expect((getByRole('button', { name: '下一页' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it.each([
    [1, 'Page 1 of 1, 1 agent'],
    [45, 'Page 1 of 3, 45 agents'],
  ])('says the count in English grammar (%i)', async (count, said) => {
    const api = new FakeApi();
    api.snapshot = signedInSnapshot();
    api.agents = team(count);
    await mountApp(api, { language: 'en' });
    await click(getByRole('button', { name: 'Team' }));
    expect(textIn()).toContain(said);
    expect(textIn()).not.toContain(`${said}s`);
  });

  it('offers page sizes 20/50/100/1000 and never more', async () => {
    const { api } = await openTeam(45);
    const size = getByRole('combobox', { name: '每页人数' }) as HTMLSelectElement;
    expect(Array.from(size.options).map((o) => o.value)).toEqual(['20', '50', '100', '1000']);
    await click(getByRole('button', { name: '下一页' }));
    await type(size, '1000');
    expect(api.callsOf('listTeam').at(-1)).toEqual([1, 1000]);
    expect(rowNames()).toHaveLength(45);
    expect(Math.max(...api.callsOf('listTeam').map((c) => c[1] as number))).toBeLessThanOrEqual(
      1000,
    );
  });

  it('filters the page by base state, with badges in words', async () => {
    await openTeam(10);
    await type(getByRole('combobox', { name: '按状态筛选（本页）' }), 'busy');
    expect(rowNames()).toEqual(['agent_002', 'agent_007']);
    const row = queryAllByRole('row')[1]!;
    expect(textIn(row)).toMatch(/忙碌\s*· 小休/);
    await type(getByRole('combobox', { name: '按状态筛选（本页）' }), 'fetching');
    expect(textIn()).toContain('本页没有处于该状态的座席。');
  });

  it('refreshes every 15 s only while visible, and on demand', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { api } = await openTeam(5);
    expect(api.callsOf('listTeam')).toHaveLength(1);
    vi.advanceTimersByTime(14_000);
    expect(api.callsOf('listTeam')).toHaveLength(1);
    vi.advanceTimersByTime(1_000);
    await flushPromises();
    expect(api.callsOf('listTeam')).toHaveLength(2);
    Object.defineProperty(document, 'hidden', { value: true, configurable: true });
    vi.advanceTimersByTime(60_000);
    expect(api.callsOf('listTeam')).toHaveLength(2);
    Object.defineProperty(document, 'hidden', { value: false, configurable: true });
    await click(getByRole('button', { name: '刷新' }));
    expect(api.callsOf('listTeam')).toHaveLength(3);
  });

  it('stops refreshing when the team screen is left', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { api } = await openTeam(5);
    await click(getByRole('button', { name: '状态' }));
    vi.advanceTimersByTime(60_000);
    expect(api.callsOf('listTeam')).toHaveLength(1);
  });

  it('says the team could not be read, not that it has 0 people', async () => {
    const api = new FakeApi();
    api.snapshot = signedInSnapshot();
    api.handlers.listTeam = () => Promise.resolve(fail('transport'));
    await mountApp(api);
    await click(getByRole('button', { name: '团队' }));
    expect(getByRole('alert').textContent).toContain('无法读取团队');
    expect(textIn()).not.toContain('共 0 人');
    expect(textIn()).not.toContain('第 1 / 1 页');
  });

  it('never overlaps requests', async () => {
    const api = new FakeApi();
    api.snapshot = signedInSnapshot();
    let release: () => void = () => undefined;
    api.handlers.listTeam = () =>
      new Promise((resolve) => {
        release = () =>
          resolve({
            ok: true,
            value: {
              pageSize: 20,
              startIndex: 1,
              totalCount: 0,
              totalPageCount: 0,
              currentPageNo: 1,
              result: [],
            },
          });
      });
    await mountApp(api);
    await click(getByRole('button', { name: '团队' }));
    const refresh = getByRole('button', { name: '正在刷新…' }) as HTMLButtonElement;
    expect(refresh.disabled).toBe(true);
    release();
    await flushPromises();
    expect(api.callsOf('listTeam')).toHaveLength(1);
    expect(textIn()).toContain('没有座席。');
  });
});

describe('team extensions', () => {
  it("shows each agent's extension as its SIP number, not the 32-hex id", async () => {
    const hex = 'a3f1c2d4e5f60718293a4b5c6d7e8f90';
    const api = new FakeApi();
    api.snapshot = signedInSnapshot();
    api.agents = [{ name: 'agent_x', num: '1', state: 'idle', extension: hex, skills: [] }];
    api.extensions = [{ id: hex, type: '1', user: '1000100042' }];
    await mountApp(api);
    await click(getByRole('button', { name: '团队' }));
    await flushPromises();
    const row = queryAllByRole('row')[1]!;
    expect(textIn(row)).toContain('1000100042');
    expect(textIn(row)).not.toContain(hex);
  });
});

function pageFrom(all: Agent[], pageNo: number, pageSize: number): Page<Agent> {
  const start = (pageNo - 1) * pageSize;
  return {
    pageSize,
    startIndex: start + 1,
    totalCount: all.length,
    totalPageCount: Math.ceil(all.length / pageSize),
    currentPageNo: pageNo,
    result: all.slice(start, start + pageSize),
  };
}

describe('team: paging while a refresh is out, and after a failed page', () => {
  it('keeps a page size chosen while the 15 s refresh is on its way, and shows that size', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { api } = await openTeam();
    await click(getByRole('button', { name: '下一页' }));
    await click(getByRole('button', { name: '下一页' }));
    expect(rowNames()).toHaveLength(5); // page 3 of 3

    // The periodic refresh goes out and the platform is slow to answer it.
    let release: () => void = () => undefined;
    api.handlers.listTeam = (pageNo, pageSize) =>
      new Promise<Result<Page<Agent>>>((resolve) => {
        release = () => resolve(ok(pageFrom(api.agents, pageNo, pageSize)));
      });
    vi.advanceTimersByTime(15_000);
    await flushPromises();
    // Meanwhile the agent picks 50 a page (the select is not disabled while refreshing).
    await type(getByRole('combobox', { name: '每页人数' }), '50');
    delete api.handlers.listTeam;
    release();
    await flushPromises();
    await flushPromises();

    const size = getByRole('combobox', { name: '每页人数' }) as HTMLSelectElement;
    expect(size.value).toBe('50');
    // 50 a page: all 45 on page 1 of 1.
    expect(textIn()).toContain('第 1 / 1 页，共 45 人');
    expect(rowNames()).toHaveLength(45);
  });

  it('after a failed "next" still says the page whose rows are shown, and "next" asks for the failed page again', async () => {
    const { api } = await openTeam();
    expect(textIn()).toContain('第 1 / 3 页，共 45 人');

    // Page 2 fails once (a network blip).
    api.handlers.listTeam = () => Promise.resolve(fail('transport'));
    await click(getByRole('button', { name: '下一页' }));
    expect(getByRole('alert').textContent).toContain('无法读取团队');
    // The rows are still page 1's: the pager must not say page 2.
    expect(rowNames()[0]).toBe('agent_001');
    expect(textIn()).not.toContain('第 2 / 3 页');

    // The network is back; the agent clicks "next" again and expects page 2.
    delete api.handlers.listTeam;
    await click(getByRole('button', { name: '下一页' }));
    expect(api.callsOf('listTeam').at(-1)).toEqual([2, 20]);
    expect(rowNames()[0]).toBe('agent_021');
  });

  it('after a failed "next", lands on the page that failed, not the one after it', async () => {
    const { api } = await openTeam();
    api.handlers.listTeam = () => Promise.resolve(fail('transport'));
    await click(getByRole('button', { name: '下一页' }));
    delete api.handlers.listTeam;
    await click(getByRole('button', { name: '下一页' }));
    // Page 2 (agent_021..040), not page 3: no page is skipped.
    expect(api.callsOf('listTeam').map((c) => c[0])).toEqual([1, 2, 2]);
    expect(rowNames()[0]).toBe('agent_021');
    expect(textIn()).toContain('第 2 / 3 页，共 45 人');
  });
});
