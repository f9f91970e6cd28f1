/**
 * The composition root gives the updater what it needs to keep downloads out of calls: whether
 * a call is up, the session's changes, and where to note a downloaded update across restarts
 * (the updater's own behaviour is in updater-floor.test.ts).
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeCore, signedInSnapshot, T0 } from './fake-core';
import type { UpdateOptions } from '../../../src/main/shell/updater';

const created = vi.hoisted(() => ({
  core: null as unknown,
  updater: [] as unknown[],
}));
vi.mock('electron', () => import('../../support/electron-fake'));
vi.mock('../../../src/main/core/create-core', () => ({
  createDesktopCore: async () => created.core,
}));
vi.mock('../../../src/main/shell/updater', () => ({
  setupAutoUpdate: (options: unknown) => {
    created.updater.push(options);
    return () => {};
  },
}));

const signals = {
  SIGTERM: process.listeners('SIGTERM'),
  SIGINT: process.listeners('SIGINT'),
  uncaughtException: process.listeners('uncaughtException'),
  unhandledRejection: process.listeners('unhandledRejection'),
};
let core: FakeCore;

beforeEach(() => {
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  core = new FakeCore();
  created.core = core;
  created.updater.length = 0;
});
afterEach(() => {
  vi.restoreAllMocks();
  // index.ts installs process-wide handlers on this (test) process; take them back off.
  for (const event of ['SIGTERM', 'SIGINT', 'uncaughtException', 'unhandledRejection'] as const)
    for (const l of process.listeners(event as 'SIGTERM'))
      if (!signals[event].includes(l as never)) process.off(event, l);
});

async function start(): Promise<UpdateOptions> {
  vi.resetModules();
  const fake = (await import('electron')) as unknown as { resetElectronFake(): void };
  fake.resetElectronFake();
  await import('../../../src/main/shell/index');
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
  expect(created.updater).toHaveLength(1);
  return created.updater[0] as UpdateOptions;
}

describe('composition root → updater', () => {
  it('passes whether a call is up and the session’s changes', async () => {
    const options = await start();
    const changes = vi.fn();
    options.onSessionChange!(changes);
    core.setSnapshot(signedInSnapshot('idle'));
    expect(options.inCall!()).toBe(false);
    expect(options.idle!()).toBe(false);
    core.setSnapshot({
      ...signedInSnapshot('busy'),
      call: {
        id: 'c1',
        caller: '13800000000',
        phase: 'ringing',
        ringingSince: T0,
        talkingSince: null,
        muted: false,
      },
    });
    expect(options.inCall!()).toBe(true);
    expect(changes).toHaveBeenCalledTimes(2);
  });

  it('notes a downloaded update in the user-data folder', async () => {
    const options = await start();
    expect(options.pendingFile).toBe(
      join('/tmp/agent-desktop-fake-user-data', 'update-pending.json'),
    );
  });
});
