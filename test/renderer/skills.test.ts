import { describe, expect, it } from 'vitest';
import { FakeApi, fail, ok, signedInSnapshot } from './fake-api';
import { click, getByRole, queryAllByRole, queryByRole, submit, textIn, type } from './queries';
import { mountApp, settle } from './setup';
import { MAX_SKILL_NAME_LENGTH, applySkillOps } from '../../src/shared/domain/agent';
import { COMMANDS } from '../../src/shared/ipc/contract';
import type { Skill } from '../../src/shared/domain/agent';

/**
 * Main and the platform as far as skills go: the payload must pass the contract's schema (as
 * main's router checks it, refusing with the validation text), then the platform applies the
 * ops as parsed and the read-back is pushed.
 */
function platformBehindContract(api: FakeApi): void {
  api.handlers.editSkills = (opts) => {
    const parsed = COMMANDS['agent:edit-skills'].safeParse({ opts });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return Promise.resolve(fail('invalid-input', `${issue?.path.join('.')}: ${issue?.message}`));
    }
    const agent = api.snapshot.agent!;
    const skills = applySkillOps(agent.skills, parsed.data.opts).skills;
    api.push({ ...api.snapshot, agent: { ...agent, skills } });
    return Promise.resolve(ok(api.snapshot));
  };
}

/** Opens Skills & extension; with `skills`, the agent has those; `platform`: edits pass the contract and reach the platform. */
async function openSkills(skills?: Skill[], platform = false) {
  const api = new FakeApi();
  api.snapshot = signedInSnapshot();
  if (skills) api.snapshot = { ...api.snapshot, agent: { ...api.snapshot.agent!, skills } };
  if (platform) platformBehindContract(api);
  const mounted = await mountApp(api);
  await click(getByRole('button', { name: '技能与分机' }));
  return mounted;
}

describe('skills', () => {
  it('sends the whole edit as ONE ordered list of operations', async () => {
    const { api } = await openSkills();
    await click(getByRole('button', { name: '删除 sales' }));
    await type(getByRole('spinbutton', { name: 'support 的分值' }), 8);
    await type(getByRole('checkbox', { name: '启用 support' }), true);
    await type(getByRole('textbox', { name: '新技能名' }), 'billing');
    await type(getByRole('spinbutton', { name: '新技能分值' }), 3);
    await submit(getByRole('textbox', { name: '新技能名' }).closest('form')!);
    expect(textIn()).toContain('有 3 项修改待保存。');
    await click(getByRole('button', { name: '保存技能' }));
    expect(api.callsOf('editSkills')).toEqual([
      [
        [
          { opt: 2, name: 'sales' },
          { opt: 1, name: 'support', score: 8, enabled: true },
          { opt: 1, name: 'billing', score: 3, enabled: true },
        ],
      ],
    ]);
  });

  it('counts pending changes in English grammar', async () => {
    const api = new FakeApi();
    api.snapshot = signedInSnapshot();
    await mountApp(api, { language: 'en' });
    await click(getByRole('button', { name: 'Skills & extension' }));
    await click(getByRole('button', { name: 'Remove sales' }));
    expect(textIn()).toContain('1 change not saved yet.');
    await type(getByRole('textbox', { name: 'New skill name' }), 'billing');
    await submit(getByRole('textbox', { name: 'New skill name' }).closest('form')!);
    expect(textIn()).toContain('2 changes not saved yet.');
  });

  it('clear all is a single opt 0', async () => {
    const { api } = await openSkills();
    await click(getByRole('button', { name: '清空全部技能' }));
    expect(textIn()).toContain('暂无技能。');
    await click(getByRole('button', { name: '保存技能' }));
    expect(api.callsOf('editSkills')).toEqual([[[{ opt: 0 }]]]);
  });

  it('sends nothing when nothing changed, and refuses bad input locally', async () => {
    const { api } = await openSkills();
    expect((getByRole('button', { name: '保存技能' }) as HTMLButtonElement).disabled).toBe(true);
    await type(getByRole('textbox', { name: '新技能名' }), 'sales');
    await click(getByRole('button', { name: '添加技能' }));
    expect(getByRole('alert').textContent).toContain('已有同名技能。');
    expect(api.callsOf('editSkills')).toEqual([]);
  });

  it('undo restores what the platform reported', async () => {
    await openSkills();
    await click(getByRole('button', { name: '删除 sales' }));
    await click(getByRole('button', { name: '撤销修改' }));
    expect(getByRole('button', { name: '删除 sales' })).toBeTruthy();
  });

  it('shows a refusal as a sentence', async () => {
    const { api } = await openSkills();
    api.handlers.editSkills = () => Promise.resolve(fail('000001', '参数错误'));
    await click(getByRole('button', { name: '删除 sales' }));
    await click(getByRole('button', { name: '保存技能' }));
    expect(getByRole('alert').textContent).toContain('平台拒绝了请求：参数错误。');
  });
});

describe('extension', () => {
  it('shows the bound extension and changes it with one setExtension', async () => {
    const { api } = await openSkills();
    // Its number (the line's SIP user), as the sign-in list shows it, not only the id.
    expect(textIn()).toContain('当前分机：1000100001 · ext1');
    // The number and id set apart from the sentence (monospace), the words in the page's font.
    expect(document.querySelector('.current code')?.textContent).toBe('1000100001 · ext1');
    await type(getByRole('combobox', { name: '更换分机' }), 'ext2');
    await click(getByRole('button', { name: '更换' }));
    expect(api.callsOf('setExtension')).toEqual([['ext2']]);
    expect(textIn()).toContain('分机已更换。');
  });

  it("never pairs the new extension id with the old extension's SIP number", async () => {
    const { api } = await openSkills();
    expect(textIn()).toContain('当前分机：1000100001 · ext1');
    // Bound to ext2 now; the SIP line has not (yet, or could not) moved: still ext1's AOR.
    api.push({
      ...api.snapshot,
      profile: { ...api.snapshot.profile!, extension: 'ext2' },
      agent: { ...api.snapshot.agent!, extension: 'ext2' },
    });
    await settle();
    // ext2's number is 1000100002; "1000100001 · ext2" would tell the agent a wrong number.
    expect(textIn()).not.toContain('1000100001 · ext2');
    expect(textIn()).toContain('当前分机：1000100002 · ext2');
  });

  it.each(['talking', 'fetching'])(
    'will not change the extension during a call (%s): it would end the call',
    async (state) => {
      const api = new FakeApi();
      api.snapshot = signedInSnapshot({ state });
      await mountApp(api);
      await click(getByRole('button', { name: '技能与分机' }));
      await type(getByRole('combobox', { name: '更换分机' }), 'ext2');
      const change = getByRole('button', { name: '更换' }) as HTMLButtonElement;
      expect(change.disabled).toBe(true);
      expect(textIn()).toContain('振铃或通话中不能更换分机：更换会挂断当前通话。');
      await click(change);
      expect(api.callsOf('setExtension')).toEqual([]);
      // The call over, the change can be made.
      api.push(signedInSnapshot({ state: 'idle' }));
      await settle();
      expect(change.disabled).toBe(false);
      expect(textIn()).not.toContain('振铃或通话中不能更换分机');
    },
  );

  it('an extension change that could not get through asks the agent to try again', async () => {
    const { api } = await openSkills();
    // Nothing sends the change again: no "reconnects by itself".
    api.handlers.setExtension = () => Promise.resolve(fail('transport'));
    await type(getByRole('combobox', { name: '更换分机' }), 'ext2');
    await click(getByRole('button', { name: '更换' }));
    expect(getByRole('alert').textContent).toContain('更换失败。无法连接平台。请检查网络后重试。');
  });

  it('says what to do when the extension is taken', async () => {
    const { api } = await openSkills();
    api.handlers.setExtension = () => Promise.resolve(fail('040102'));
    await type(getByRole('combobox', { name: '更换分机' }), 'ext2');
    await click(getByRole('button', { name: '更换' }));
    expect(getByRole('alert').textContent).toContain('该分机已绑定其他座席。请选择其他分机');
  });
});

const skillNames = () =>
  queryAllByRole('row')
    .slice(1)
    .map((r) => r.querySelector('th')?.textContent ?? '');

describe('skills: what the platform holds besides this edit', () => {
  it('leaves alone a skill a supervisor or another window added while the agent was editing', async () => {
    const { api } = await openSkills(undefined, true);
    // The agent changes one score...
    await type(getByRole('spinbutton', { name: 'support 的分值' }), 8);
    // ...meanwhile a supervisor (or the agent's other window) adds "vip"; the keepalive's
    // read-back brings it into the snapshot.
    const agent = api.snapshot.agent!;
    api.push({
      ...api.snapshot,
      agent: { ...agent, skills: [...agent.skills, { name: 'vip', score: 7, enabled: true }] },
    });
    await settle();
    // One change made by the agent: one change pending.
    expect(textIn()).toContain('有 1 项修改待保存。');
    await click(getByRole('button', { name: '保存技能' }));
    const sent = api.callsOf('editSkills')[0]![0];
    expect(sent).toEqual([{ opt: 1, name: 'support', score: 8, enabled: false }]);
    expect(api.snapshot.agent!.skills.map((s) => s.name)).toContain('vip');
    expect(skillNames()).toContain('vip');
  });

  it('keeps a score a supervisor changed during the edit when the save clears all and re-adds', async () => {
    const five = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name, score: 1, enabled: true }));
    const { api } = await openSkills(five, true);
    // Removing four of five is sent as "clear all, then add e" (the shorter list)...
    for (const name of ['a', 'b', 'c', 'd'])
      await click(getByRole('button', { name: `删除 ${name}` }));
    // ...while a supervisor raises e's score on the platform.
    const agent = api.snapshot.agent!;
    api.push({
      ...api.snapshot,
      agent: {
        ...agent,
        skills: agent.skills.map((s) => (s.name === 'e' ? { ...s, score: 9 } : s)),
      },
    });
    await settle();
    await click(getByRole('button', { name: '保存技能' }));
    expect(queryByRole('alert')?.textContent ?? '').toBe('');
    expect(api.snapshot.agent!.skills).toEqual([{ name: 'e', score: 9, enabled: true }]);
  });

  it('leaves removed a skill a supervisor removed during the edit', async () => {
    const three = ['a', 'b', 'c'].map((name) => ({ name, score: 1, enabled: true }));
    const { api } = await openSkills(three, true);
    await type(getByRole('spinbutton', { name: 'a 的分值' }), 5);
    const agent = api.snapshot.agent!;
    api.push({
      ...api.snapshot,
      agent: { ...agent, skills: agent.skills.filter((s) => s.name !== 'c') },
    });
    await settle();
    await click(getByRole('button', { name: '保存技能' }));
    expect(api.snapshot.agent!.skills).toEqual([
      { name: 'a', score: 5, enabled: true },
      { name: 'b', score: 1, enabled: true },
    ]);
  });

  it('removes a skill whose platform name has a space at its end', async () => {
    const { api } = await openSkills(
      [
        { name: 'sales', score: 10, enabled: true },
        { name: 'vip ', score: 5, enabled: true },
      ],
      true,
    );
    await click(getByRole('button', { name: /^删除 vip\s*$/ }));
    await click(getByRole('button', { name: '保存技能' }));
    expect(queryByRole('alert')?.textContent ?? '').toBe('');
    expect(api.snapshot.agent!.skills.map((s) => s.name)).toEqual(['sales']);
    expect(skillNames()).toEqual(['sales']);
  });
});

describe('skills: large lists', () => {
  it('with 250 skills, "clear all" then adding one skill saves', async () => {
    const many = Array.from({ length: 250 }, (_, i) => ({
      name: `skill_${i}`,
      score: i % 100,
      enabled: i % 2 === 0,
    }));
    const { api } = await openSkills(many, true);
    await click(getByRole('button', { name: '清空全部技能' }));
    await type(getByRole('textbox', { name: '新技能名' }), 'billing');
    await type(getByRole('spinbutton', { name: '新技能分值' }), 3);
    await submit(getByRole('textbox', { name: '新技能名' }).closest('form')!);
    await click(getByRole('button', { name: '保存技能' }));
    expect(queryByRole('alert')?.textContent ?? '').toBe('');
    expect(api.callsOf('editSkills')[0]![0]).toEqual([
      { opt: 0 },
      { opt: 1, name: 'billing', score: 3, enabled: true },
    ]);
    expect(api.snapshot.agent!.skills).toEqual([{ name: 'billing', score: 3, enabled: true }]);
  });

  it('with 250 skills, removing 201 of them saves', async () => {
    const many = Array.from({ length: 250 }, (_, i) => ({
      name: `skill_${i}`,
      score: 1,
      enabled: true,
    }));
    const { api } = await openSkills(many, true);
    for (let i = 0; i < 201; i++) await click(getByRole('button', { name: `删除 skill_${i}` }));
    await click(getByRole('button', { name: '保存技能' }));
    expect(queryByRole('alert')?.textContent ?? '').toBe('');
    expect(api.snapshot.agent!.skills).toHaveLength(49);
    // 201 clicks through the DOM queries: ~2 s alone, more on a loaded machine.
  }, 20_000);

  it('refuses, before sending, an edit of a platform skill whose name is longer than main takes', async () => {
    const long = 'x'.repeat(MAX_SKILL_NAME_LENGTH + 1);
    const sales = { name: 'sales', score: 1, enabled: true };
    const { api } = await openSkills([sales, { name: long, score: 1, enabled: true }], true);
    await type(getByRole('spinbutton', { name: `${long} 的分值` }), 8);
    await click(getByRole('button', { name: '保存技能' }));
    expect(getByRole('alert').textContent).toBe(
      '保存失败：平台不接受这些技能修改，请检查技能名后重试。',
    );
    expect(api.callsOf('editSkills')).toEqual([]);
    // The edit is kept: nothing the agent typed is lost.
    expect((getByRole('spinbutton', { name: `${long} 的分值` }) as HTMLInputElement).value).toBe(
      '8',
    );
  });

  it('removes a platform skill whose name is as long as main takes', async () => {
    const long = 'x'.repeat(MAX_SKILL_NAME_LENGTH);
    const sales = { name: 'sales', score: 1, enabled: true };
    const { api } = await openSkills([sales, { name: long, score: 1, enabled: true }], true);
    await click(getByRole('button', { name: `删除 ${long}` }));
    await click(getByRole('button', { name: '保存技能' }));
    expect(queryByRole('alert')?.textContent ?? '').toBe('');
    expect(api.callsOf('editSkills')).toEqual([[[{ opt: 2, name: long }]]]);
    expect(api.snapshot.agent!.skills).toEqual([sales]);
  });

  it("tells a refused edit in the agent's language, never as validation text", async () => {
    const api = new FakeApi();
    api.snapshot = signedInSnapshot();
    api.handlers.editSkills = () =>
      Promise.resolve(fail('invalid-input', 'opts: Array must contain at most 200 element(s)'));
    await mountApp(api, { language: 'en' });
    await click(getByRole('button', { name: 'Skills & extension' }));
    await click(getByRole('button', { name: 'Remove sales' }));
    await click(getByRole('button', { name: 'Save skills' }));
    const alert = getByRole('alert').textContent ?? '';
    expect(alert).toContain('Saving failed: these skill changes were not accepted.');
    expect(alert).not.toContain('opts');
  });
});

describe('skills: edits made while a save is on its way', () => {
  it('keeps a change made while the platform was still answering the save', async () => {
    const api = new FakeApi();
    api.snapshot = signedInSnapshot();
    let release: () => void = () => undefined;
    api.handlers.editSkills = (opts) =>
      new Promise((resolve) => {
        release = () => {
          const agent = api.snapshot.agent!;
          api.push({
            ...api.snapshot,
            agent: { ...agent, skills: applySkillOps(agent.skills, opts).skills },
          });
          resolve(ok(api.snapshot));
        };
      });
    await mountApp(api);
    await click(getByRole('button', { name: '技能与分机' }));
    await type(getByRole('spinbutton', { name: 'sales 的分值' }), 20);
    await click(getByRole('button', { name: '保存技能' }));
    // The platform is slow; the agent enables "support" meanwhile.
    await type(getByRole('checkbox', { name: '启用 support' }), true);
    release();
    await settle();
    expect(api.snapshot.agent!.skills.find((s) => s.name === 'sales')!.score).toBe(20);
    // The second change was never sent: it is still there to save, not silently gone.
    const support = getByRole('checkbox', { name: '启用 support' }) as HTMLInputElement;
    expect(support.checked).toBe(true);
    expect(textIn()).toContain('有 1 项修改待保存。');
  });
});

describe('skills: unsaved edits and the other screens', () => {
  it('an unsaved edit is still there after a look at the Team screen', async () => {
    await openSkills();
    await type(getByRole('spinbutton', { name: 'sales 的分值' }), 20);
    expect(textIn()).toContain('有 1 项修改待保存。');
    await click(getByRole('button', { name: '团队' }));
    await settle();
    await click(getByRole('button', { name: '技能与分机' }));
    await settle();
    const score = getByRole('spinbutton', { name: 'sales 的分值' }) as HTMLInputElement;
    expect(score.value).toBe('20');
    expect(textIn()).toContain('有 1 项修改待保存。');
  });

  it("another agent signing in on this window never sees the last one's unsaved edit", async () => {
    const { api } = await openSkills();
    await type(getByRole('spinbutton', { name: 'sales 的分值' }), 20);
    await click(getByRole('button', { name: '团队' }));
    const next = signedInSnapshot();
    api.push({ ...next, profile: { ...next.profile!, name: 'agent_02' } });
    await settle();
    await click(getByRole('button', { name: '技能与分机' }));
    await settle();
    const score = getByRole('spinbutton', { name: 'sales 的分值' }) as HTMLInputElement;
    expect(score.value).toBe('10');
    expect(textIn()).not.toContain('待保存');
  });
});
