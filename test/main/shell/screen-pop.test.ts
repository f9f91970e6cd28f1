/**
 * Screen-pop through the Electron fake: the composition root hands the core an `openExternal`
 * that is Electron's shell.openExternal, and what reaches it for hostile caller numbers is a URL
 * on the admin's host whose `phone` is exactly the number — never anything it could escape to.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ScreenPop } from '../../../src/main/core/screen-pop';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import { silentLogger } from '../../../src/lib/ports';
import { FakeCore } from './fake-core';
import type { CoreOptions } from '../../../src/main/core/create-core';
import type { CallInfo } from '../../../src/shared/snapshot';
import type * as ElectronFake from '../../support/electron-fake';

const created = vi.hoisted(() => ({ options: [] as unknown[] }));
vi.mock('electron', () => import('../../support/electron-fake'));
vi.mock('../../../src/main/core/create-core', () => ({
  createDesktopCore: async (options: unknown) => {
    created.options.push(options);
    return new FakeCore();
  },
}));

const HOSTILE = [
  '138&agent=evil&call=x',
  '138#fragment',
  '138/../../admin',
  'javascript:alert(1)',
  '138\r\nSet-Cookie: x=1',
  '9'.repeat(200),
  'Evil <javascript:alert(document.cookie)>',
];
const settings = {
  ...DEFAULT_SETTINGS,
  screenPopUrl: 'https://crm.example.com/search?phone={caller}&agent={agent}&call={callId}',
  screenPopHosts: ['crm.example.com'],
  screenPopWhen: 'ring' as const,
};
const ringing = (caller: string, id = 'c-1'): CallInfo => ({
  id,
  caller,
  phase: 'ringing',
  ringingSince: 0,
  talkingSince: null,
  muted: false,
});

let fake: typeof ElectronFake;
const signals = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };
beforeEach(async () => {
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  created.options.length = 0;
  vi.resetModules();
  fake = (await import('electron')) as unknown as typeof ElectronFake;
  fake.resetElectronFake();
  await import('../../../src/main/shell/index');
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    for (const l of process.listeners(signal))
      if (!signals[signal].includes(l)) process.off(signal, l);
});

describe('screen-pop through the shell', () => {
  it('opens hostile callers only as an encoded phone on the admin’s host', async () => {
    const options = created.options[0] as CoreOptions;
    expect(options.openExternal).toBeTypeOf('function');
    const pop = new ScreenPop({
      settings: () => settings,
      agent: () => 'agent_1',
      open: options.openExternal!,
      logger: silentLogger,
    });
    HOSTILE.forEach((caller, i) => pop.ringing(ringing(caller, `c-${i}`)));
    await new Promise((resolve) => setImmediate(resolve));
    const opened = fake.shell.openExternal.mock.calls.map((c) => String((c as unknown[])[0]));
    expect(opened).toHaveLength(HOSTILE.length);
    opened.forEach((href, i) => {
      const url = new URL(href);
      expect(url.origin).toBe('https://crm.example.com');
      expect(url.pathname).toBe('/search');
      expect(url.hash).toBe('');
      expect([...url.searchParams.keys()]).toEqual(['phone', 'agent', 'call']);
      const caller = HOSTILE[i]!;
      const number = /<([^<>]*)>$/.exec(caller)?.[1] ?? caller;
      expect(url.searchParams.get('phone')).toBe(number);
      expect(url.searchParams.get('call')).toBe(`c-${i}`);
    });
  });

  it('opens nothing for a template on a host the admin did not allow', async () => {
    const options = created.options[0] as CoreOptions;
    const pop = new ScreenPop({
      settings: () => ({ ...settings, screenPopUrl: 'https://evil.example/?p={caller}' }),
      agent: () => 'agent_1',
      open: options.openExternal!,
      logger: silentLogger,
    });
    const result = await pop.openRecord(ringing('13900001234'));
    expect(result.ok).toBe(false);
    expect(fake.shell.openExternal).not.toHaveBeenCalled();
  });
});
