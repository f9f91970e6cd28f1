/**
 * The agent window in Chromium, through the browser host, against the emulator: the team list
 * paged as the platform pages it (45 agents, 20 a page → 3 pages; next, previous, page size),
 * and the skills editor sending one edit that leaves the platform holding exactly what the
 * agent sees (add, change a score, disable, remove).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EXTENSIONS } from '../../src/emulator/index';
import { openWindow, platformAgent, requestsTo, screenshot, signIn } from '../support/agent-window';
import { missingSystem } from '../support/system';
import { waitFor } from '../support/wait';
import type { WindowApp } from '../support/agent-window';

const skip = missingSystem('chromium');
const NAME = 'agent_09';
const STATES = ['idle', 'busy/小休', 'away/午餐', 'busy', 'idle', 'away'];

describe.skipIf(skip)(skip ?? 'agent window: team and skills (Chromium)', () => {
  let app: WindowApp;

  beforeAll(async () => {
    app = await openWindow();
    await signIn(app.page, { name: NAME, num: '9009', extension: DEMO_EXTENSIONS[2]!.id });
  });
  afterAll(async () => {
    await app?.close();
  });

  const button = (name: string) => app.page.getByRole('button', { name, exact: true });

  describe('team', () => {
    beforeAll(async () => {
      // 44 colleagues on the platform (each on an extension of their own) + this agent = 45.
      const { store } = app.emulator;
      for (let i = 1; i <= 44; i++) {
        const n = String(i).padStart(2, '0');
        const ext = store.createExtension({
          type: 1,
          user: `9100${n}00`,
          password: `pw${n}pw${n}`,
        });
        if (ext.code !== '000000') throw new Error(`extension ${n}: ${ext.code}`);
        const login = await store.login({
          name: `team_${n}`,
          num: `20${n}`,
          extension: ext.data.id,
          state: STATES[i % STATES.length],
        });
        if (login.code !== '000000') throw new Error(`login team_${n}: ${login.code}`);
      }
    });

    const pager = () => app.page.getByRole('navigation', { name: '团队' });
    /** Waits for the pager to say `text` with the page loaded, then returns the row names. */
    async function shows(text: string): Promise<string[]> {
      await pager().getByRole('status').filter({ hasText: text }).waitFor();
      // The pager moves at once; the rows follow when the platform answered (刷新 is back).
      await button('刷新').waitFor();
      return app.page.getByRole('table').getByRole('rowheader').allTextContents();
    }
    /** The names the platform itself lists on that page. */
    function platformPage(pageNo: number, pageSize: number): string[] {
      const page = app.emulator.store.listAgents({ pageNo, pageSize });
      if (page.code !== '000000') throw new Error(page.code);
      return page.data.result.map((a) => a.name);
    }

    it('pages through 45 agents 20 at a time, as the platform pages them', async () => {
      const asked = requestsTo(app, 'GET').length;
      await button('团队').click();
      expect(await shows('第 1 / 3 页，共 45 人')).toEqual(platformPage(1, 20));
      expect(await button('上一页').isDisabled()).toBe(true);
      // Each row shows the agent's job number, state in words and extension.
      const row = app.page.getByRole('row', { name: /team_44/ });
      expect(await row.getByRole('cell').first().textContent()).toBe('2044');
      expect(platformAgent(app.emulator, 'team_44')?.state).toBe('away/午餐');
      expect(await row.getByRole('cell').nth(1).innerText()).toMatch(/^☾\s*离开\s*· 午餐$/);
      await screenshot(app.page, 'team');

      await button('下一页').click();
      expect(await shows('第 2 / 3 页，共 45 人')).toEqual(platformPage(2, 20));
      await button('下一页').click();
      const last = await shows('第 3 / 3 页，共 45 人');
      expect(last).toEqual(platformPage(3, 20));
      expect(last).toHaveLength(5);
      expect(last).toContain(NAME);
      expect(await button('下一页').isDisabled()).toBe(true);
      await button('上一页').click();
      expect(await shows('第 2 / 3 页，共 45 人')).toEqual(platformPage(2, 20));
      // One list request per page shown (no overlapping or repeated fetches).
      expect(requestsTo(app, 'GET').length - asked).toBe(4);
    });

    it('changes the page size and starts again at page 1', async () => {
      await app.page.getByRole('combobox', { name: '每页人数' }).selectOption('50');
      const all = await shows('第 1 / 1 页，共 45 人');
      expect(all).toEqual(platformPage(1, 50));
      expect(all).toHaveLength(45);
      expect(await button('下一页').isDisabled()).toBe(true);
      // The filter narrows the page already loaded.
      await app.page.getByRole('combobox', { name: '按状态筛选（本页）' }).selectOption('idle');
      const idle = await app.page.getByRole('table').getByRole('rowheader').allTextContents();
      const platformIdle = app.emulator.store
        .agentStatuses()
        .filter((a) => a.state === 'idle')
        .map((a) => a.name);
      expect([...idle].sort()).toEqual([...platformIdle].sort());
      await app.page.getByRole('combobox', { name: '按状态筛选（本页）' }).selectOption('all');
    });
  });

  describe('skills', () => {
    const page = () => app.page;
    async function add(name: string, score: number, enabled = true): Promise<void> {
      await page().getByRole('textbox', { name: '新技能名' }).fill(name);
      await page().getByRole('spinbutton', { name: '新技能分值' }).fill(String(score));
      await page().getByRole('checkbox', { name: '启用新技能' }).setChecked(enabled);
      await button('添加技能').click();
      await page().getByRole('rowheader', { name, exact: true }).waitFor();
    }
    async function save(): Promise<void> {
      const edits = requestsTo(app, 'POST', NAME, 'skills').length;
      await button('保存技能').click();
      await page().getByRole('status').filter({ hasText: '技能已保存。' }).waitFor();
      // The whole edit went as ONE request.
      expect(requestsTo(app, 'POST', NAME, 'skills')).toHaveLength(edits + 1);
    }

    it('adds skills: the platform holds exactly those', async () => {
      await button('技能与分机').click();
      await page().getByText('暂无技能。').waitFor();
      await add('投诉', 5);
      await add('售后', 3);
      await add('咨询', 1);
      await page().getByText('有 3 项修改待保存。').waitFor();
      expect(platformAgent(app.emulator, NAME)?.skills).toEqual([]); // nothing sent yet
      await save();
      expect(platformAgent(app.emulator, NAME)?.skills).toEqual([
        { name: '投诉', score: 5, enabled: true },
        { name: '售后', score: 3, enabled: true },
        { name: '咨询', score: 1, enabled: true },
      ]);
    });

    it('changes a score, disables, removes and adds in one edit', async () => {
      await page().getByRole('spinbutton', { name: '售后 的分值' }).fill('8');
      await page().getByRole('checkbox', { name: '启用 投诉' }).uncheck();
      await button('删除 咨询').click();
      await add('理赔', 2);
      await page().getByText('有 4 项修改待保存。').waitFor();
      await save();
      const expected = [
        { name: '投诉', score: 5, enabled: false },
        { name: '售后', score: 8, enabled: true },
        { name: '理赔', score: 2, enabled: true },
      ];
      expect(platformAgent(app.emulator, NAME)?.skills).toEqual(expected);
      // The editor now shows what the platform read back.
      const names = await page().getByRole('table').getByRole('rowheader').allTextContents();
      expect(names).toEqual(expected.map((s) => s.name));
      expect(await page().getByRole('spinbutton', { name: '售后 的分值' }).inputValue()).toBe('8');
      expect(await page().getByRole('checkbox', { name: '启用 投诉' }).isChecked()).toBe(false);
      expect(await page().getByText('待保存').count()).toBe(0);
    });

    it('refuses a duplicate name inline and sends nothing', async () => {
      const edits = requestsTo(app, 'POST', NAME, 'skills').length;
      await page().getByRole('textbox', { name: '新技能名' }).fill('售后');
      await button('添加技能').click();
      await page().getByRole('alert').filter({ hasText: '已有同名技能。' }).waitFor();
      expect(await button('保存技能').isDisabled()).toBe(true);
      await waitFor(async () => (await page().getByRole('rowheader').count()) === 3, '3 rows');
      expect(requestsTo(app, 'POST', NAME, 'skills')).toHaveLength(edits);
    });
  });
});
