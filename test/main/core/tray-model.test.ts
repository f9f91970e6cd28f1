import { describe, expect, it } from 'vitest';
import {
  buildTrayMenu,
  formatElapsed,
  MAX_TOOLTIP,
  trayIcon,
  trayTooltip,
} from '../../../src/main/core/tray-model';
import { resolveLanguage } from '../../../src/shared/i18n/tray';
import { initialSnapshot, readiness } from '../../../src/shared/snapshot';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import type { TrayMenuItem } from '../../../src/main/core/tray-model';
import type { SessionSnapshot } from '../../../src/shared/snapshot';

const T0 = 1_700_000_000_000;

function signedIn(state: string, over: Partial<SessionSnapshot> = {}): SessionSnapshot {
  const base = initialSnapshot('http://127.0.0.1:1', true, T0);
  return {
    ...base,
    phase: 'signed-in',
    profile: { name: 'agent', extension: '1000100001' },
    state,
    stateSince: T0,
    chosenState: state,
    platform: { ...base.platform, health: 'ok', lastAckAt: T0 },
    sip: { ...base.sip, state: 'registered' },
    ...over,
  };
}
const signedOut = initialSnapshot('http://127.0.0.1:1', true, T0);

function find(items: TrayMenuItem[], label: string): TrayMenuItem {
  const item = items.find((i) => i.label === label);
  if (!item) throw new Error(`no item ${label} in ${items.map((i) => i.label).join(', ')}`);
  return item;
}
const labels = (items: TrayMenuItem[] = []) => items.filter((i) => !i.type).map((i) => i.label);
const stateItems = (menu: TrayMenuItem[]) => [
  find(menu, '空闲'),
  find(menu, '忙碌'),
  find(menu, '离开'),
  ...(find(menu, '忙碌').submenu ?? []).filter((i) => i.action),
  ...(find(menu, '离开').submenu ?? []).filter((i) => i.action),
];

describe('trayIcon', () => {
  it.each([
    ['signed out', signedOut, 'signed-out'],
    ['signing in', { ...signedOut, phase: 'signing-in' as const }, 'signed-out'],
    ['online', signedIn('online'), 'online'],
    ['idle', signedIn('idle'), 'idle'],
    ['busy/小休', signedIn('busy/小休'), 'busy'],
    ['away/午餐', signedIn('away/午餐'), 'away'],
    ['fetching', signedIn('fetching'), 'fetching'],
    ['talking/呼入', signedIn('talking/呼入'), 'talking'],
    ['restoring', signedIn('idle', { phase: 'restoring' }), 'trouble'],
    // A state the app cannot name is not "Online" (the window's badge shows "?" too).
    ['no state known', signedIn('idle', { state: null }), 'unknown'],
    ['acw/整理', signedIn('acw/整理'), 'unknown'],
  ] as const)('%s → %s', (_name, snapshot, icon) => {
    expect(trayIcon(snapshot)).toBe(icon);
  });

  it('shows trouble when the platform is unreachable or refuses, or SIP fails', () => {
    const s = signedIn('idle');
    expect(trayIcon({ ...s, platform: { ...s.platform, health: 'unreachable' } })).toBe('trouble');
    expect(trayIcon({ ...s, platform: { ...s.platform, health: 'auth-failed' } })).toBe('trouble');
    expect(trayIcon({ ...s, sip: { ...s.sip, state: 'failed-auth' } })).toBe('trouble');
    expect(trayIcon({ ...s, sip: { ...s.sip, state: 'backing-off' } })).toBe('trouble');
    expect(trayIcon({ ...s, microphone: 'broken' })).toBe('trouble');
    expect(trayIcon({ ...s, microphone: 'unknown' })).toBe('idle');
    // Connecting/registering is normal progress, not trouble.
    expect(trayIcon({ ...s, sip: { ...s.sip, state: 'registering' } })).toBe('idle');
  });

  it('shows trouble whenever the readiness light shows a broken link', () => {
    // Signed in with the SIP line stopped (e.g. no SIP URL): the light says the SIP line is
    // broken, so the tray must not show a normal Idle icon.
    const s = signedIn('idle');
    const stopped = { ...s, sip: { ...s.sip, state: 'stopped' as const } };
    expect(readiness(stopped, stopped.microphone).broken).toBe('sip');
    expect(trayIcon(stopped)).toBe('trouble');
    expect(trayTooltip(stopped, T0, 'en')).toContain('SIP line not registered');
  });

  it('follows the call before the platform reports it', () => {
    const call = {
      id: 'c1',
      caller: '13800000000',
      phase: 'ringing' as const,
      ringingSince: T0,
      talkingSince: null,
      muted: false,
    };
    expect(trayIcon(signedIn('idle', { call }))).toBe('fetching');
    expect(trayIcon(signedIn('idle', { call: { ...call, phase: 'talking' } }))).toBe('talking');
  });
});

describe('trayTooltip', () => {
  it('names the state, the reason and the time in state', () => {
    const now = T0 + (12 * 60 + 34) * 1000;
    expect(trayTooltip(signedIn('busy/小休'), now, 'zh-CN')).toBe('壹耘座席 — 忙碌 · 小休 · 12:34');
    expect(trayTooltip(signedIn('away/午餐'), now, 'en')).toBe(
      'ONEYUN Agent — Away · 午餐 · 12:34',
    );
    expect(trayTooltip(signedIn('idle'), T0 + 3_723_000, 'en')).toBe(
      'ONEYUN Agent — Idle · 1:02:03',
    );
  });

  it('says signed out without a time, and names trouble', () => {
    expect(trayTooltip(signedOut, T0, 'zh-CN')).toBe('壹耘座席 — 未签入');
    const s = signedIn('idle');
    const down = { ...s, platform: { ...s.platform, health: 'unreachable' as const } };
    expect(trayTooltip(down, T0 + 5000, 'en')).toBe(
      'ONEYUN Agent — Idle · 00:05 · Platform unreachable, retrying',
    );
  });

  it('never exceeds the Windows limit, even with a 256-character reason', () => {
    const tip = trayTooltip(signedIn(`busy/${'长'.repeat(256)}`), T0, 'zh-CN');
    expect([...tip].length).toBeLessThanOrEqual(MAX_TOOLTIP);
    expect(tip.endsWith('…')).toBe(true);
  });

  it('never shows a negative time when clocks disagree', () => {
    expect(formatElapsed(-5000)).toBe('00:00');
  });
});

describe('buildTrayMenu', () => {
  it('signed out: header says so, state changes and sign-out are disabled', () => {
    const menu = buildTrayMenu(signedOut, DEFAULT_SETTINGS, 'zh-CN');
    expect(menu[0]).toMatchObject({ label: '当前状态：未签入', enabled: false, type: 'header' });
    for (const item of stateItems(menu)) expect(item.enabled).toBe(false);
    expect(find(menu, '签出').enabled).toBe(false);
    expect(find(menu, '显示窗口')).toMatchObject({
      enabled: true,
      action: { kind: 'show-window' },
    });
    expect(find(menu, '退出')).toMatchObject({ enabled: true, action: { kind: 'quit' } });
  });

  it('restoring: state changes wait, and sign-out is offered, as in the window (shared rules)', () => {
    const menu = buildTrayMenu(signedIn('idle', { phase: 'restoring' }), DEFAULT_SETTINGS, 'zh-CN');
    for (const item of stateItems(menu)) expect(item.enabled).toBe(false);
    expect(find(menu, '签出')).toMatchObject({ enabled: true, action: { kind: 'sign-out' } });
  });

  it('a long reason does not widen the menu: the header ends in …', () => {
    const menu = buildTrayMenu(signedIn(`busy/${'很'.repeat(250)}`), DEFAULT_SETTINGS, 'zh-CN');
    const header = menu[0]!.label;
    expect(header.startsWith('当前状态：忙碌 · 很很')).toBe(true);
    expect(header.endsWith('…')).toBe(true);
    expect([...header].length).toBeLessThanOrEqual(50);
  });

  it('online: every state change is offered, none is checked', () => {
    const menu = buildTrayMenu(signedIn('online'), DEFAULT_SETTINGS, 'zh-CN');
    expect(menu[0]?.label).toBe('当前状态：在线');
    for (const item of stateItems(menu)) {
      expect(item.enabled).toBe(true);
      expect(item.checked ?? false).toBe(false);
    }
    expect(find(menu, '签出')).toMatchObject({ enabled: true, action: { kind: 'sign-out' } });
  });

  it('idle: Idle is checked and sets idle', () => {
    const menu = buildTrayMenu(signedIn('idle'), DEFAULT_SETTINGS, 'en');
    expect(find(menu, 'Idle')).toMatchObject({
      checked: true,
      action: { kind: 'set-state', state: 'idle' },
    });
  });

  it('busy/小休: Busy ▸ offers no-reason, recent then preset reasons, without duplicates', () => {
    const snapshot = signedIn('busy/小休', {
      recentReasons: { busy: ['外呼回访', '小休', '外呼回访', '会议'], away: [] },
    });
    const settings = { ...DEFAULT_SETTINGS, busyReasons: ['小休', '会议', '培训', '小休'] };
    const busy = find(buildTrayMenu(snapshot, settings, 'zh-CN'), '忙碌').submenu ?? [];
    // The window's reason picker lists them in this order too (recent first, newest first).
    expect(labels(busy)).toEqual(['不填原因', '外呼回访', '小休', '会议', '培训']);
    expect(busy.find((i) => i.label === '最近使用')?.type).toBe('header');
    expect(find(busy, '不填原因').action).toEqual({ kind: 'set-state', state: 'busy' });
    expect(find(busy, '小休')).toMatchObject({
      checked: true,
      action: { kind: 'set-state', state: 'busy/小休' },
    });
    expect(find(busy, '外呼回访').action).toEqual({ kind: 'set-state', state: 'busy/外呼回访' });
  });

  it('away/午餐: Away ▸ uses the away presets and marks the current one', () => {
    const menu = buildTrayMenu(signedIn('away/午餐'), DEFAULT_SETTINGS, 'zh-CN');
    expect(menu[0]?.label).toBe('当前状态：离开 · 午餐');
    const away = find(menu, '离开').submenu ?? [];
    expect(labels(away)).toEqual(['不填原因', ...DEFAULT_SETTINGS.awayReasons]);
    expect(find(away, '午餐').checked).toBe(true);
    expect(away.filter((i) => i.type === 'header')).toHaveLength(0);
  });

  it('leaves out reasons the platform would refuse', () => {
    const settings = { ...DEFAULT_SETTINGS, awayReasons: ['午餐', 'a//b', '/lead'] };
    const away = find(buildTrayMenu(signedIn('idle'), settings, 'zh-CN'), '离开').submenu ?? [];
    expect(labels(away)).toEqual(['不填原因', '午餐']);
  });

  it('caps the recently used list', () => {
    const recent = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'];
    const snapshot = signedIn('idle', { recentReasons: { busy: recent, away: [] } });
    const busy = find(
      buildTrayMenu(snapshot, { ...DEFAULT_SETTINGS, busyReasons: [] }, 'en'),
      'Busy',
    );
    expect(labels(busy.submenu)).toEqual(['No reason', 'r1', 'r2', 'r3', 'r4', 'r5']);
  });

  it.each(['fetching', 'talking/呼入'])(
    '%s: state changes are disabled, sign-out stays',
    (state) => {
      const menu = buildTrayMenu(signedIn(state), DEFAULT_SETTINGS, 'zh-CN');
      for (const item of stateItems(menu)) expect(item.enabled).toBe(false);
      expect(find(menu, '签出').enabled).toBe(true);
    },
  );

  it('a ringing call disables state changes even before the platform says fetching', () => {
    const call = {
      id: 'c1',
      caller: 'x',
      phase: 'ringing' as const,
      ringingSince: T0,
      talkingSince: null,
      muted: false,
    };
    const menu = buildTrayMenu(signedIn('idle', { call }), DEFAULT_SETTINGS, 'en');
    expect(find(menu, 'Idle').enabled).toBe(false);
  });

  it('unreachable platform: a warning line under the header', () => {
    const s = signedIn('idle');
    const menu = buildTrayMenu(
      { ...s, platform: { ...s.platform, health: 'unreachable' } },
      DEFAULT_SETTINGS,
      'zh-CN',
    );
    expect(menu[1]).toMatchObject({
      label: '⚠ 平台无法连接，正在重试',
      enabled: false,
      type: 'header',
    });
  });

  it('has the same shape in both languages', () => {
    const shape = (items: TrayMenuItem[]): unknown =>
      items.map((i) => [
        i.type ?? '',
        i.enabled,
        i.action ?? null,
        i.submenu ? shape(i.submenu) : null,
      ]);
    const s = signedIn('busy/小休');
    expect(shape(buildTrayMenu(s, DEFAULT_SETTINGS, 'en'))).toEqual(
      shape(buildTrayMenu(s, DEFAULT_SETTINGS, 'zh-CN')),
    );
  });
});

describe('resolveLanguage', () => {
  it('maps system to zh-CN for Chinese locales and en otherwise', () => {
    expect(resolveLanguage('system', 'zh-CN')).toBe('zh-CN');
    expect(resolveLanguage('system', 'zh-TW')).toBe('zh-CN');
    expect(resolveLanguage('system', 'en-US')).toBe('en');
    expect(resolveLanguage('system', 'de')).toBe('en');
    expect(resolveLanguage('en', 'zh-CN')).toBe('en');
  });
});
