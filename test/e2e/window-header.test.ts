/**
 * The header at the documentation's viewport (1000 px) in English, signed in on the demo
 * platform with a long agent name: brand, navigation and tools stay on one row (issue 10, 12).
 * Its Settings cards line up at one width, and History's filters share one row.
 * Screenshots: test-results/screenshots/header-en-1000.png, history-en-1000.png,
 * settings-en-1000.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS } from '../../src/emulator/index';
import { announced, openWindow, screenshot, signIn } from '../support/agent-window';
import { missingSystem } from '../support/system';
import type { WindowApp } from '../support/agent-window';

const skip = missingSystem('chromium');

describe.skipIf(skip)(skip ?? 'agent window: header (Chromium)', () => {
  let app: WindowApp;

  beforeAll(async () => {
    app = await openWindow();
    await signIn(app.page, {
      name: 'agent_with_a_long_name_0123456',
      extension: DEMO_EXTENSIONS[2]!.id,
    });
    await announced(app.page, '在线');
    await app.core.dispatch('settings:update', { language: 'en' });
    await app.page.getByRole('heading', { name: 'Current state' }).waitFor();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('stays on one row at 1000 px in English (screenshot: header-en-1000)', async () => {
    const { page } = app;
    expect(page.viewportSize()?.width).toBe(1000);
    const header = page.getByRole('banner');
    const boxes = await header.evaluate((el) =>
      Array.from(el.children)
        .map((child) => child.getBoundingClientRect())
        .filter((r) => r.height > 0)
        .map((r) => ({ top: Math.round(r.top), bottom: Math.round(r.bottom) })),
    );
    await screenshot(page, 'header-en-1000');
    expect(boxes.length).toBeGreaterThanOrEqual(3);
    // One row: every part overlaps every other part vertically.
    const lowestTop = Math.max(...boxes.map((b) => b.top));
    const highestBottom = Math.min(...boxes.map((b) => b.bottom));
    expect(lowestTop, JSON.stringify(boxes)).toBeLessThan(highestBottom);
    const box = await header.boundingBox();
    expect(box!.height).toBeLessThan(70);
    // …and inside the window: Sign out keeps the header's 20 px margin, not the window's edge.
    const signOut = await page.getByRole('button', { name: 'Sign out', exact: true }).boundingBox();
    expect(signOut!.x + signOut!.width).toBeLessThanOrEqual(1000 - 20);
  });

  it("keeps History's four filters on one row (screenshot: history-en-1000)", async () => {
    const { page } = app;
    await page.getByRole('navigation').getByRole('button', { name: 'History' }).click();
    const search = page.getByRole('searchbox', { name: 'Search number' });
    await search.waitFor();
    await screenshot(page, 'history-en-1000');
    const tops = await page.evaluate(() =>
      Array.from(document.querySelectorAll('.filters > label')).map((label) =>
        Math.round(label.getBoundingClientRect().top),
      ),
    );
    expect(tops).toHaveLength(4);
    expect(new Set(tops).size, JSON.stringify(tops)).toBe(1);
  });

  it("lines Settings' two cards up at one width (screenshot: settings-en-1000)", async () => {
    const { page } = app;
    await page.getByRole('navigation').getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Wrap-up and calls' }).waitFor();
    const widths = await page.evaluate(() =>
      Array.from(document.querySelectorAll('main form')).map((form) =>
        Math.round(form.getBoundingClientRect().width),
      ),
    );
    await screenshot(page, 'settings-en-1000');
    // The platform, SIP, reasons … card and the wrap-up card: fields as wide in both, not the
    // wrap-up card's run across the whole window.
    expect(widths).toHaveLength(2);
    expect(widths[1]).toBe(widths[0]);
    expect(widths[0]).toBeLessThanOrEqual(640);
  });
});
