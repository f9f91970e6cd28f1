import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../../support/electron-fake'));

import { appMenuTemplate } from '../../../src/main/shell/app-menu';
import type { MenuItemConstructorOptions } from 'electron';

const items = (template: MenuItemConstructorOptions[]) =>
  template.flatMap((m) => (Array.isArray(m.submenu) ? m.submenu : []));

describe('app menu', () => {
  it.each(['win32', 'linux', 'darwin'] as const)(
    '%s: Quit goes through the orderly quit',
    (platform) => {
      const quit = vi.fn();
      const quitItem = items(appMenuTemplate(platform, 'zh-CN', quit)).find(
        (i) => i.label === '退出',
      );
      expect(quitItem?.accelerator).toBe('CmdOrCtrl+Q');
      quitItem?.click?.({} as never, undefined, {} as never);
      expect(quit).toHaveBeenCalledTimes(1);
    },
  );

  it('has no developer tools or reload entries', () => {
    const roles = items(appMenuTemplate('linux', 'en', () => {})).map((i) => i.role);
    expect(roles).not.toContain('toggleDevTools');
    expect(roles).not.toContain('reload');
    expect(roles).not.toContain('forceReload');
  });

  it.each(['win32', 'linux', 'darwin'] as const)(
    '%s: keeps zoom in, out and reset (labelled in the UI language)',
    (platform) => {
      const zoom = items(appMenuTemplate(platform, 'zh-CN', () => {})).filter((i) =>
        ['zoomIn', 'zoomOut', 'resetZoom'].includes(i.role ?? ''),
      );
      expect(zoom.map((i) => [i.role, i.label])).toEqual([
        ['zoomIn', '放大'],
        ['zoomOut', '缩小'],
        ['resetZoom', '实际大小'],
      ]);
    },
  );
});
