import { flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeApi, fail, signedInSnapshot, team } from './fake-api';
import { click, getByRole, queryAllByRole, textIn, type } from './queries';
import { mountApp } from './setup';

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
