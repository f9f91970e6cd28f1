/**
 * The tray while the gateway asks for the agent's password again (a lapsed or revoked token):
 * with the window hidden it is the only place the agent can see it. The readiness light does not
 * call the platform broken then (it is not: it still routes calls), so the tray says what to do
 * in its own words — and leaves a call's icon alone while one is on the line.
 */
import { describe, expect, it } from 'vitest';
import { buildTrayMenu, trayIcon, trayTooltip } from '../../../src/main/core/tray-model';
import { signedInSnapshot, T0 } from '../shell/fake-core';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import type { CallInfo, SessionSnapshot } from '../../../src/shared/snapshot';

const lapsed = { code: 'gateway-signed-out' as const, message: 'HTTP 401' };

/** Signed in through a gateway whose token lapsed: the platform cannot be read. */
function lapse(state: string, over: Partial<SessionSnapshot> = {}): SessionSnapshot {
  const base = signedInSnapshot(state);
  return {
    ...base,
    platform: {
      ...base.platform,
      demo: false,
      health: 'faulty',
      lastAckAt: null,
      lastError: lapsed,
    },
    lastError: lapsed,
    access: { mode: 'gateway', signInNeeded: true },
    ...over,
  };
}

describe('tray while the gateway asks for the password again', () => {
  it('shows trouble and says to sign in again, in the tooltip and the menu', () => {
    const snapshot = lapse('idle');
    expect(trayIcon(snapshot)).toBe('trouble');
    expect(trayTooltip(snapshot, T0, 'zh-CN')).toContain('请重新登录');
    expect(trayTooltip(snapshot, T0, 'en')).toContain('sign in again');
    const menu = buildTrayMenu(snapshot, DEFAULT_SETTINGS, 'en');
    expect(menu.map((i) => i.label)).toContainEqual(expect.stringMatching(/^⚠ .*sign in again/));
  });

  it('after a call that ended meanwhile too (the state left as the platform last showed it)', () => {
    expect(trayIcon(lapse('talking'))).toBe('trouble');
  });

  it('leaves the call on the line its icon', () => {
    const call: CallInfo = {
      id: 'c1',
      phase: 'talking',
      caller: '13900001234',
      ringingSince: T0,
      talkingSince: T0,
      muted: false,
    };
    expect(trayIcon(lapse('talking', { call }))).toBe('talking');
  });
});

describe('tray when the agent gateway cannot be reached', () => {
  it('names the gateway, not the platform, in the tooltip', () => {
    const base = signedInSnapshot('idle');
    const down = { code: 'transport' as const, message: 'connect ECONNREFUSED' };
    const snapshot: SessionSnapshot = {
      ...base,
      platform: { ...base.platform, demo: false, health: 'unreachable', lastError: down },
      access: { mode: 'gateway', signInNeeded: false },
    };
    expect(trayTooltip(snapshot, T0, 'zh-CN')).toContain('座席网关无法连接');
    expect(trayTooltip(snapshot, T0, 'en')).toContain('Agent gateway unreachable');
    // The same snapshot from a desktop that holds the key speaks of the platform.
    const direct = { ...snapshot, access: { mode: 'direct' as const, signInNeeded: false } };
    expect(trayTooltip(direct, T0, 'en')).toContain('Platform unreachable');
  });
});

describe('tray while a sign-out the agent asked for is not taken yet', () => {
  it('says it is still on its way: the agent is signed in meanwhile', () => {
    const snapshot: SessionSnapshot = { ...signedInSnapshot('idle'), signOutPending: true };
    expect(trayTooltip(snapshot, T0, 'zh-CN')).toContain('签出尚未完成，正在重试');
    expect(trayTooltip(snapshot, T0, 'en')).toContain('Sign-out not taken yet');
    expect(trayTooltip(signedInSnapshot('idle'), T0, 'en')).not.toContain('Sign-out');
  });
});
