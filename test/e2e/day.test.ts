/**
 * The agent's day end to end in Chromium (real renderer, browser host, core, SIP line, demo
 * platform): wrap-up between queued calls back to back — the platform's state follows
 * busy/话后处理 and then the earlier state, and no call rings during wrap-up; the History tab
 * and today's figures; screen-pop for real through the browser host.
 *
 * Cost: five calls with a 1 s wrap-up here (~15 s); the twenty-call run with a 3 s wrap-up is
 * test/main/core/wrap-up.test.ts on a manual clock, which checks the same gate and timing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS } from '../../src/emulator/index';
import { missingSystem } from '../support/system';
import { waitFor } from '../support/wait';
import {
  callEnded,
  openCallsWorld,
  queueCall,
  ringingPanel,
  signInRoutable,
  talkingPanel,
  untilSnapshot,
} from './calls-support';
import type { CallsWorld, Desk } from './calls-support';

const skip = missingSystem('chromium');
const NAME = 'agent_day';
const CALLS = 5;
const WRAP_UP_MS = 1_000;

describe.skipIf(skip)(skip ?? "the agent's day end to end (Chromium)", () => {
  let world: CallsWorld;
  let desk: Desk;
  const opened: string[] = [];

  beforeAll(async () => {
    world = await openCallsWorld();
    desk = await world.openDesk({
      settings: {
        wrapUpSeconds: WRAP_UP_MS / 1000,
        screenPopUrl: 'https://crm.example.com/search?phone={caller}&agent={agent}&call={callId}',
        screenPopHosts: ['crm.example.com'],
        screenPopWhen: 'answer',
      },
      openExternal: async (url) => void opened.push(url),
    });
    await signInRoutable(world, desk, {
      name: NAME,
      extension: DEMO_EXTENSIONS[0]!.id,
      skills: [{ name: 'sales', score: 5 }],
    });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('wrap-up between queued calls: busy/话后处理, then idle, and nothing rings meanwhile', async () => {
    const { page } = desk;
    const platform: string[] = [];
    world.emulator.store.onChange((event) => {
      if (event.type !== 'agent-state' || event.name !== NAME) return;
      if (platform.at(-1) !== event.state) platform.push(event.state);
    });
    // The queue's reserve state is busy/…, as the README advises: the race never happens.
    const ids = Array.from({ length: CALLS }, (_, i) =>
      queueCall(world, {
        caller: `1390000${String(i).padStart(4, '0')}`,
        reserveState: 'busy/话后处理',
        customer: { kind: 'hang-up-after', talkSec: 0.3 },
      }),
    );
    for (const id of ids) {
      await ringingPanel(page).waitFor({ timeout: 15_000 });
      await page.getByRole('button', { name: '接听', exact: true }).click();
      await talkingPanel(page).waitFor({ timeout: 15_000 });
      await callEnded(world, id, 15_000);
    }
    await waitFor(() => world.emulator.store.agentStatus(NAME)?.state === 'idle', 'idle at last');
    const records = ids.map((id) => world.emulator.calls.call(id)!);
    for (let i = 1; i < records.length; i++) {
      // Each next call was offered only after the previous call's wrap-up.
      expect(records[i]!.offeredAt! - records[i - 1]!.endedAt!).toBeGreaterThanOrEqual(
        WRAP_UP_MS - 50,
      );
    }
    expect(records.every((r) => r.outcome === 'customer-hung-up')).toBe(true);
    // The emulator reports `idle` and the next `fetching` from one synchronous step (nested
    // events may arrive in either order): check the cycle without idle, and idle's count.
    const seen = platform.slice(platform.indexOf('fetching'));
    const cycle = ['fetching', 'talking', 'busy/话后处理'];
    expect(seen.filter((s) => s !== 'idle')).toEqual(
      Array.from({ length: CALLS }, () => cycle).flat(),
    );
    expect(seen.filter((s) => s === 'idle')).toHaveLength(CALLS);
    expect(seen.at(-1)).toBe('idle');
  });

  it('"立即就绪" ends wrap-up at once', async () => {
    const id = queueCall(world, {
      caller: '13900009999',
      customer: { kind: 'hang-up-after', talkSec: 0.3 },
    });
    await desk.core.dispatch('settings:update', { wrapUpSeconds: 60 });
    const { page } = desk;
    await ringingPanel(page).waitFor();
    await page.getByRole('button', { name: '接听', exact: true }).click();
    await callEnded(world, id);
    await waitFor(() => world.emulator.store.agentStatus(NAME)?.state === 'busy/话后处理', 'held');
    // The countdown, with its two buttons, while the agent is held.
    await page.getByRole('heading', { name: '话后处理' }).waitFor();
    await page.getByRole('button', { name: '+30 秒' }).click();
    await page.getByRole('button', { name: '立即就绪' }).click();
    await waitFor(() => world.emulator.store.agentStatus(NAME)?.state === 'idle', 'idle now');
    await page.getByRole('heading', { name: '话后处理' }).waitFor({ state: 'detached' });
  });

  it('screen-pop opened on answer with the number encoded, and the History tab shows the calls', async () => {
    // Every answered call above popped once, its number in its placeholder only.
    expect(opened).toHaveLength(CALLS + 1);
    const url = new URL(opened.at(-1)!);
    expect(url.origin + url.pathname).toBe('https://crm.example.com/search');
    expect(url.searchParams.get('phone')).toBe('13900009999');
    expect(url.searchParams.get('agent')).toBe(NAME);

    const { page } = desk;
    await page.getByRole('button', { name: '通话记录' }).click();
    await page.getByRole('heading', { name: '今日统计' }).waitFor();
    expect(await page.locator('[data-figure="answered"]').textContent()).toBe(String(CALLS + 1));
    await page.getByRole('searchbox').fill('13900009999');
    await waitFor(async () => (await page.locator('tbody tr').count()) === 1, 'one row found');
    expect(await page.locator('tbody tr').first().textContent()).toContain('已接');
  });

  it('a caller number with dots and plus signs stays in its placeholder (browser host)', async () => {
    await desk.core.dispatch('settings:update', { screenPopWhen: 'ring', wrapUpSeconds: 0 });
    const before = opened.length;
    const id = queueCall(world, { caller: '+86..13900001234' });
    await ringingPanel(desk.page).waitFor();
    await waitFor(() => opened.length > before, 'the screen-pop');
    const url = new URL(opened.at(-1)!);
    expect(url.pathname).toBe('/search');
    expect(url.searchParams.get('phone')).toBe('+86..13900001234');
    world.emulator.calls.customerHangUp(id);
    await untilSnapshot(desk, 'call over', (s) => s.call === null);
  });
});
