import { describe, expect, it } from 'vitest';
import { flushPromises as flush } from '@vue/test-utils';
import { signedInSnapshot } from './fake-api';
import { CallsApi, mountCalls, talkingSnapshot } from './calls-support';
import { click, getByRole, queryAllByRole, queryByRole, textIn } from './queries';
import type { MissedOffer, SessionSnapshot } from '../../src/shared/snapshot';

const at = (h: number, m: number, s = 0) => new Date(2026, 0, 5, h, m, s).getTime();
const MISSED: MissedOffer[] = [
  { id: 'm1', caller: '13800000001', at: at(9, 1), reason: 'timeout', stateAfter: 'busy/未接' },
  { id: 'm2', caller: '13800000002', at: at(9, 5), reason: 'caller-gave-up', stateAfter: 'idle' },
  { id: 'm3', caller: '13800000003', at: at(9, 3), reason: 'rejected', stateAfter: 'away' },
  { id: 'm4', caller: '13800000004', at: at(9, 7, 30), reason: 'failed', stateAfter: null },
];

async function show(patch: Partial<SessionSnapshot>, language: 'zh-CN' | 'en' = 'zh-CN') {
  const api = new CallsApi();
  api.snapshot = signedInSnapshot({ state: 'busy/未接', missed: MISSED, ...patch });
  const mounted = await mountCalls(api, { language });
  const region = queryByRole('heading', { name: /未接来电|Missed calls/ })?.closest('section');
  return { ...mounted, region: region ?? null };
}
const items = (region: Element) => queryAllByRole('listitem', {}, region).map((li) => textIn(li));

describe('missed-offer list', () => {
  it('folded, shows the newest miss and the count; unfolded, every miss newest first', async () => {
    const { region } = await show({});
    expect(getByRole('heading', { name: '未接来电（4）' })).toBeTruthy();
    expect(items(region!)).toEqual(['13800000004 · 09:07:30 · 接通失败 · 平台随后的状态未知']);
    const toggle = getByRole('button', { name: '显示全部（4）' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(document.getElementById(toggle.getAttribute('aria-controls')!)).toBeTruthy();
    await click(toggle);
    expect(getByRole('button', { name: '只显示最近一条' }).getAttribute('aria-expanded')).toBe(
      'true',
    );
    expect(items(region!)).toEqual([
      '13800000004 · 09:07:30 · 接通失败 · 平台随后的状态未知',
      '13800000002 · 09:05:00 · 对方已挂断 · 平台随后将状态设为：空闲',
      '13800000003 · 09:03:00 · 已拒接 · 平台随后将状态设为：离开',
      '13800000001 · 09:01:00 · 超时未接 · 平台随后将状态设为：忙碌 · 未接',
    ]);
  });

  it('Clear empties the list in main, and the card goes', async () => {
    const { api } = await show({});
    await click(getByRole('button', { name: '清除' }));
    expect(api.callsOf('clearMissed')).toEqual([[]]);
    await flush();
    expect(queryByRole('heading', { name: /未接来电/ })).toBeNull();
  });

  it('says the reasons in English', async () => {
    const { region } = await show({}, 'en');
    expect(getByRole('heading', { name: 'Missed calls (4)' })).toBeTruthy();
    await click(getByRole('button', { name: 'Show all (4)' }));
    const text = items(region!).join(' | ');
    for (const words of ['Not answered in time', 'Caller hung up', 'Rejected', 'Could not connect'])
      expect(text).toContain(words);
    expect(text).toContain('The platform then set you: Busy · 未接');
  });

  it('stays as it is when a push leaves the list out, as main does when the window holds it', async () => {
    const { api, region } = await show({ missedVersion: 3 });
    const asked = api.callsOf('getSnapshot').length;
    api.pushWithoutMissed({ ...api.snapshot, state: 'idle' });
    await flush();
    expect(getByRole('heading', { name: '未接来电（4）' })).toBeTruthy();
    expect(items(region!)).toEqual(['13800000004 · 09:07:30 · 接通失败 · 平台随后的状态未知']);
    expect(queryByRole('button', { name: '回到空闲' })?.hasAttribute('disabled')).toBe(true);
    expect(api.callsOf('getSnapshot')).toHaveLength(asked);
  });

  it('asks main for the snapshot when a push leaves out a list this window never got', async () => {
    const { api, region } = await show({ missedVersion: 3 });
    const newer = { ...api.snapshot, missed: [MISSED[1]!], missedVersion: 9, state: 'idle' };
    const asked = api.callsOf('getSnapshot').length;
    api.pushWithoutMissed(newer);
    await flush();
    expect(api.callsOf('getSnapshot')).toHaveLength(asked + 1);
    expect(getByRole('heading', { name: '未接来电（1）' })).toBeTruthy();
    expect(items(region!)).toEqual([
      '13800000002 · 09:05:00 · 对方已挂断 · 平台随后将状态设为：空闲',
    ]);
  });

  it('one click goes back to Idle', async () => {
    const { api } = await show({});
    await click(getByRole('button', { name: '回到空闲' }));
    expect(api.callsOf('setState')).toEqual([['idle']]);
    expect((getByRole('button', { name: '回到空闲' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('cannot go back to Idle during a call, and says why', async () => {
    const api = new CallsApi();
    api.snapshot = talkingSnapshot({}, { missed: MISSED });
    await mountCalls(api);
    const back = getByRole('button', { name: '回到空闲' }) as HTMLButtonElement;
    expect(back.disabled).toBe(true);
    expect(document.getElementById(back.getAttribute('aria-describedby')!)?.textContent).toContain(
      '振铃或通话中不能切换状态',
    );
  });

  it('folded, the window holds as many nodes for 2 misses as for 50', async () => {
    const misses = (n: number): MissedOffer[] =>
      Array.from({ length: n }, (_, i) => ({
        id: `m${i}`,
        caller: `1390000${String(i).padStart(4, '0')}`,
        at: at(8, 0) + i * 60_000,
        reason: 'timeout',
        stateAfter: 'idle',
      }));
    const few = (await show({ missed: misses(2) })).region!.querySelectorAll('*').length;
    document.body.innerHTML = '';
    const lots = (await show({ missed: misses(50) })).region!.querySelectorAll('*').length;
    expect(lots).toBe(few);
  });

  it('unfolded, shows only the latest 20, however many there are', async () => {
    const many: MissedOffer[] = Array.from({ length: 50 }, (_, i) => ({
      id: `m${i}`,
      caller: `1390000${String(i).padStart(4, '0')}`,
      at: at(8, 0) + i * 60_000,
      reason: 'timeout',
      stateAfter: 'idle',
    }));
    const { region } = await show({ missed: many });
    await click(getByRole('button', { name: '显示全部（50）' }));
    const list = items(region!);
    expect(list).toHaveLength(20);
    expect(list[0]).toContain('13900000049');
    expect(textIn(region!)).toContain('仅显示最近 20 条。');
  });

  it('is absent when nothing was missed', async () => {
    const { region } = await show({ missed: [] });
    expect(region).toBeNull();
  });
});
