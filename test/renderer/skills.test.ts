import { describe, expect, it } from 'vitest';
import { FakeApi, fail, signedInSnapshot } from './fake-api';
import { click, getByRole, submit, textIn, type } from './queries';
import { mountApp, settle } from './setup';

async function openSkills() {
  const api = new FakeApi();
  api.snapshot = signedInSnapshot();
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
    await type(getByRole('combobox', { name: '更换分机' }), 'ext2');
    await click(getByRole('button', { name: '更换' }));
    expect(api.callsOf('setExtension')).toEqual([['ext2']]);
    expect(textIn()).toContain('分机已更换。');
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

  it('says what to do when the extension is taken', async () => {
    const { api } = await openSkills();
    api.handlers.setExtension = () => Promise.resolve(fail('040102'));
    await type(getByRole('combobox', { name: '更换分机' }), 'ext2');
    await click(getByRole('button', { name: '更换' }));
    expect(getByRole('alert').textContent).toContain('该分机已绑定其他座席。请选择其他分机');
  });
});
