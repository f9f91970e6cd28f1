/**
 * The window at its narrowest an agent can make it: Electron's minimum width (720 px) at 150 %
 * zoom is 480 CSS px. With a caller of 32 characters (the longest number the platform sends),
 * every screen fits the width — the page never scrolls sideways and the caller's number is
 * shown whole in the ringing and talking panels; the wrap-up card's buttons keep one line each,
 * and so do History's headings and short cells; Settings shows every shortcut whole.
 * And at 400 px (a zoom beyond 150 %) in English, whose tab names are the longest, the header's
 * tabs wrap rather than run past the edge.
 * Screenshots: test-results/screenshots/narrow-*.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS } from '../../src/emulator/index';
import { screenshot } from '../support/agent-window';
import { missingSystem } from '../support/system';
import {
  openCallsWorld,
  queueCall,
  ringingPanel,
  signInRoutable,
  talkingPanel,
} from './calls-support';
import type { Page } from 'playwright-core';
import type { CallsWorld, Desk } from './calls-support';

const skip = missingSystem('chromium');
const NAME = 'agent_narrow';
const LONG_CALLER = '+8610888877771234567890123456_78';
const NARROW = { width: 480, height: 700 };

/** How far the page reaches past the window's right edge, in CSS px (0 when it fits). */
function overflow(page: Page): Promise<number> {
  return page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
}

/** Takes the screenshot `name`, then checks the page is no wider than the window. */
async function fits(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  expect(await overflow(page)).toBe(0);
}

/** True when the caller's number in a panel is drawn whole, inside the panel and the window. */
async function callerWhole(page: Page, panel: ReturnType<typeof ringingPanel>): Promise<boolean> {
  const caller = panel.getByText(LONG_CALLER, { exact: true });
  return caller.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const section = el.closest('section')!.getBoundingClientRect();
    return (
      el.scrollWidth <= el.clientWidth &&
      box.right <= section.right &&
      section.right <= document.documentElement.clientWidth
    );
  });
}

describe.skipIf(skip)(skip ?? 'agent window: narrow (Chromium)', () => {
  let world: CallsWorld;
  let desk: Desk;

  beforeAll(async () => {
    world = await openCallsWorld();
    // Wrap-up after the answered call: its countdown card is checked at this width too.
    desk = await world.openDesk({ settings: { wrapUpSeconds: 30 } });
    await desk.page.setViewportSize(NARROW);
    await signInRoutable(world, desk, {
      name: NAME,
      extension: DEMO_EXTENSIONS[1]!.id,
      skills: [{ name: 'sales', score: 5 }],
    });
  });
  afterAll(async () => {
    await world?.close();
  });

  const button = (name: string) => desk.page.getByRole('button', { name, exact: true });

  it('shows a long caller whole while ringing and talking, the page no wider than the window', async () => {
    const { page } = desk;
    queueCall(world, { caller: LONG_CALLER });
    const shownWhole = async (panel: ReturnType<typeof ringingPanel>, name: string) => {
      await panel.waitFor();
      await fits(page, name);
      expect(await callerWhole(page, panel)).toBe(true);
    };
    await shownWhole(ringingPanel(page), 'narrow-ringing');

    await button('接听').click();
    const talking = talkingPanel(page);
    await shownWhole(talking, 'narrow-talking');

    await button('挂断').click();
    await talking.waitFor({ state: 'detached' });

    // The wrap-up card: its buttons each on one line, under the countdown if need be.
    const ready = button('立即就绪');
    await ready.waitFor();
    await fits(page, 'narrow-wrap-up');
    for (const name of ['立即就绪', '+30 秒']) {
      const lines = await button(name).evaluate((el) => {
        const style = getComputedStyle(el);
        const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
        return Math.round((el.clientHeight - padding) / parseFloat(style.lineHeight));
      });
      expect(lines, name).toBe(1);
    }
    await ready.click();
    await ready.waitFor({ state: 'detached' });
  });

  it('fits History (with that call) and Skills & extension', async () => {
    const { page } = desk;
    await button('通话记录').click();
    await page.getByRole('button', { name: `复制 ${LONG_CALLER}` }).waitFor();
    await fits(page, 'narrow-history');
    // No heading or short cell (outcome, times, state after) is broken over two lines.
    const split = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLTableCellElement>('table th, table td')]
        .filter((cell) => cell.tagName === 'TH' || cell.cellIndex >= 2)
        .filter((cell) => {
          const range = document.createRange();
          range.selectNodeContents(cell);
          const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
          return tops.size > 1;
        })
        .map((cell) => cell.textContent!.trim()),
    );
    expect(split).toEqual([]);

    await button('技能与分机').click();
    await page.getByRole('combobox', { name: '更换分机' }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('option').length > 2);
    await fits(page, 'narrow-skills');
  });

  it('shows every shortcut in Settings whole', async () => {
    const { page } = desk;
    await button('设置').click();
    const mute = page.getByRole('textbox', { name: '静音/取消静音（全局快捷键）' });
    await mute.waitFor();
    await mute.scrollIntoViewIfNeeded();
    await fits(page, 'narrow-settings-keys');
    // Each shortcut field is wide enough for its value: none cut off at the field's edge.
    const cut = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLInputElement>('input[id^="set-hotkey"]')]
        .filter((input) => input.scrollWidth > input.clientWidth)
        .map((input) => `${input.id}: ${input.value}`),
    );
    expect(cut).toEqual([]);
  });

  it('opens the Away menu inside the window, not past its right edge', async () => {
    const { page } = desk;
    await button('状态').click();
    await button('离开').click();
    const menu = page.getByRole('menu', { name: '离开原因' });
    await menu.waitFor();
    await fits(page, 'narrow-away-menu');
    const panel = await menu.evaluate((el) => {
      const box = el.parentElement!.getBoundingClientRect();
      return { left: box.left, right: box.right };
    });
    expect(panel.left).toBeGreaterThanOrEqual(0);
    expect(panel.right).toBeLessThanOrEqual(NARROW.width);
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
  });

  it("wraps the header's tabs at 400 px in English", async () => {
    const { page } = desk;
    await desk.core.dispatch('settings:update', { language: 'en' });
    await page.setViewportSize({ width: 400, height: 700 });
    await page.getByRole('button', { name: 'Status', exact: true }).click();
    await page.getByRole('heading', { name: 'Current state' }).waitFor();
    await fits(page, 'narrow-header-en-400');
    const settings = await page
      .getByRole('button', { name: 'Settings', exact: true })
      .boundingBox();
    expect(settings!.x + settings!.width).toBeLessThanOrEqual(400);
  });
});
