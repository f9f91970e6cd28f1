/**
 * The composition root wires ringing and hotkeys: a ringing call in the core's snapshot raises
 * the window and notifies, the default hotkeys are registered at start and released on quit.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeCore, signedInSnapshot, T0 } from './fake-core';
import type * as ElectronFake from '../../support/electron-fake';

const created = vi.hoisted(() => ({ core: null as unknown }));
vi.mock('electron', () => import('../../support/electron-fake'));
vi.mock('../../../src/main/core/create-core', () => ({
  createDesktopCore: async () => created.core,
}));

let fake: typeof ElectronFake;
let core: FakeCore;
const signals = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };
const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
};

beforeEach(async () => {
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  core = new FakeCore();
  created.core = core;
  vi.resetModules();
  fake = (await import('electron')) as unknown as typeof ElectronFake;
  fake.resetElectronFake();
  await import('../../../src/main/shell/index');
  await settle();
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    for (const l of process.listeners(signal))
      if (!signals[signal].includes(l)) process.off(signal, l);
  }
});

describe('composition: ringing and hotkeys', () => {
  it('a ringing call brings the hidden window up, blinks the tray and notifies', () => {
    const [win] = fake.electronFake.windows;
    expect(win!.visible).toBe(false);
    core.setSnapshot({
      ...signedInSnapshot('fetching'),
      call: {
        id: 'c1',
        caller: '139',
        phase: 'ringing',
        ringingSince: T0,
        talkingSince: null,
        muted: false,
      },
    });
    expect(win!.visible).toBe(true);
    expect(win!.flashing).toBe(true);
    // Shown, not activated: the keyboard stays with the app the agent types in.
    expect(win!.focused).toBe(false);
    expect(fake.electronFake.trays[0]!.image.path).toMatch(/fetching\.png$/);
    expect(fake.electronFake.notifications).toHaveLength(1);
  });

  it('registers the hotkeys at start and releases them on quit', async () => {
    expect([...fake.globalShortcut.registered.keys()]).toHaveLength(4);
    fake.app.quit();
    await settle();
    expect(fake.app.quitting).toBe(true);
    expect(fake.globalShortcut.registered.size).toBe(0);
  });
});
