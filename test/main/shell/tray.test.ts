import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../../support/electron-fake'));

import { buildTrayMenu } from '../../../src/main/core/tray-model';
import { runTrayAction, setupTray, toMenuTemplate } from '../../../src/main/shell/tray';
import { electronFake, Menu, resetElectronFake } from '../../support/electron-fake';
import { FakeCore, T0, signedInSnapshot } from './fake-core';
import type { AppTray } from '../../../src/main/shell/tray';
import type { TrayAction } from '../../../src/main/core/desktop-core';
import type { FakeMenuItem, FakeTray } from '../../support/electron-fake';

let core: FakeCore;
let tray: AppTray;
let fake: FakeTray;
let now: number;
let actions: TrayAction[];
let clicks: number;
/** What a menu click runs (the tray is built once per test, in beforeEach). */
let onAction: (action: TrayAction) => void | Promise<unknown>;

function item(items: FakeMenuItem[] | undefined, label: string): FakeMenuItem {
  const found = items?.find((i) => i.label === label);
  if (!found) throw new Error(`no ${label} in ${items?.map((i) => i.label).join(', ')}`);
  return found;
}
const menu = () => fake.menu?.items;

beforeEach(() => {
  vi.useFakeTimers();
  resetElectronFake();
  core = new FakeCore();
  now = T0;
  actions = [];
  clicks = 0;
  onAction = (action) => void actions.push(action);
  tray = setupTray({
    core,
    iconDir: '/res/tray',
    language: () => 'zh-CN',
    onAction: (action) => onAction(action),
    onClick: () => clicks++,
    now: () => now,
  });
  fake = electronFake.trays[0]!;
});
afterEach(() => {
  tray.destroy();
  vi.useRealTimers();
});

describe('tray wiring', () => {
  it('starts with the signed-out icon, tooltip and menu', () => {
    expect(electronFake.trays).toHaveLength(1);
    expect(fake.image.path).toBe('/res/tray/signed-out.png');
    expect(fake.tooltip).toBe('壹耘座席 — 未签入');
    expect(item(menu(), '签出').enabled).toBe(false);
  });

  it('builds the native menu from the model', () => {
    const model = buildTrayMenu(core.current, core.currentSettings, 'zh-CN');
    expect(menu()?.map((i) => i.label ?? null)).toEqual(
      model.map((i) => (i.type === 'separator' ? null : i.label)),
    );
    expect(menu()?.[0]).toEqual({ label: '当前状态：未签入', enabled: false });
  });

  it('clicking items sends their actions', () => {
    core.setSnapshot(signedInSnapshot('idle'));
    item(menu(), '空闲').click?.();
    item(item(menu(), '忙碌').submenu, '小休').click?.();
    item(item(menu(), '离开').submenu, '午餐').click?.();
    item(menu(), '显示窗口').click?.();
    item(menu(), '签出').click?.();
    item(menu(), '退出').click?.();
    expect(actions).toEqual([
      { kind: 'set-state', state: 'idle' },
      { kind: 'set-state', state: 'busy/小休' },
      { kind: 'set-state', state: 'away/午餐' },
      { kind: 'show-window' },
      { kind: 'sign-out' },
      { kind: 'quit' },
    ]);
  });

  it('follows session:changed: icon, tooltip and checked state', () => {
    now = T0 + 65_000;
    core.setSnapshot(signedInSnapshot('busy/小休'));
    expect(fake.image.path).toBe('/res/tray/busy.png');
    expect(fake.tooltip).toBe('壹耘座席 — 忙碌 · 小休 · 01:05');
    expect(item(item(menu(), '忙碌').submenu, '小休')).toMatchObject({
      type: 'checkbox',
      checked: true,
    });
    const s = signedInSnapshot('busy/小休');
    core.setSnapshot({ ...s, platform: { ...s.platform, health: 'unreachable' } });
    expect(fake.image.path).toBe('/res/tray/trouble.png');
  });

  it('follows settings:changed: new reasons appear', () => {
    core.setSnapshot(signedInSnapshot('idle'));
    core.setSettings({ awayReasons: ['外出培训'] });
    expect(item(item(menu(), '离开').submenu, '外出培训').enabled).toBe(true);
  });

  it('rebuilds the native menu only when it changed', () => {
    core.setSnapshot(signedInSnapshot('idle'));
    const builds = Menu.buildFromTemplate.mock.calls.length;
    core.setSnapshot({ ...signedInSnapshot('idle'), lastKeepaliveAckAt: T0 + 30_000 });
    expect(Menu.buildFromTemplate.mock.calls.length).toBe(builds);
    expect(fake.setImage).not.toHaveBeenCalledWith(
      expect.objectContaining({ path: '/res/tray/signed-out.png' }),
    );
  });

  it('refreshes the time in state once a second while signed in, and only then', () => {
    expect(vi.getTimerCount()).toBe(0);
    core.setSnapshot(signedInSnapshot('away/午餐'));
    expect(vi.getTimerCount()).toBe(1);
    const before = fake.setToolTip.mock.calls.length;
    for (let i = 0; i < 10; i++) {
      now += 1000;
      vi.advanceTimersByTime(1000);
    }
    expect(fake.tooltip).toBe('壹耘座席 — 离开 · 午餐 · 00:10');
    // At most one wake-up (and tooltip write) per second.
    expect(fake.setToolTip.mock.calls.length - before).toBeLessThanOrEqual(10);
    core.setSnapshot({ ...core.current, phase: 'signed-out', state: null });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops everything when destroyed', () => {
    core.setSnapshot(signedInSnapshot('idle'));
    tray.destroy();
    expect(fake.destroyed).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    expect(core.listenerCount('session:changed')).toBe(0);
    core.setSnapshot(signedInSnapshot('busy'));
    expect(fake.image.path).toBe('/res/tray/idle.png');
  });

  it('a click on the icon brings the window (Windows/Linux)', () => {
    fake.emit('click');
    expect(clicks).toBe(1);
  });
});

describe('the tray’s check marks after a click', () => {
  let shown: number;
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  beforeEach(() => {
    // Clicks run as index.ts runs them; only promises to wait for, on real timers.
    vi.useRealTimers();
    shown = 0;
    onAction = (action) =>
      runTrayAction(action, { core, showWindow: () => void shown++, quit: () => {} });
    core.setSnapshot(signedInSnapshot('idle'));
  });

  it('a state change the platform refuses leaves the tick on the state the agent is still in', async () => {
    // E.g. a call started ringing while the menu was open: nothing changes.
    core.dispatch.mockResolvedValueOnce({ ok: false, error: { code: 'in-call', message: 'x' } });
    // The fake, like Electron, flips the clicked checkbox's tick before the action runs.
    item(item(menu(), '忙碌').submenu, '小休').click?.();
    await settle();
    expect(shown).toBe(1); // the window says why
    expect(item(item(menu(), '忙碌').submenu, '小休').checked).toBe(false);
    expect(item(menu(), '空闲').checked).toBe(true);
  });

  it('choosing the state the agent is already in keeps it ticked', async () => {
    // The core answers with the same snapshot: no session:changed follows.
    item(menu(), '空闲').click?.();
    await settle();
    expect(item(menu(), '空闲').checked).toBe(true);
  });
});

describe('toMenuTemplate', () => {
  it('escapes & in free-text reasons and maps headers and checks', () => {
    const template = toMenuTemplate(
      [
        {
          label: 'R&D',
          enabled: true,
          checked: false,
          action: { kind: 'set-state', state: 'busy/R&D' },
        },
        { label: 'Now', enabled: false, type: 'header' },
        { label: '', enabled: true, type: 'separator' },
      ],
      () => {},
    );
    expect(template[0]).toMatchObject({
      label: 'R&&D',
      type: 'checkbox',
      checked: false,
      enabled: true,
    });
    expect(template[1]).toEqual({ label: 'Now', enabled: false });
    expect(template[2]).toEqual({ type: 'separator' });
  });
});

describe('runTrayAction', () => {
  const deps = () => ({ core, showWindow: vi.fn(), quit: vi.fn() });

  it('set-state goes to the core as agent:set-state', async () => {
    const d = deps();
    await runTrayAction({ kind: 'set-state', state: 'away/午餐' }, d);
    expect(core.dispatch).toHaveBeenCalledWith('agent:set-state', { state: 'away/午餐' });
    expect(d.showWindow).not.toHaveBeenCalled();
  });

  it('a refused state change brings the window up to explain', async () => {
    const d = deps();
    core.dispatch.mockResolvedValueOnce({ ok: false, error: { code: 'in-call', message: 'x' } });
    await runTrayAction({ kind: 'set-state', state: 'idle' }, d);
    expect(d.showWindow).toHaveBeenCalled();
  });

  it('sign-out never forces; a pending question brings the window up', async () => {
    const d = deps();
    await runTrayAction({ kind: 'sign-out' }, d);
    expect(core.dispatch).toHaveBeenCalledWith('session:sign-out', { force: false });
    expect(d.showWindow).not.toHaveBeenCalled();
    core.current = { ...signedInSnapshot('talking'), question: { kind: 'force-sign-out' } };
    await runTrayAction({ kind: 'sign-out' }, d);
    expect(d.showWindow).toHaveBeenCalled();
  });

  it('show-window and quit are the shell’s', async () => {
    const d = deps();
    await runTrayAction({ kind: 'show-window' }, d);
    await runTrayAction({ kind: 'quit' }, d);
    expect(d.showWindow).toHaveBeenCalledTimes(1);
    expect(d.quit).toHaveBeenCalledTimes(1);
    expect(core.dispatch).not.toHaveBeenCalled();
  });
});
