/**
 * No speaker or headset: the window's device list knows, main learns it (`media:output`), and
 * the tray — what the agent looks at while the window is hidden — warns instead of showing the
 * green "idle, can take calls" icon, as the window's readiness light does. The real core against
 * the demo platform with its SIP line registered.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDesktopCore } from '../../../src/main/core/create-core';
import { buildTrayMenu, trayIcon, trayTooltip } from '../../../src/main/core/tray-model';
import { startDemoPlatform } from '../../../src/emulator/demo-platform';
import { DEMO_EXTENSIONS } from '../../../src/emulator/index';
import { MemorySecretStore, silentLogger } from '../../../src/lib/ports';
import { waitFor } from '../../support/wait';
import type { Core } from '../../../src/main/core/create-core';

const ext = DEMO_EXTENSIONS[4]!;
let core: Core;
let pushes: number;
const snap = () => core.snapshot();
const tooltip = (language: 'zh-CN' | 'en' = 'zh-CN') => trayTooltip(snap(), Date.now(), language);
const headers = () =>
  buildTrayMenu(snap(), core.settings(), 'zh-CN')
    .filter((item) => item.type === 'header')
    .map((item) => item.label);

beforeEach(async () => {
  core = await createDesktopCore({
    secrets: new MemorySecretStore(),
    settingsFile: null,
    startEmbedded: (log) => startDemoPlatform(log),
    keepaliveMs: 60_000,
    logger: silentLogger,
  });
  await core.dispatch('session:sign-in', {
    name: 'output_agent',
    extension: ext.id,
    initialState: 'idle',
  });
  await waitFor(() => snap().sip.state === 'registered', 'registered');
  await core.dispatch('media:microphone', { health: 'ok' });
  pushes = 0;
  core.on('session:changed', () => void pushes++);
});
afterEach(() => core.shutdown(3_000));

describe('the tray without a speaker or headset', () => {
  it('is green until the window says otherwise: an unreported output is not "none"', () => {
    expect(snap().soundOutput).toBeNull();
    expect(trayIcon(snap())).toBe('idle');
    expect(tooltip()).not.toContain('扬声器');
  });

  it('warns while the window lists no audio output, and is green again once one is back', async () => {
    expect(await core.dispatch('media:output', { connected: false })).toEqual({
      ok: true,
      value: null,
    });
    expect(snap().soundOutput).toBe('none');
    expect(trayIcon(snap())).not.toBe('idle');
    expect(trayIcon(snap())).toBe('trouble');
    expect(tooltip()).toContain('未连接扬声器或耳机');
    expect(tooltip('en')).toContain('No speaker or headset connected');
    expect(headers()).toContain('⚠ 未连接扬声器或耳机');
    expect(pushes).toBe(1);

    // The same answer again (another device change) pushes nothing.
    await core.dispatch('media:output', { connected: false });
    expect(pushes).toBe(1);

    await core.dispatch('media:output', { connected: true });
    expect(snap().soundOutput).toBe('connected');
    expect(trayIcon(snap())).toBe('idle');
    expect(tooltip()).not.toContain('扬声器');
    expect(headers().some((label) => label.startsWith('⚠'))).toBe(false);
    expect(pushes).toBe(2);
  });

  it('follows the one rule: busy keeps its own icon, a broken link stays the trouble named', async () => {
    await core.dispatch('media:output', { connected: false });
    await core.dispatch('media:microphone', { health: 'broken' });
    expect(tooltip()).toContain('麦克风不可用');
    expect(tooltip()).not.toContain('扬声器');
    await core.dispatch('media:microphone', { health: 'ok' });
    await core.dispatch('agent:set-state', { state: 'busy' });
    expect(trayIcon(snap())).toBe('busy');
    expect(tooltip()).not.toContain('扬声器');
  });

  it.each([
    ['a string', { connected: 'false' }],
    ['a number', { connected: 0 }],
    ['null', { connected: null }],
    ['nothing', {}],
    ['an extra field', { connected: true, speaker: 'x' }],
  ])('refuses %s as invalid input and keeps what it knew', async (_name, payload) => {
    await core.dispatch('media:output', { connected: false });
    const result = await core.dispatch('media:output', payload);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('invalid-input');
    expect(snap().soundOutput).toBe('none');
    expect(trayIcon(snap())).toBe('trouble');
  });
});
